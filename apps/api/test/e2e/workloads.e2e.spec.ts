import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WorkloadDetail, WorkloadsPage } from '@ratchet/contracts';
import type { Finding, Workload } from '@ratchet/db';
import request from 'supertest';

import { createCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients } from '../factories/db.factory.js';
import { createFinding, createNamespace, createWorkload } from '../factories/inventory.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant, TestUser } from '../factories/tenant.factory.js';
import { expectStableNameWalk, tamperCursor, walkPages } from '../support/pages.util.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const WORKLOADS = '/api/v1/workloads';
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

describe('workloads', () => {
  let sut: TestApp;
  let tenant: TestTenant;
  let viewer: TestUser;
  let alpha: TestCluster;
  let beta: TestCluster;
  // Top-level and live: web (Deployment), db (StatefulSet), agent (DaemonSet), api (Deployment in billing).
  const w: Record<string, Workload> = {};
  let webFindings: Finding[];
  let other: { tenant: TestTenant; workload: Workload };

  const get = (path: string, user: TestUser = viewer) => request(sut.http).get(path).set(user.headers);
  const list = async (query: Record<string, string | number>, user: TestUser = viewer): Promise<WorkloadsPage> => {
    const response = await get(WORKLOADS, user).query(query).expect(200);
    return WorkloadsPage.parse(response.body);
  };
  const names = (page: WorkloadsPage) => page.items.map((item) => item.name);

  beforeAll(async () => {
    sut = await startTestApp();
    const url = sut.database.url;
    tenant = await createTenant(url);
    viewer = await createMember(url, tenant.orgId, 'viewer');
    alpha = await createCluster(url, tenant.orgId, { name: 'alpha' });
    beta = await createCluster(url, tenant.orgId, { name: 'beta' });
    const shop = await createNamespace(url, { orgId: tenant.orgId, clusterId: alpha.clusterId }, { name: 'shop' });
    const billing = await createNamespace(url, { orgId: tenant.orgId, clusterId: beta.clusterId }, { name: 'billing' });
    w.web = await createWorkload(url, shop, { kind: 'Deployment', name: 'web', replicas: 3, podCount: 3, lastSeenAt: hoursAgo(1) });
    w.webRs = await createWorkload(url, shop, {
      kind: 'ReplicaSet',
      name: 'web-5d9c',
      ownerChain: [{ kind: 'Deployment', name: 'web', uid: w.web.uid }],
    });
    // Owned by a kind the agent does not watch: a workload of its own.
    w.rollout = await createWorkload(url, shop, {
      kind: 'ReplicaSet',
      name: 'canary-7f',
      ownerChain: [{ kind: 'Rollout', name: 'canary', uid: randomUUID() }],
      lastSeenAt: hoursAgo(4),
    });
    w.db = await createWorkload(url, shop, { kind: 'StatefulSet', name: 'db', lastSeenAt: hoursAgo(2) });
    w.agent = await createWorkload(url, shop, { kind: 'DaemonSet', name: 'agent', lastSeenAt: hoursAgo(3) });
    w.api = await createWorkload(url, billing, { kind: 'Deployment', name: 'api', lastSeenAt: hoursAgo(0.5) });
    w.old = await createWorkload(url, billing, { kind: 'CronJob', name: 'old', deletedAt: hoursAgo(24) });
    webFindings = [
      await createFinding(url, w.web, { level: 'restricted', checkId: 'runAsNonRoot' }),
      await createFinding(url, w.web, { level: 'restricted', checkId: 'seccompProfile_restricted' }),
      await createFinding(url, w.web, { level: 'baseline', checkId: 'privileged' }),
    ];
    await createFinding(url, w.web, { level: 'baseline', checkId: 'hostPorts', status: 'resolved' });
    await createFinding(url, w.db, { level: 'baseline', checkId: 'hostPathVolumes' });
    await createFinding(url, w.api, { level: 'restricted', checkId: 'runAsNonRoot', status: 'resolved' });

    const otherTenant = await createTenant(url);
    const otherCluster = await createCluster(url, otherTenant.orgId, { name: 'alpha' });
    const otherShop = await createNamespace(url, { orgId: otherTenant.orgId, clusterId: otherCluster.clusterId }, { name: 'shop' });
    other = { tenant: otherTenant, workload: await createWorkload(url, otherShop, { kind: 'Deployment', name: 'web' }) };
  });

  afterAll(async () => {
    await disconnectOwnerClients();
    await sut?.close();
  });

  describe('GET /workloads', () => {
    it('lets a viewer list live top-level workloads by name, with open findings per level', async () => {
      const page = await list({});
      expect(names(page)).toEqual(['agent', 'api', 'canary-7f', 'db', 'web']);
      expect(page.nextCursor).toBeNull();
      const web = page.items.find((item) => item.name === 'web');
      expect(web).toEqual({
        id: w.web!.id,
        clusterId: alpha.clusterId,
        clusterName: 'alpha',
        namespaceId: w.web!.namespaceId,
        namespace: 'shop',
        kind: 'Deployment',
        name: 'web',
        uid: w.web!.uid,
        replicas: 3,
        podCount: 3,
        projectionHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        openFindings: { baseline: 1, restricted: 2 },
        firstSeenAt: w.web!.firstSeenAt.toISOString(),
        lastSeenAt: w.web!.lastSeenAt.toISOString(),
        deletedAt: null,
      });
      expect(page.items.find((item) => item.name === 'api')!.openFindings).toEqual({ baseline: 0, restricted: 0 });
    });

    it.each([
      ['clusterId', () => ({ clusterId: beta.clusterId }), ['api']],
      ['namespace', () => ({ namespace: 'shop' }), ['agent', 'canary-7f', 'db', 'web']],
      ['kind', () => ({ kind: 'ReplicaSet' }), ['canary-7f']],
      ['failing level baseline', () => ({ failingLevel: 'baseline' }), ['db', 'web']],
      ['failing level restricted', () => ({ failingLevel: 'restricted' }), ['web']],
      ['deleted=true', () => ({ deleted: 'true' }), ['old']],
      ['deleted=false', () => ({ deleted: 'false' }), ['agent', 'api', 'canary-7f', 'db', 'web']],
      ['namespace and kind', () => ({ namespace: 'shop', kind: 'Deployment' }), ['web']],
    ])('filters by %s', async (_name, query, expected) => {
      expect(names(await list(query()))).toEqual(expected);
    });

    it.each([
      [{ sort: 'name', order: 'desc' }, ['web', 'db', 'canary-7f', 'api', 'agent']],
      // Kinds in the order the agent's contract lists them (Deployment, ReplicaSet, StatefulSet, DaemonSet), then name.
      [{ sort: 'kind', order: 'asc' }, ['api', 'web', 'canary-7f', 'db', 'agent']],
      [{ sort: 'kind', order: 'desc' }, ['agent', 'db', 'canary-7f', 'web', 'api']],
      [{ sort: 'lastSeenAt', order: 'desc' }, ['api', 'web', 'db', 'agent', 'canary-7f']],
      [{ sort: 'lastSeenAt', order: 'asc' }, ['canary-7f', 'agent', 'db', 'web', 'api']],
    ])('sorts by %o, one page at a time as well', async (sort, expected) => {
      expect(names(await list(sort))).toEqual(expected);
      const pages = await walkPages((cursor) => list({ ...sort, limit: 2, ...(cursor ? { cursor } : {}) }));
      expect(pages.flat().map((item) => item.name)).toEqual(expected);
      expect(pages).toHaveLength(3);
    });

    it('walks every workload exactly once while workloads are written between pages', async () => {
      const url = sut.database.url;
      const own = await createTenant(url);
      const cluster = await createCluster(url, own.orgId);
      const namespace = await createNamespace(url, { orgId: own.orgId, clusterId: cluster.clusterId });
      const initial = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
      for (const name of initial) await createWorkload(url, namespace, { name });
      const pages = await walkPages(
        (cursor) => list({ limit: 2, ...(cursor ? { cursor } : {}) }, own.owner),
        {
          between: async (index) => {
            await createWorkload(url, namespace, { name: `a${index}` });
            await createWorkload(url, namespace, { name: `z${index}` });
          },
        },
      );
      expectStableNameWalk(pages, initial);
    });

    it.each([
      ['an unknown kind', { kind: 'Rollout' }, 'query.kind'],
      ['deleted=yes', { deleted: 'yes' }, 'query.deleted'],
      ['the privileged level', { failingLevel: 'privileged' }, 'query.failingLevel'],
      ['an unknown sort field', { sort: 'replicas' }, 'query.sort'],
      ['limit=-1', { limit: '-1' }, 'query.limit'],
      ['a bad namespace name', { namespace: 'Shop' }, 'query.namespace'],
    ])('refuses %s with a 400 naming the parameter', async (_name, query, path) => {
      const response = await get(WORKLOADS).query(query).expect(400);
      expect(response.body.details.issues.map((issue: { path: string }) => issue.path)).toContain(path);
    });

    it('refuses a tampered cursor and a cursor of another sort', async () => {
      const { nextCursor } = await list({ limit: 1, sort: 'kind' });
      const badKind = tamperCursor(nextCursor!, (content) => (content.keys = ['Rollout', 'web']));
      const response = await get(WORKLOADS).query({ limit: 1, sort: 'kind', cursor: badKind }).expect(400);
      expect(response.body.details.issues).toEqual([{ path: 'query.cursor', message: expect.any(String) }]);
      await get(WORKLOADS).query({ limit: 1, sort: 'name', cursor: nextCursor! }).expect(400);
    });
  });

  describe('GET /workloads/:workloadId', () => {
    it('returns a workload with its controllers and only its open findings', async () => {
      const response = await get(`${WORKLOADS}/${w.web!.id}`).expect(200);
      const detail = WorkloadDetail.parse(response.body);
      expect(detail).toMatchObject({ id: w.web!.id, ownerChain: [], podCount: 3, openFindings: { baseline: 1, restricted: 2 } });
      expect(detail.findings.map((finding) => finding.id).sort()).toEqual(webFindings.map((finding) => finding.id).sort());
      expect(detail.findings.map((finding) => finding.level)).toEqual(['baseline', 'restricted', 'restricted']);
    });

    it('finds workloads the list leaves out: controlled and deleted ones', async () => {
      const child = WorkloadDetail.parse((await get(`${WORKLOADS}/${w.webRs!.id}`).expect(200)).body);
      expect(child.ownerChain).toEqual([{ kind: 'Deployment', name: 'web', uid: w.web!.uid }]);
      const deleted = WorkloadDetail.parse((await get(`${WORKLOADS}/${w.old!.id}`).expect(200)).body);
      expect(deleted.deletedAt).toBe(w.old!.deletedAt!.toISOString());
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      await get(`${WORKLOADS}/${randomUUID()}`).expect(404);
      const response = await get(`${WORKLOADS}/web`).expect(400);
      expect(response.body.details.issues[0].path).toBe('params.workloadId');
    });
  });

  describe('access', () => {
    it('answers 401 without credentials and 403 to an agent token', async () => {
      for (const path of [WORKLOADS, `${WORKLOADS}/${w.web!.id}`]) {
        await request(sut.http).get(path).expect(401);
        const response = await request(sut.http).get(path).set(alpha.agentHeaders).expect(403);
        expect(response.body.code).toBe('forbidden');
      }
    });

    it("shows another tenant none of this tenant's workloads", async () => {
      const them = other.tenant.owner;
      for (const workload of Object.values(w)) await get(`${WORKLOADS}/${workload.id}`, them).expect(404);
      expect((await list({}, them)).items.map((item) => item.id)).toEqual([other.workload.id]);
      expect((await list({ deleted: 'true' }, them)).items).toEqual([]);
      expect((await list({ clusterId: alpha.clusterId }, them)).items).toEqual([]);
      await get(`${WORKLOADS}/${other.workload.id}`).expect(404);
    });
  });
});
