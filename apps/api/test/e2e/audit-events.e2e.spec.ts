import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AUDIT_EVENTS_CSV_COLUMNS, AuditEventSummary, AuditEventsPage, ErrorResponse } from '@ratchet/contracts';
import type { AuditEvent } from '@ratchet/db';
import request from 'supertest';

import { AUDIT_EVENTS_EXPORT_PAGE_SIZE } from '../../src/modules/audit-events/audit-events.service.js';
import { createCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients } from '../factories/db.factory.js';
import { createAuditEvent, createBulkAuditEvents } from '../factories/query-data.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant, TestUser } from '../factories/tenant.factory.js';
import { parseCsv } from '../support/csv.util.js';
import { tamperCursor, walkPages } from '../support/pages.util.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const EVENTS = '/api/v1/audit-events';
const EXPORT = '/api/v1/audit-events/export.csv';
/** The API's clock: fixed, so the default range (the 7 days before now) is decided by the test. */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);
const daysAgo = (days: number) => hoursAgo(days * 24);

describe('audit events', () => {
  let sut: TestApp;
  let tenant: TestTenant;
  let viewer: TestUser;
  let alpha: TestCluster;
  let beta: TestCluster;
  // e1..e3, e6, e7 are within the last 7 days (e6 and e7 at the same instant); e4 is 10 days old, e5 100.
  const e: Record<string, AuditEvent> = {};
  let other: { tenant: TestTenant; event: AuditEvent };
  /** What the API's clock reads; a test that moves it puts it back. */
  let clock = NOW;

  const get = (path: string, user: TestUser = viewer) => request(sut.http).get(path).set(user.headers);
  const list = async (query: Record<string, string | number>, user: TestUser = viewer): Promise<AuditEventsPage> => {
    const response = await get(EVENTS, user).query(query).expect(200);
    return AuditEventsPage.parse(response.body);
  };
  const idsOf = (page: AuditEventsPage) => page.items.map((item) => item.id);
  // Newest first, ties by id descending: what the list promises.
  const newestFirst = (...keys: string[]) =>
    keys
      .map((key) => e[key]!)
      .sort((a, b) => b.time.getTime() - a.time.getTime() || (a.id < b.id ? 1 : -1))
      .map((event) => event.id);

  beforeAll(async () => {
    sut = await startTestApp({}, { now: () => clock });
    const url = sut.database.url;
    tenant = await createTenant(url);
    viewer = await createMember(url, tenant.orgId, 'viewer');
    alpha = await createCluster(url, tenant.orgId, { name: 'alpha' });
    beta = await createCluster(url, tenant.orgId, { name: 'beta' });
    const inAlpha = { orgId: tenant.orgId, clusterId: alpha.clusterId };
    e.e1 = await createAuditEvent(url, inAlpha, { namespace: 'shop', time: hoursAgo(1), username: 'alice', objectName: 'web' });
    e.e2 = await createAuditEvent(url, inAlpha, {
      namespace: 'shop',
      time: hoursAgo(2),
      username: 'bob',
      level: 'baseline',
      objectResource: 'pods',
      objectSubresource: 'ephemeralcontainers',
      checks: [
        { id: 'hostPorts', reason: 'hostPort', detail: 'container "web" uses hostPort 80' },
        { id: 'privileged', reason: 'privileged', detail: 'container "web" must not set securityContext.privileged=true' },
      ],
      enforcePolicy: 'privileged:latest',
      responseCode: 201,
    });
    e.e3 = await createAuditEvent(url, { orgId: tenant.orgId, clusterId: beta.clusterId }, {
      namespace: 'billing',
      time: daysAgo(3),
      username: 'alice',
      checks: [
        { id: 'allowPrivilegeEscalation', reason: 'allowPrivilegeEscalation != false', detail: 'container "api" must set it' },
        { id: 'runAsNonRoot', reason: 'runAsNonRoot != true', detail: 'pod must set runAsNonRoot=true' },
      ],
    });
    e.e4 = await createAuditEvent(url, inAlpha, { namespace: 'shop', time: daysAgo(10) });
    e.e5 = await createAuditEvent(url, inAlpha, { namespace: 'shop', time: daysAgo(100) });
    const tie = hoursAgo(5);
    const seLinux = [{ id: 'seLinuxOptions', reason: 'seLinuxOptions', detail: 'pod must not set seLinuxOptions.type' }];
    e.e6 = await createAuditEvent(url, inAlpha, { namespace: 'shop', time: tie, username: 'carol', checks: seLinux });
    e.e7 = await createAuditEvent(url, inAlpha, { namespace: 'shop', time: tie, username: 'carol', checks: seLinux });

    const otherTenant = await createTenant(url);
    const otherCluster = await createCluster(url, otherTenant.orgId, { name: 'alpha' });
    other = {
      tenant: otherTenant,
      event: await createAuditEvent(url, { orgId: otherTenant.orgId, clusterId: otherCluster.clusterId }, { namespace: 'shop', time: hoursAgo(1) }),
    };
  });

  afterAll(async () => {
    await disconnectOwnerClients();
    await sut?.close();
  });

  describe('GET /audit-events', () => {
    it('lets a viewer list the last 7 days, newest first with ties broken by id, in the contract shape', async () => {
      const page = await list({});
      expect(idsOf(page)).toEqual(newestFirst('e1', 'e2', 'e3', 'e6', 'e7'));
      expect(page.items.find((item) => item.id === e.e2!.id)).toEqual({
        id: e.e2!.id,
        clusterId: alpha.clusterId,
        clusterName: 'alpha',
        auditId: e.e2!.auditId,
        stage: 'ResponseComplete',
        time: e.e2!.time.toISOString(),
        receivedAt: e.e2!.receivedAt.toISOString(),
        verb: 'create',
        user: { username: 'bob', groups: ['system:authenticated'] },
        impersonatedUser: null,
        objectRef: { resource: 'pods', namespace: 'shop', name: e.e2!.objectName, apiVersion: 'v1', subresource: 'ephemeralcontainers' },
        namespace: 'shop',
        dryRun: false,
        level: 'baseline',
        version: 'latest',
        checks: [
          { id: 'hostPorts', reason: 'hostPort', detail: 'container "web" uses hostPort 80' },
          { id: 'privileged', reason: 'privileged', detail: 'container "web" must not set securityContext.privileged=true' },
        ],
        unparsed: false,
        parseError: null,
        auditViolations: e.e2!.auditViolations,
        annotationKeyPrefix: null,
        enforcePolicy: 'privileged:latest',
        responseCode: 201,
      });
    });

    it("takes the default range from the API's clock: five days ago it held e4 and none of the newer events", async () => {
      try {
        clock = daysAgo(5);
        expect(idsOf(await list({}))).toEqual([e.e4!.id]);
        const csv = await request(sut.http).get(EXPORT).set(viewer.headers).expect(200);
        expect(parseCsv(csv.text).slice(1).map((row) => row[0])).toEqual([e.e4!.time.toISOString()]);
        expect(csv.headers['content-disposition']).toBe(`attachment; filename="audit-events-${clock.toISOString().slice(0, 10)}.csv"`);
      } finally {
        clock = NOW;
      }
    });

    it("checks a range without `to` against the API's clock, in the list and the export", async () => {
      try {
        clock = daysAgo(100);
        // 89 days before the API's clock: within the 90-day limit there, 189 days before the wall clock.
        await get(EVENTS).query({ from: new Date(clock.getTime() - 89 * 86_400_000).toISOString() }).expect(200);
        for (const path of [EVENTS, EXPORT]) {
          // A day before the wall clock is after the API's clock: an empty range, refused.
          const response = await get(path).query({ from: daysAgo(1).toISOString() }).expect(400);
          const error = ErrorResponse.parse(response.body);
          expect(error.code).toBe('validation_failed');
          expect(error.details['issues']).toEqual([{ path: 'query.from', message: 'must be in the past (to defaults to now)' }]);
        }
      } finally {
        clock = NOW;
      }
    });

    it('lists oldest first with order=asc', async () => {
      expect(idsOf(await list({ order: 'asc' }))).toEqual(newestFirst('e1', 'e2', 'e3', 'e6', 'e7').reverse());
    });

    it.each([
      ['an explicit time range', () => ({ from: daysAgo(11).toISOString(), to: daysAgo(9).toISOString() }), ['e4']],
      ['a range months back', () => ({ from: daysAgo(101).toISOString(), to: daysAgo(99).toISOString() }), ['e5']],
      ['`from` alone, up to now', () => ({ from: daysAgo(11).toISOString() }), ['e1', 'e2', 'e3', 'e4', 'e6', 'e7']],
      ['`to` alone, 7 days back from it', () => ({ to: daysAgo(2).toISOString() }), ['e3']],
      ['`from` inclusive and `to` exclusive', () => ({ from: e.e6!.time.toISOString(), to: e.e2!.time.toISOString() }), ['e6', 'e7']],
      ['clusterId', () => ({ clusterId: beta.clusterId }), ['e3']],
      ['namespace', () => ({ namespace: 'shop' }), ['e1', 'e2', 'e6', 'e7']],
      ['user', () => ({ user: 'alice' }), ['e1', 'e3']],
      ['a check among several', () => ({ checkId: 'privileged' }), ['e2']],
      ['a check several events have', () => ({ checkId: 'runAsNonRoot' }), ['e1', 'e3']],
      ['level', () => ({ level: 'baseline' }), ['e2']],
      ['namespace, user and check together', () => ({ namespace: 'shop', user: 'carol', checkId: 'seLinuxOptions' }), ['e6', 'e7']],
    ])('filters by %s', async (_name, query, expected) => {
      expect(idsOf(await list(query()))).toEqual(newestFirst(...expected));
    });

    it('walks every event exactly once, ties included, while events are written between pages', async () => {
      const url = sut.database.url;
      const own = await createTenant(url);
      const cluster = await createCluster(url, own.orgId);
      const ref = { orgId: own.orgId, clusterId: cluster.clusterId };
      const tie = hoursAgo(3);
      const initial: string[] = [];
      for (let i = 0; i < 3; i++) initial.push((await createAuditEvent(url, ref, { time: tie })).id);
      for (let i = 0; i < 4; i++) initial.push((await createAuditEvent(url, ref, { time: hoursAgo(4 + i) })).id);
      const newer: string[] = [];
      const older: string[] = [];
      const pages = await walkPages(
        (cursor) => list({ limit: 2, ...(cursor ? { cursor } : {}) }, own.owner),
        {
          between: async (index) => {
            newer.push((await createAuditEvent(url, ref, { time: hoursAgo(0.1) })).id);
            older.push((await createAuditEvent(url, ref, { time: daysAgo(6 + index * 0.01) })).id);
          },
        },
      );
      const seen = pages.flat().map((item) => item.id);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => initial.includes(id)).sort()).toEqual([...initial].sort());
      expect(seen.filter((id) => newer.includes(id))).toEqual([]);
      expect(seen.filter((id) => older.includes(id)).sort()).toEqual([...older].sort());
    });

    it.each([
      ['a range over 90 days', { from: '2026-01-01T00:00:00Z', to: '2026-04-02T00:00:00Z' }, 'query.from', '90 days'],
      ['`from` alone over 90 days ago', { from: new Date(Date.now() - 91 * 86_400_000).toISOString() }, 'query.from', '90 days'],
      ['`from` after `to`', { from: '2026-07-02T00:00:00Z', to: '2026-07-01T00:00:00Z' }, 'query.to', 'after from'],
      ['a time without an offset', { from: '2026-07-01T00:00:00' }, 'query.from', ''],
      ['an unknown check', { checkId: 'hostNetwork' }, 'query.checkId', ''],
      ['an empty user', { user: '' }, 'query.user', ''],
      ['limit=1000', { limit: '1000' }, 'query.limit', ''],
      ['an unknown parameter', { username: 'alice' }, 'query.username', ''],
    ])('refuses %s with a 400 naming the parameter', async (_name, query, path, message) => {
      const response = await get(EVENTS).query(query).expect(400);
      expect(response.body.details.issues).toContainEqual({ path, message: expect.stringContaining(message) });
    });

    it('refuses a tampered cursor and a cursor of the other order', async () => {
      const { nextCursor } = await list({ limit: 1 });
      const tampered = tamperCursor(nextCursor!, (content) => (content.keys = ['1 hour ago']));
      const response = await get(EVENTS).query({ cursor: tampered }).expect(400);
      expect(response.body.details.issues).toEqual([{ path: 'query.cursor', message: expect.any(String) }]);
      await get(EVENTS).query({ cursor: nextCursor!, order: 'asc' }).expect(400);
    });
  });

  describe('GET /audit-events/:auditEventId', () => {
    it('returns one event, however old', async () => {
      const response = await get(`${EVENTS}/${e.e5!.id}`).expect(200);
      expect(AuditEventSummary.parse(response.body)).toMatchObject({ id: e.e5!.id, time: e.e5!.time.toISOString() });
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      await get(`${EVENTS}/${randomUUID()}`).expect(404);
      const response = await get(`${EVENTS}/${e.e1!.auditId}x`).expect(400);
      expect(response.body.details.issues[0].path).toBe('params.auditEventId');
    });
  });

  describe('CSV export', () => {
    it('exports the filtered events with a header row, quoted and defused', async () => {
      const url = sut.database.url;
      const own = await createTenant(url);
      const cluster = await createCluster(url, own.orgId, { name: 'csv' });
      const ref = { orgId: own.orgId, clusterId: cluster.clusterId };
      const hostile = await createAuditEvent(url, ref, {
        namespace: 'shop',
        time: hoursAgo(1),
        username: '=cmd|"/C calc"!A0',
        objectSubresource: 'ephemeralcontainers',
        checks: [
          { id: 'hostPorts', reason: 'hostPort', detail: 'x' },
          { reason: 'unknown, "new" check', detail: 'y' },
        ],
        enforcePolicy: null,
        responseCode: null,
      });
      const plain = await createAuditEvent(url, ref, { namespace: 'shop', time: hoursAgo(2), username: '@bob', objectName: null });
      await createAuditEvent(url, ref, { namespace: 'other', time: hoursAgo(3) });

      const response = await request(sut.http).get(EXPORT).set(own.owner.headers).query({ namespace: 'shop' }).expect(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(`attachment; filename="audit-events-${NOW.toISOString().slice(0, 10)}.csv"`);
      const rows = parseCsv(response.text);
      expect(rows).toEqual([
        [...AUDIT_EVENTS_CSV_COLUMNS],
        [
          hostile.time.toISOString(),
          'csv',
          'shop',
          'pods/ephemeralcontainers',
          hostile.objectName,
          'create',
          `'=cmd|"/C calc"!A0`,
          'restricted',
          'latest',
          'hostPorts; unknown, "new" check',
          '',
          '',
          hostile.auditId,
          '',
          'false',
          'false',
          '',
        ],
        [plain.time.toISOString(), 'csv', 'shop', 'pods', '', 'create', "'@bob", 'restricted', 'latest', 'runAsNonRoot', '', '', plain.auditId, '', 'false', 'false', ''],
      ]);
      expect(response.text).toContain(`,"'=cmd|""/C calc""!A0",`);
      expect(response.text).toContain(',"hostPorts; unknown, ""new"" check",');
    });

    it('exports every event of a range over several pages, each once, newest first', async () => {
      const url = sut.database.url;
      const own = await createTenant(url);
      const cluster = await createCluster(url, own.orgId);
      const count = AUDIT_EVENTS_EXPORT_PAGE_SIZE * 2 + 100;
      await createBulkAuditEvents(url, { orgId: own.orgId, clusterId: cluster.clusterId }, count, hoursAgo(1));
      const response = await request(sut.http).get(EXPORT).set(own.owner.headers).expect(200);
      const rows = parseCsv(response.text).slice(1);
      expect(rows.map((row) => row[6])).toEqual(Array.from({ length: count }, (_, i) => `bulk-${i}`));
    });

    it('applies the same range rules as the list', async () => {
      const response = await get(EXPORT).query({ from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' }).expect(400);
      expect(response.body.details.issues[0]).toEqual({ path: 'query.from', message: expect.stringContaining('90 days') });
      await get(EXPORT).query({ cursor: 'abc' }).expect(400);
    });
  });

  describe('access', () => {
    it('answers 401 without credentials and 403 to an agent token', async () => {
      for (const path of [EVENTS, EXPORT, `${EVENTS}/${e.e1!.id}`]) {
        await request(sut.http).get(path).expect(401);
        const response = await request(sut.http).get(path).set(alpha.agentHeaders).expect(403);
        expect(response.body.code).toBe('forbidden');
      }
    });

    it("shows another tenant none of this tenant's events: 404 by id, nothing in lists or exports", async () => {
      const them = other.tenant.owner;
      for (const event of Object.values(e)) await get(`${EVENTS}/${event.id}`, them).expect(404);
      expect(idsOf(await list({ from: daysAgo(89).toISOString() }, them))).toEqual([other.event.id]);
      expect((await list({ clusterId: alpha.clusterId }, them)).items).toEqual([]);
      const exported = parseCsv((await get(EXPORT, them).expect(200)).text);
      expect(exported.slice(1).map((row) => row[12])).toEqual([other.event.auditId]);
      await get(`${EVENTS}/${other.event.id}`).expect(404);
    });
  });
});
