import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { FINDINGS_CSV_COLUMNS, Finding, FindingsPage } from '@ratchet/contracts';
import type { Finding as FindingItem, FindingSortField } from '@ratchet/contracts';
import type { Finding as FindingRecord, Workload } from '@ratchet/db';
import request from 'supertest';

import { FindingsRepository } from '../../src/modules/findings/findings.repository.js';
import { FINDINGS_EXPORT_PAGE_SIZE } from '../../src/modules/findings/findings.service.js';
import { createCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients } from '../factories/db.factory.js';
import { createFinding, createNamespace, createWorkload } from '../factories/inventory.factory.js';
import { createBulkFindings } from '../factories/query-data.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant, TestUser } from '../factories/tenant.factory.js';
import { parseCsv } from '../support/csv.util.js';
import { tamperCursor, walkPages } from '../support/pages.util.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const FINDINGS = '/api/v1/findings';
const EXPORT = '/api/v1/findings/export.csv';

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

describe('findings', () => {
  let sut: TestApp;
  let tenant: TestTenant;
  let viewer: TestUser;
  let alpha: TestCluster;
  let beta: TestCluster;
  let other: { tenant: TestTenant; finding: FindingRecord; cluster: TestCluster };
  // The first tenant's findings: f1..f6 (f5 resolved).
  const f: Record<string, FindingRecord> = {};
  let web: Workload;

  const get = (path: string, user: TestUser = viewer) => request(sut.http).get(path).set(user.headers);
  const list = async (query: Record<string, string | number>, user: TestUser = viewer): Promise<FindingsPage> => {
    const response = await get(FINDINGS, user).query(query).expect(200);
    return FindingsPage.parse(response.body);
  };
  const ids = (items: { id: string }[]) => items.map((item) => item.id).sort();

  beforeAll(async () => {
    sut = await startTestApp();
    const url = sut.database.url;
    tenant = await createTenant(url);
    viewer = await createMember(url, tenant.orgId, 'viewer');
    alpha = await createCluster(url, tenant.orgId, { name: 'alpha' });
    beta = await createCluster(url, tenant.orgId, { name: 'beta' });
    const shop = await createNamespace(url, { orgId: tenant.orgId, clusterId: alpha.clusterId }, { name: 'shop' });
    const billing = await createNamespace(url, { orgId: tenant.orgId, clusterId: beta.clusterId }, { name: 'billing' });
    web = await createWorkload(url, shop, { kind: 'Deployment', name: 'web', podCount: 3 });
    const db = await createWorkload(url, shop, { kind: 'StatefulSet', name: 'db', podCount: 4 });
    const api = await createWorkload(url, billing, { kind: 'Deployment', name: 'api' });
    f.f1 = await createFinding(url, web, {
      level: 'restricted',
      checkId: 'runAsNonRoot',
      message: 'runAsNonRoot != true',
      detail: { detail: 'pod or container "web" must set securityContext.runAsNonRoot=true', pods: ['web-1', 'web-2'] },
      firstSeenAt: hoursAgo(240),
      lastSeenAt: hoursAgo(1),
    });
    f.f2 = await createFinding(url, web, { level: 'baseline', checkId: 'privileged', firstSeenAt: hoursAgo(120), lastSeenAt: hoursAgo(2) });
    f.f3 = await createFinding(url, db, {
      level: 'restricted',
      version: 'v1.30',
      checkId: 'seccompProfile_restricted',
      firstSeenAt: hoursAgo(480),
      lastSeenAt: hoursAgo(3),
    });
    f.f4 = await createFinding(url, api, { level: 'baseline', checkId: 'hostPorts', firstSeenAt: hoursAgo(24), lastSeenAt: hoursAgo(0.5) });
    f.f5 = await createFinding(url, api, { level: 'restricted', checkId: 'runAsNonRoot', status: 'resolved', lastSeenAt: hoursAgo(96) });
    // A detail the worker did not write as FindingDetailRecord: the workload's pod count stands in.
    f.f6 = await createFinding(url, db, { level: 'restricted', checkId: 'allowPrivilegeEscalation', detail: {}, lastSeenAt: hoursAgo(5) });

    const otherTenant = await createTenant(url);
    const otherCluster = await createCluster(url, otherTenant.orgId, { name: 'alpha' });
    const otherShop = await createNamespace(url, { orgId: otherTenant.orgId, clusterId: otherCluster.clusterId }, { name: 'shop' });
    const otherWeb = await createWorkload(url, otherShop, { kind: 'Deployment', name: 'web' });
    other = { tenant: otherTenant, cluster: otherCluster, finding: await createFinding(url, otherWeb, { lastSeenAt: hoursAgo(1) }) };
  });

  afterAll(async () => {
    await disconnectOwnerClients();
    await sut?.close();
  });

  describe('GET /findings', () => {
    it('lets a viewer list open findings, newest lastSeenAt first, in the contract shape', async () => {
      const page = await list({});
      expect(page.items.map((item) => item.id)).toEqual([f.f4!.id, f.f1!.id, f.f2!.id, f.f3!.id, f.f6!.id]);
      expect(page.nextCursor).toBeNull();
      for (const item of page.items) Finding.parse(item);
      expect(page.items[1]).toEqual({
        id: f.f1!.id,
        clusterId: alpha.clusterId,
        clusterName: 'alpha',
        namespace: 'shop',
        workload: { kind: 'Deployment', name: 'web', uid: web.uid },
        level: 'restricted',
        version: 'latest',
        checkId: 'runAsNonRoot',
        status: 'open',
        reason: 'runAsNonRoot != true',
        detail: 'pod or container "web" must set securityContext.runAsNonRoot=true',
        injectedContainers: [],
        remediation: expect.stringContaining('runAsNonRoot'),
        podCount: 2,
        firstSeenAt: f.f1!.firstSeenAt.toISOString(),
        lastSeenAt: f.f1!.lastSeenAt.toISOString(),
        resolvedAt: null,
      });
      expect(page.items.find((item) => item.id === f.f6!.id)).toMatchObject({ detail: '', podCount: 4 });
    });

    it.each([
      ['clusterId', () => ({ clusterId: beta.clusterId }), ['f4']],
      ['namespace', () => ({ namespace: 'shop' }), ['f1', 'f2', 'f3', 'f6']],
      ['level', () => ({ level: 'baseline' }), ['f2', 'f4']],
      ['checkId', () => ({ checkId: 'runAsNonRoot' }), ['f1']],
      ['status', () => ({ status: 'resolved' }), ['f5']],
      ['version', () => ({ version: 'v1.30' }), ['f3']],
      ['workloadKind', () => ({ workloadKind: 'StatefulSet' }), ['f3', 'f6']],
      ['workloadName', () => ({ workloadName: 'web' }), ['f1', 'f2']],
      ['several filters together', () => ({ namespace: 'shop', level: 'restricted', status: 'open' }), ['f1', 'f3', 'f6']],
      ['resolved runAsNonRoot', () => ({ checkId: 'runAsNonRoot', status: 'resolved' }), ['f5']],
    ])('filters by %s', async (_name, query, expected) => {
      const page = await list(query());
      expect(ids(page.items)).toEqual(ids(expected.map((key) => f[key]!)));
    });

    const sortKey: Record<FindingSortField, (item: FindingItem) => string> = {
      lastSeenAt: (item) => item.lastSeenAt,
      firstSeenAt: (item) => item.firstSeenAt,
      namespace: (item) => item.namespace,
      workload: (item) => item.workload.name,
      level: (item) => (item.level === 'baseline' ? '0' : '1'),
      checkId: (item) => item.checkId,
    };
    const sortCases = (Object.keys(sortKey) as FindingSortField[]).flatMap((sort) => [
      [sort, 'asc'],
      [sort, 'desc'],
    ]) as [FindingSortField, 'asc' | 'desc'][];

    it.each(sortCases)('sorts by %s %s with ties broken by id, and pages through the same order', async (sort, order) => {
      const all = await list({ sort, order, status: 'open' });
      const compare = (a: FindingItem, b: FindingItem) => {
        const [x, y] = [sortKey[sort](a), sortKey[sort](b)];
        const byKey = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
        return order === 'asc' ? byKey : -byKey;
      };
      expect(all.items.map((item) => item.id)).toEqual([...all.items].sort(compare).map((item) => item.id));
      const pages = await walkPages((cursor) => list({ sort, order, limit: 2, ...(cursor ? { cursor } : {}) }));
      expect(pages.flat().map((item) => item.id)).toEqual(all.items.map((item) => item.id));
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    });

    it('walks every finding exactly once while findings are written between pages', async () => {
      const url = sut.database.url;
      const own = await createTenant(url);
      const cluster = await createCluster(url, own.orgId);
      const namespace = await createNamespace(url, { orgId: own.orgId, clusterId: cluster.clusterId });
      const initial: string[] = [];
      for (let i = 0; i < 7; i++) {
        const workload = await createWorkload(url, namespace, { name: `w${i}` });
        initial.push((await createFinding(url, workload, { lastSeenAt: hoursAgo(10 + i) })).id);
      }
      const newer: string[] = [];
      const older: string[] = [];
      const pages = await walkPages(
        (cursor) => list({ limit: 2, ...(cursor ? { cursor } : {}) }, own.owner),
        {
          between: async (index) => {
            // Behind the cursor (newer than every row read) and ahead of it (older than every row).
            const ahead = await createWorkload(url, namespace, { name: `older-${index}` });
            older.push((await createFinding(url, ahead, { lastSeenAt: hoursAgo(100 + index) })).id);
            const behind = await createWorkload(url, namespace, { name: `newer-${index}` });
            newer.push((await createFinding(url, behind, { lastSeenAt: new Date() })).id);
          },
        },
      );
      const seen = pages.flat().map((item) => item.id);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => initial.includes(id)).sort()).toEqual([...initial].sort());
      expect(seen.filter((id) => newer.includes(id))).toEqual([]);
      expect(older.length).toBeGreaterThan(0);
      expect(seen.filter((id) => older.includes(id)).sort()).toEqual([...older].sort());
    });

    it.each([
      ['limit=0', { limit: '0' }, 'query.limit'],
      ['limit=501', { limit: '501' }, 'query.limit'],
      ['limit=ten', { limit: 'ten' }, 'query.limit'],
      ['an unknown sort field', { sort: 'severity' }, 'query.sort'],
      ['an unknown order', { order: 'up' }, 'query.order'],
      ['an unknown status', { status: 'closed' }, 'query.status'],
      ['a bad cluster id', { clusterId: 'alpha' }, 'query.clusterId'],
      ['an unknown check', { checkId: 'runAsRoot' }, 'query.checkId'],
      ['an unknown parameter', { severity: 'high' }, 'query.severity'],
      ['a cursor with characters base64url lacks', { cursor: 'a+b/c=' }, 'query.cursor'],
      ['a cursor that is not one', { cursor: 'bm90LWpzb24' }, 'query.cursor'],
    ])('refuses %s with a 400 naming the parameter', async (_name, query, path) => {
      const response = await get(FINDINGS).query(query).expect(400);
      expect(response.body.code).toBe('validation_failed');
      expect(response.body.details.issues.map((issue: { path: string }) => issue.path)).toContain(path);
    });

    it('refuses a tampered cursor, and a cursor of another sort, with a 400 on query.cursor', async () => {
      const { nextCursor } = await list({ limit: 1 });
      const cursor = nextCursor!;
      const tampered = [
        tamperCursor(cursor, (content) => (content.keys = ['yesterday'])),
        tamperCursor(cursor, (content) => (content.keys = [])),
        tamperCursor(cursor, (content) => (content.id = 'not-a-uuid')),
        tamperCursor(cursor, (content) => (content.v = 2)),
        tamperCursor(cursor, (content) => (content.extra = true)),
      ];
      for (const bad of tampered) {
        const response = await get(FINDINGS).query({ limit: 1, cursor: bad }).expect(400);
        expect(response.body.details.issues).toEqual([{ path: 'query.cursor', message: expect.stringContaining('nextCursor') }]);
      }
      const otherSort = await get(FINDINGS).query({ limit: 1, cursor, sort: 'namespace' }).expect(400);
      expect(otherSort.body.details.issues).toEqual([{ path: 'query.cursor', message: expect.stringContaining('sort=lastSeenAt&order=desc') }]);
      const otherOrder = await get(FINDINGS).query({ limit: 1, cursor, order: 'asc' }).expect(400);
      expect(otherOrder.body.details.issues[0].path).toBe('query.cursor');
    });

    it('treats a cursor key as a value, never as SQL', async () => {
      const { nextCursor } = await list({ limit: 1, sort: 'namespace' });
      const injected = tamperCursor(nextCursor!, (content) => (content.keys = ["shop') OR 1=1; DROP TABLE findings; --"]));
      const response = await get(FINDINGS).query({ limit: 1, sort: 'namespace', cursor: injected }).expect(200);
      expect(FindingsPage.parse(response.body).items).toHaveLength(1);
      expect((await list({})).items).toHaveLength(5);
    });
  });

  describe('GET /findings/:findingId', () => {
    it('returns one finding, resolved ones included', async () => {
      const response = await get(`${FINDINGS}/${f.f5!.id}`).expect(200);
      expect(Finding.parse(response.body)).toMatchObject({ id: f.f5!.id, status: 'resolved', clusterName: 'beta', resolvedAt: expect.any(String) });
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      await get(`${FINDINGS}/${randomUUID()}`).expect(404);
      const response = await get(`${FINDINGS}/finding-1`).expect(400);
      expect(response.body.details.issues[0].path).toBe('params.findingId');
    });
  });

  describe('CSV export', () => {
    it('exports the filtered findings with a header row and a dated attachment name', async () => {
      const response = await get(EXPORT).query({ namespace: 'shop', sort: 'checkId', order: 'asc' }).expect(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(`attachment; filename="findings-${new Date().toISOString().slice(0, 10)}.csv"`);
      const rows = parseCsv(response.text);
      expect(rows[0]).toEqual([...FINDINGS_CSV_COLUMNS]);
      expect(rows.slice(1).map((row) => row[6])).toEqual(['allowPrivilegeEscalation', 'privileged', 'runAsNonRoot', 'seccompProfile_restricted']);
      expect(rows[3]).toEqual([
        'alpha',
        'shop',
        'Deployment',
        'web',
        'restricted',
        'latest',
        'runAsNonRoot',
        'open',
        'runAsNonRoot != true',
        'pod or container "web" must set securityContext.runAsNonRoot=true',
        '2',
        f.f1!.firstSeenAt.toISOString(),
        f.f1!.lastSeenAt.toISOString(),
        '',
      ]);
      expect(response.text).toContain(',"pod or container ""web"" must set securityContext.runAsNonRoot=true",');
    });

    it('quotes fields as RFC 4180 says and defuses spreadsheet formulas', async () => {
      const url = sut.database.url;
      const own = await createTenant(url);
      const cluster = await createCluster(url, own.orgId, { name: 'csv' });
      const namespace = await createNamespace(url, { orgId: own.orgId, clusterId: cluster.clusterId }, { name: 'csv' });
      const reasons: [string, string, string][] = [
        // [stored, as parsed back from the CSV, as written in the file]
        ['plain', 'plain', ',plain,'],
        ['a, comma', 'a, comma', ',"a, comma",'],
        ['say "hi"', 'say "hi"', ',"say ""hi""",'],
        ['two\nlines', 'two\nlines', ',"two\nlines",'],
        ['carriage\r\nreturn', 'carriage\r\nreturn', ',"carriage\r\nreturn",'],
        ['=HYPERLINK("http://evil.example","x")', `'=HYPERLINK("http://evil.example","x")`, `,"'=HYPERLINK(""http://evil.example"",""x"")",`],
        ['+1+1', "'+1+1", ",'+1+1,"],
        ['-2+3', "'-2+3", ",'-2+3,"],
        ['@SUM(A1:A9)', "'@SUM(A1:A9)", ",'@SUM(A1:A9),"],
        ['\tcmd', "'\tcmd", ",'\tcmd,"],
        ['\rcmd', "'\rcmd", ",\"'\rcmd\","],
        ['a=b', 'a=b', ',a=b,'],
      ];
      for (const [index, [stored]] of reasons.entries()) {
        const workload = await createWorkload(url, namespace, { name: `w${String(index).padStart(2, '0')}` });
        await createFinding(url, workload, { message: stored, detail: { detail: '', pods: [] } });
      }
      const response = await request(sut.http).get(EXPORT).set(own.owner.headers).query({ sort: 'workload', order: 'asc' }).expect(200);
      const rows = parseCsv(response.text).slice(1);
      expect(rows.map((row) => row[8])).toEqual(reasons.map(([, parsed]) => parsed));
      for (const [, , written] of reasons) expect(response.text).toContain(written);
      expect(rows.every((row) => row.length === FINDINGS_CSV_COLUMNS.length)).toBe(true);
    });

    it('refuses pagination parameters and bad filters with a 400', async () => {
      const response = await get(EXPORT).query({ limit: '10', level: 'privileged' }).expect(400);
      expect(response.body.details.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['query.level', 'query.limit']);
    });

    it('streams a large export page by page: the first bytes leave before the last page is read, and a paused client stops the reads', async () => {
      const url = sut.database.url;
      const own = await createTenant(url);
      const cluster = await createCluster(url, own.orgId);
      const namespace = await createNamespace(url, { orgId: own.orgId, clusterId: cluster.clusterId }, { name: 'bulk' });
      const workload = await createWorkload(url, namespace, { name: 'bulk' });
      const total = 50_000;
      // About 700 bytes a row, 35 MB in all: far more than the socket buffers a paused client leaves room for.
      await createBulkFindings(url, workload, total, 500);
      const pageCount = total / FINDINGS_EXPORT_PAGE_SIZE + 1;

      const repository = sut.app.get(FindingsRepository);
      const reads = jest.spyOn(repository, 'page');
      try {
        if (!sut.http.listening) await new Promise<void>((resolve) => sut.http.listen(0, '127.0.0.1', resolve));
        const { port } = sut.http.address() as AddressInfo;
        const result = await new Promise<{ status: number; chunks: number; readsAtFirstChunk: number; readsWhilePaused: number; text: string }>(
          (resolve, reject) => {
            const req = http.get({ host: '127.0.0.1', port, path: EXPORT, headers: own.owner.headers }, (response) => {
              let chunks = 0;
              let readsAtFirstChunk = -1;
              let readsWhilePaused = -1;
              const parts: Buffer[] = [];
              response.on('data', (chunk: Buffer) => {
                chunks++;
                parts.push(chunk);
                if (chunks === 1) {
                  readsAtFirstChunk = reads.mock.calls.length;
                  response.pause();
                  // Stay paused until the server has read no page for a second: with backpressure that is
                  // soon, once the socket buffers are full; without it, only after the last page.
                  let last = -1;
                  const poll = setInterval(() => {
                    if (reads.mock.calls.length !== last) {
                      last = reads.mock.calls.length;
                      return;
                    }
                    clearInterval(poll);
                    readsWhilePaused = last;
                    response.resume();
                  }, 1000);
                }
              });
              response.on('end', () =>
                resolve({ status: response.statusCode ?? 0, chunks, readsAtFirstChunk, readsWhilePaused, text: Buffer.concat(parts).toString('utf8') }),
              );
              response.on('error', reject);
            });
            req.on('error', reject);
          },
        );
        expect(result.status).toBe(200);
        expect(result.readsAtFirstChunk).toBeGreaterThanOrEqual(1);
        expect(result.readsAtFirstChunk).toBeLessThan(pageCount);
        expect(result.readsWhilePaused).toBeLessThan(pageCount);
        expect(reads.mock.calls.length).toBe(pageCount);
        expect(result.chunks).toBeGreaterThan(pageCount);
        const lines = result.text.split('\r\n');
        expect(lines.at(-1)).toBe('');
        expect(lines).toHaveLength(total + 2);
        const reasons = new Set(lines.slice(1, -1).map((line) => line.split(',')[8]));
        expect(reasons.size).toBe(total);
        expect(reasons.has('bulk finding 0') && reasons.has(`bulk finding ${total - 1}`)).toBe(true);
      } finally {
        reads.mockRestore();
      }
    }, 120_000);
  });

  describe('access', () => {
    it('answers 401 without credentials on every endpoint', async () => {
      for (const path of [FINDINGS, EXPORT, `${FINDINGS}/${f.f1!.id}`]) {
        const response = await request(sut.http).get(path).expect(401);
        expect(response.body.code).toBe('unauthenticated');
      }
    });

    it('answers 403 to an agent token on every endpoint', async () => {
      for (const path of [FINDINGS, EXPORT, `${FINDINGS}/${f.f1!.id}`]) {
        const response = await request(sut.http).get(path).set(alpha.agentHeaders).expect(403);
        expect(response.body.code).toBe('forbidden');
      }
    });

    it("shows another tenant none of this tenant's findings: 404 by id, nothing in lists or exports", async () => {
      const them = other.tenant.owner;
      for (const finding of Object.values(f)) await get(`${FINDINGS}/${finding.id}`, them).expect(404);
      const theirs = await list({ status: 'open', limit: 500 }, them);
      expect(theirs.items.map((item) => item.id)).toEqual([other.finding.id]);
      expect((await list({ status: 'resolved' }, them)).items).toEqual([]);
      expect((await list({ clusterId: alpha.clusterId }, them)).items).toEqual([]);
      const exported = parseCsv((await get(EXPORT, them).expect(200)).text);
      expect(exported).toHaveLength(2);
      expect((await get(EXPORT, them).query({ clusterId: alpha.clusterId }).expect(200)).text).toBe(`${FINDINGS_CSV_COLUMNS.join(',')}\r\n`);
      // And the other way round.
      await get(`${FINDINGS}/${other.finding.id}`).expect(404);
      expect((await list({ limit: 500 })).items.map((item) => item.id)).not.toContain(other.finding.id);
    });
  });
});
