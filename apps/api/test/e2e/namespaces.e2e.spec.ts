import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NamespaceSummary, NamespacesPage } from '@ratchet/contracts';
import type { Namespace } from '@ratchet/db';
import request from 'supertest';

import { createCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { createFinding, createNamespace, createPod, createWorkload } from '../factories/inventory.factory.js';
import { createReadiness } from '../factories/query-data.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant, TestUser } from '../factories/tenant.factory.js';
import { expectStableNameWalk, tamperCursor, walkPages } from '../support/pages.util.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const NAMESPACES = '/api/v1/namespaces';
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

describe('namespaces', () => {
  let sut: TestApp;
  let tenant: TestTenant;
  let viewer: TestUser;
  let alpha: TestCluster;
  let beta: TestCluster;
  // shop: enforces baseline@v1.30, readiness computed at v1.30; team: at risk for restricted; payments: invalid
  // labels and nothing computed; gone: deleted.
  let shop: Namespace;
  let team: Namespace;
  let payments: Namespace;
  let gone: Namespace;
  let other: { tenant: TestTenant; namespace: Namespace };
  const computedAt = new Date(Date.now() - 60_000);
  // First-seen times, for the createdAt sort: payments, shop, team.
  const created = { payments: daysAgo(30), shop: daysAgo(20), team: daysAgo(10) };

  const get = (path: string, user: TestUser = viewer) => request(sut.http).get(path).set(user.headers);
  const list = async (query: Record<string, string | number>, user: TestUser = viewer): Promise<NamespacesPage> => {
    const response = await get(NAMESPACES, user).query(query).expect(200);
    return NamespacesPage.parse(response.body);
  };
  const names = (page: NamespacesPage) => page.items.map((item) => item.name);

  beforeAll(async () => {
    sut = await startTestApp();
    const url = sut.database.url;
    tenant = await createTenant(url);
    viewer = await createMember(url, tenant.orgId, 'viewer');
    alpha = await createCluster(url, tenant.orgId, { name: 'alpha' });
    beta = await createCluster(url, tenant.orgId, { name: 'beta' });
    const inAlpha = { orgId: tenant.orgId, clusterId: alpha.clusterId };
    shop = await createNamespace(url, inAlpha, { name: 'shop', enforceLevel: 'baseline', enforceVersion: 'v1.30', auditLevel: 'restricted' });
    team = await createNamespace(url, inAlpha, { name: 'team', enforceLevel: 'restricted' });
    payments = await createNamespace(url, { orgId: tenant.orgId, clusterId: beta.clusterId }, {
      name: 'payments',
      enforceLevel: 'restrictd',
      enforceVersion: 'v1.01',
      warnLevel: 'baseline',
      warnVersion: 'v2.0',
    });
    gone = await createNamespace(url, inAlpha, { name: 'gone', deletedAt: daysAgo(1) });
    const db = ownerClient(url);
    for (const namespace of [payments, shop, team]) {
      const firstSeenAt = created[namespace.name as keyof typeof created];
      await db.namespace.update({ where: { orgId_id: { orgId: tenant.orgId, id: namespace.id } }, data: { firstSeenAt } });
    }

    // shop: 2 top-level workloads (a ReplicaSet under its Deployment and a deleted one do not count), 3 pods,
    // 3 open findings and a resolved one.
    const web = await createWorkload(url, shop, { kind: 'Deployment', name: 'web' });
    await createWorkload(url, shop, { kind: 'ReplicaSet', name: 'web-5d9c', ownerChain: [{ kind: 'Deployment', name: 'web', uid: web.uid }] });
    const db1 = await createWorkload(url, shop, { kind: 'StatefulSet', name: 'db' });
    await createWorkload(url, shop, { kind: 'Deployment', name: 'old', deletedAt: daysAgo(2) });
    await createPod(url, web);
    await createPod(url, web);
    await createPod(url, db1);
    await createFinding(url, web, { level: 'restricted', checkId: 'runAsNonRoot' });
    await createFinding(url, web, { level: 'restricted', checkId: 'seccompProfile_restricted' });
    await createFinding(url, db1, { level: 'baseline', checkId: 'hostPorts' });
    await createFinding(url, db1, { level: 'baseline', checkId: 'privileged', status: 'resolved' });
    // team: one finding.
    const api = await createWorkload(url, team, { name: 'api' });
    await createFinding(url, api, { level: 'restricted', checkId: 'allowPrivilegeEscalation' });

    // Readiness at the version that applies, and rows at another version that must not be shown.
    await createReadiness(url, shop, { level: 'baseline', version: 'v1.30', status: 'ready', computedAt, provisional: true, observedSince: computedAt, auditSource: 'none' });
    await createReadiness(url, shop, { level: 'restricted', version: 'v1.30', status: 'blocked', blockingWorkloadCount: 2, computedAt });
    await createReadiness(url, shop, { level: 'restricted', version: 'latest', status: 'ready', computedAt });
    await createReadiness(url, team, { level: 'restricted', version: 'latest', status: 'blocked', atRisk: true, blockingWorkloadCount: 1, computedAt });

    const otherTenant = await createTenant(url);
    const otherCluster = await createCluster(url, otherTenant.orgId, { name: 'alpha' });
    const otherShop = await createNamespace(url, { orgId: otherTenant.orgId, clusterId: otherCluster.clusterId }, { name: 'shop' });
    await createPod(url, await createWorkload(url, otherShop, { name: 'web' }));
    other = { tenant: otherTenant, namespace: otherShop };
  });

  afterAll(async () => {
    await disconnectOwnerClients();
    await sut?.close();
  });

  describe('GET /namespaces', () => {
    it('lets a viewer list live namespaces by name with labels, readiness per level and counts', async () => {
      const page = await list({});
      expect(names(page)).toEqual(['payments', 'shop', 'team']);
      expect(page.nextCursor).toBeNull();
      const [paymentsItem, shopItem, teamItem] = page.items;
      expect(shopItem).toEqual({
        id: shop.id,
        clusterId: alpha.clusterId,
        clusterName: 'alpha',
        name: 'shop',
        uid: shop.uid,
        labels: { enforce: 'baseline', enforceVersion: 'v1.30', audit: 'restricted' },
        invalidLabels: [],
        readiness: {
          // Ready, but provisional: the cluster has no audit source.
          baseline: { status: 'ready', version: 'v1.30', blockingWorkloads: 0, computedAt: computedAt.toISOString(), provisional: true, observedSince: computedAt.toISOString(), auditSource: 'none', exempt: false, auditBlockedUntil: null },
          restricted: { status: 'blocked', version: 'v1.30', blockingWorkloads: 2, computedAt: computedAt.toISOString(), provisional: false, observedSince: null, auditSource: null, exempt: false, auditBlockedUntil: null },
        },
        counts: { workloads: 2, pods: 3, openFindings: 3 },
        createdAt: created.shop.toISOString(),
        lastSeenAt: shop.lastSeenAt.toISOString(),
        deletedAt: null,
      });
      expect(teamItem!.readiness).toEqual({
        baseline: { status: 'unknown', version: 'latest', blockingWorkloads: 0, computedAt: null, provisional: false, observedSince: null, auditSource: null, exempt: false, auditBlockedUntil: null },
        restricted: { status: 'at-risk', version: 'latest', blockingWorkloads: 1, computedAt: computedAt.toISOString(), provisional: false, observedSince: null, auditSource: null, exempt: false, auditBlockedUntil: null },
      });
      expect(teamItem!.counts).toEqual({ workloads: 1, pods: 0, openFindings: 1 });
      expect(paymentsItem).toMatchObject({
        clusterName: 'beta',
        labels: { enforce: 'restrictd', enforceVersion: 'v1.01', warn: 'baseline', warnVersion: 'v2.0' },
        invalidLabels: [
          { label: 'enforce', value: 'restrictd', message: expect.stringContaining('uses restricted') },
          { label: 'enforceVersion', value: 'v1.01', message: expect.stringContaining('uses latest') },
          { label: 'warnVersion', value: 'v2.0', message: expect.stringContaining('"latest" or "v1.x"') },
        ],
        readiness: {
          baseline: { status: 'unknown', version: 'latest', computedAt: null },
          restricted: { status: 'unknown', version: 'latest', computedAt: null },
        },
        counts: { workloads: 0, pods: 0, openFindings: 0 },
      });
    });

    it.each([
      ['clusterId', () => ({ clusterId: beta.clusterId }), ['payments']],
      ['name prefix', () => ({ namePrefix: 'sh' }), ['shop']],
      ['a name prefix with LIKE wildcards, taken literally', () => ({ namePrefix: '%' }), []],
      ['baseline readiness ready', () => ({ level: 'baseline', readiness: 'ready' }), ['shop']],
      ['baseline readiness unknown', () => ({ level: 'baseline', readiness: 'unknown' }), ['payments', 'team']],
      ['restricted readiness blocked', () => ({ level: 'restricted', readiness: 'blocked' }), ['shop']],
      ['restricted readiness at-risk', () => ({ level: 'restricted', readiness: 'at-risk' }), ['team']],
      ['restricted readiness ready (none at the version that applies)', () => ({ level: 'restricted', readiness: 'ready' }), []],
      ['cluster and readiness together', () => ({ clusterId: alpha.clusterId, level: 'baseline', readiness: 'unknown' }), ['team']],
    ])('filters by %s', async (_name, query, expected) => {
      expect(names(await list(query()))).toEqual(expected);
    });

    it.each([
      [{ sort: 'name', order: 'desc' }, ['team', 'shop', 'payments']],
      [{ sort: 'openFindings', order: 'desc' }, ['shop', 'team', 'payments']],
      [{ sort: 'openFindings', order: 'asc' }, ['payments', 'team', 'shop']],
      [{ sort: 'createdAt', order: 'asc' }, ['payments', 'shop', 'team']],
      [{ sort: 'createdAt', order: 'desc' }, ['team', 'shop', 'payments']],
    ])('sorts by %o, one page at a time as well', async (sort, expected) => {
      expect(names(await list(sort))).toEqual(expected);
      const pages = await walkPages((cursor) => list({ ...sort, limit: 1, ...(cursor ? { cursor } : {}) }));
      expect(pages.map((page) => page.map((item) => item.name))).toEqual(expected.map((name) => [name]));
    });

    it('walks every namespace exactly once while namespaces are written between pages', async () => {
      const url = sut.database.url;
      const own = await createTenant(url);
      const cluster = await createCluster(url, own.orgId);
      const ref = { orgId: own.orgId, clusterId: cluster.clusterId };
      const initial = ['m1', 'm2', 'm3', 'm4', 'm5'];
      for (const name of initial) await createNamespace(url, ref, { name });
      const pages = await walkPages(
        (cursor) => list({ limit: 2, ...(cursor ? { cursor } : {}) }, own.owner),
        {
          between: async (index) => {
            await createNamespace(url, ref, { name: `a${index}` });
            await createNamespace(url, ref, { name: `z${index}` });
          },
        },
      );
      expectStableNameWalk(pages, initial);
    });

    it.each([
      ['readiness without a level', { readiness: 'blocked' }, 'query.readiness'],
      ['an unknown readiness', { level: 'baseline', readiness: 'maybe' }, 'query.readiness'],
      ['the privileged level', { level: 'privileged', readiness: 'ready' }, 'query.level'],
      ['an unknown sort field', { sort: 'pods' }, 'query.sort'],
      ['limit=0', { limit: '0' }, 'query.limit'],
      ['limit=501', { limit: '501' }, 'query.limit'],
      ['a bad cluster id', { clusterId: '42' }, 'query.clusterId'],
      ['an unknown parameter', { cluster: 'alpha' }, 'query.cluster'],
    ])('refuses %s with a 400 naming the parameter', async (_name, query, path) => {
      const response = await get(NAMESPACES).query(query).expect(400);
      expect(response.body.details.issues.map((issue: { path: string }) => issue.path)).toContain(path);
    });

    it('refuses a tampered cursor and a cursor of another sort', async () => {
      const { nextCursor } = await list({ limit: 1, sort: 'openFindings', order: 'desc' });
      const badCount = tamperCursor(nextCursor!, (content) => (content.keys = ['three']));
      const response = await get(NAMESPACES).query({ limit: 1, sort: 'openFindings', order: 'desc', cursor: badCount }).expect(400);
      expect(response.body.details.issues).toEqual([{ path: 'query.cursor', message: expect.any(String) }]);
      const otherSort = await get(NAMESPACES).query({ limit: 1, sort: 'name', cursor: nextCursor! }).expect(400);
      expect(otherSort.body.details.issues[0].path).toBe('query.cursor');
    });
  });

  describe('GET /namespaces/:namespaceId', () => {
    it('returns one namespace, a deleted one with its deletion time', async () => {
      const response = await get(`${NAMESPACES}/${shop.id}`).expect(200);
      expect(NamespaceSummary.parse(response.body)).toMatchObject({ id: shop.id, counts: { workloads: 2, pods: 3, openFindings: 3 } });
      const deleted = await get(`${NAMESPACES}/${gone.id}`).expect(200);
      expect(deleted.body.deletedAt).toBe(gone.deletedAt!.toISOString());
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      await get(`${NAMESPACES}/${randomUUID()}`).expect(404);
      const response = await get(`${NAMESPACES}/shop`).expect(400);
      expect(response.body.details.issues[0].path).toBe('params.namespaceId');
    });
  });

  describe('access', () => {
    it('answers 401 without credentials and 403 to an agent token', async () => {
      for (const path of [NAMESPACES, `${NAMESPACES}/${shop.id}`]) {
        await request(sut.http).get(path).expect(401);
        const response = await request(sut.http).get(path).set(alpha.agentHeaders).expect(403);
        expect(response.body.code).toBe('forbidden');
      }
    });

    it("shows another tenant none of this tenant's namespaces, and counts only its own rows", async () => {
      const them = other.tenant.owner;
      for (const namespace of [shop, team, payments, gone]) await get(`${NAMESPACES}/${namespace.id}`, them).expect(404);
      const theirs = await list({}, them);
      expect(theirs.items.map((item) => item.id)).toEqual([other.namespace.id]);
      expect(theirs.items[0]!.counts).toEqual({ workloads: 1, pods: 1, openFindings: 0 });
      expect(theirs.items[0]!.readiness.restricted.status).toBe('unknown');
      expect((await list({ clusterId: alpha.clusterId }, them)).items).toEqual([]);
      await get(`${NAMESPACES}/${other.namespace.id}`).expect(404);
    });
  });
});
