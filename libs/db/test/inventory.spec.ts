import { createHash, randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { InventoryNamespace, InventoryPod, InventoryWorkload, ProjectionMap } from '@ratchet/contracts';

import { refreshWorkloadFindings, resolveWorkloadFindings } from '../src/findings/findings.repository.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { clearInventoryMarks, markInventory, readInventoryMarks } from '../src/inventory/inventory-marks.repository.js';
import type { InventoryMark } from '../src/inventory/inventory-marks.repository.js';
import {
  deleteInventory,
  insertProjections,
  missingProjections,
  sweepInventory,
  upsertInventory,
} from '../src/inventory/inventory.repository.js';
import { postgresErrorKind } from '../src/postgres-error.util.js';
import { createPrismaClient } from '../src/prisma.factory.js';
import { readNamespaceReadiness, upsertNamespaceReadiness } from '../src/readiness/namespace-readiness.repository.js';
import type { ClusterScope } from '../src/scope.js';
import { withTenant, type Transaction } from '../src/tenant-transaction.js';
import { createTenantGraph, type TenantGraph } from './support/tenant.factory.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.util.js';

let database: TestDatabase;
let prisma: PrismaClient;
let tenant: TenantGraph;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ connectionString: database.url, poolSize: 4 });
  tenant = await createTenantGraph(prisma);
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

const hash = (text: string) => createHash('sha256').update(text).digest('hex');
const PROJECTION = hash('projection');
const projections: ProjectionMap = { [PROJECTION]: { metadata: {}, spec: { containers: [{ name: 'app', image: 'app:1' }] } } };

// Each test gets a cluster of its own, so marks and inventory of other tests never show.
async function newCluster(): Promise<ClusterScope> {
  const cluster = await withTenant(prisma, tenant.orgId, (tx) => tx.cluster.create({ data: { orgId: tenant.orgId, name: `c-${randomUUID()}` } }));
  await tenantTx((tx) => insertProjections(tx, { orgId: tenant.orgId }, projections));
  return { orgId: tenant.orgId, clusterId: cluster.id };
}

function tenantTx<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return withTenant(prisma, tenant.orgId, fn);
}

function namespace(name: string, createdAt = '2024-03-01T10:00:00.000Z'): InventoryNamespace {
  return { uid: randomUUID(), name, labels: { enforce: 'baseline' }, createdAt };
}

function workload(ns: string, kind: InventoryWorkload['kind'], name: string, ownerChain: InventoryWorkload['ownerChain'] = []): InventoryWorkload {
  return { uid: randomUUID(), kind, namespace: ns, name, ownerChain, replicas: 1, podCount: 1, projectionHash: PROJECTION };
}

function pod(ns: string, name: string, workloadUid: string): InventoryPod {
  return { uid: randomUUID(), namespace: ns, name, workloadUid, projectionHash: PROJECTION, phase: 'Running' };
}

async function marks(scope: ClusterScope): Promise<{ namespaces: string[]; workloads: string[] }> {
  return tenantTx(async (tx) => {
    const names = await tx.namespace.findMany({ where: { orgId: scope.orgId, clusterId: scope.clusterId }, select: { id: true, name: true } });
    const workloads = await tx.workload.findMany({ where: { orgId: scope.orgId, clusterId: scope.clusterId }, select: { id: true, name: true } });
    const nameOf = new Map([...names, ...workloads].map((row) => [row.id, row.name]));
    const read = async (subject: 'namespace' | 'workload') =>
      (await readInventoryMarks(tx, scope, subject, 1000)).map((mark) => nameOf.get(mark.subjectId)!).sort();
    return { namespaces: await read('namespace'), workloads: await read('workload') };
  });
}

async function clearAll(scope: ClusterScope): Promise<void> {
  await tenantTx(async (tx) => {
    const all = [...(await readInventoryMarks(tx, scope, 'namespace', 1000)), ...(await readInventoryMarks(tx, scope, 'workload', 1000))];
    await clearInventoryMarks(tx, scope, all);
  });
}

describe('inventory repository', () => {
  it("stores each workload's and pod's top-level workload and the namespace's creation time", async () => {
    const scope = await newCluster();
    const deployment = workload('shop', 'Deployment', 'web');
    const replicaSet = workload('shop', 'ReplicaSet', 'web-7d9', [{ kind: 'Deployment', name: 'web', uid: deployment.uid }]);
    const operated = workload('shop', 'ReplicaSet', 'db-1', [{ kind: 'PostgresCluster', name: 'db', uid: randomUUID() }]);
    // A pod stored before its ReplicaSet takes the ReplicaSet's uid, then the Deployment's once the ReplicaSet arrives.
    const webPod = pod('shop', 'web-7d9-a', replicaSet.uid);
    await tenantTx((tx) => upsertInventory(tx, scope, { namespaces: [namespace('shop', '2023-05-06T07:08:09.123Z')], workloads: [], pods: [webPod] }));
    const podBefore = await tenantTx((tx) => tx.pod.findFirstOrThrow({ where: { orgId: scope.orgId, uid: webPod.uid } }));
    expect(podBefore.topLevelWorkloadUid).toBe(replicaSet.uid);

    await tenantTx((tx) => upsertInventory(tx, scope, { namespaces: [], workloads: [deployment, replicaSet, operated], pods: [] }));
    const stored = await tenantTx((tx) => tx.workload.findMany({ where: { orgId: scope.orgId, clusterId: scope.clusterId } }));
    const topOf = new Map(stored.map((row) => [row.name, row.topLevelUid]));
    expect(Object.fromEntries(topOf)).toEqual({ web: deployment.uid, 'web-7d9': deployment.uid, 'db-1': operated.uid });
    const podAfter = await tenantTx((tx) => tx.pod.findFirstOrThrow({ where: { orgId: scope.orgId, uid: webPod.uid } }));
    expect(podAfter.topLevelWorkloadUid).toBe(deployment.uid);
    const ns = await tenantTx((tx) => tx.namespace.findFirstOrThrow({ where: { orgId: scope.orgId, clusterId: scope.clusterId, name: 'shop' } }));
    expect(ns.creationTimestamp?.toISOString()).toBe('2023-05-06T07:08:09.123Z');
  });

  it('marks exactly the namespaces and top-level workloads a batch touched', async () => {
    const scope = await newCluster();
    const web = workload('shop', 'Deployment', 'web');
    const webRs = workload('shop', 'ReplicaSet', 'web-1', [{ kind: 'Deployment', name: 'web', uid: web.uid }]);
    const api = workload('billing', 'Deployment', 'api');
    const job = workload('batch', 'Job', 'nightly');
    await tenantTx((tx) =>
      upsertInventory(tx, scope, { namespaces: [namespace('shop'), namespace('billing'), namespace('batch'), namespace('idle')], workloads: [web, webRs, api, job], pods: [] }),
    );
    expect(await marks(scope)).toEqual({ namespaces: ['batch', 'billing', 'idle', 'shop'], workloads: ['api', 'nightly', 'web'] });
    await clearAll(scope);
    expect(await marks(scope)).toEqual({ namespaces: [], workloads: [] });

    // A pod of the ReplicaSet marks the Deployment above it and its namespace, nothing else.
    const change = await tenantTx((tx) => upsertInventory(tx, scope, { namespaces: [], workloads: [], pods: [pod('shop', 'web-1-x', webRs.uid)] }));
    expect(change.marks).toEqual({ namespaces: 1, workloads: 1 });
    expect(await marks(scope)).toEqual({ namespaces: ['shop'], workloads: ['web'] });
    await clearAll(scope);

    // Deleting what is gone already changes and marks nothing.
    const nothing = await tenantTx((tx) => deleteInventory(tx, scope, { namespaces: [randomUUID()], workloads: [randomUUID()], pods: [randomUUID()] }));
    expect(nothing).toEqual({ namespaces: 0, workloads: 0, pods: 0, namespaceNames: [], marks: { namespaces: 0, workloads: 0 } });
    expect(await marks(scope)).toEqual({ namespaces: [], workloads: [] });

    const deleted = await tenantTx((tx) => deleteInventory(tx, scope, { namespaces: [], workloads: [api.uid], pods: [] }));
    expect(deleted).toMatchObject({ workloads: 1, namespaceNames: ['billing'], marks: { namespaces: 1, workloads: 1 } });
    expect(await marks(scope)).toEqual({ namespaces: ['billing'], workloads: ['api'] });
    // The same delete again: gone already.
    const again = await tenantTx((tx) => deleteInventory(tx, scope, { namespaces: [], workloads: [api.uid], pods: [] }));
    expect(again.marks).toEqual({ namespaces: 0, workloads: 0 });
  });

  it('sweeps what a resync did not see and marks it', async () => {
    const scope = await newCluster();
    const kept = workload('shop', 'Deployment', 'kept');
    const gone = workload('old', 'Deployment', 'gone');
    await tenantTx((tx) => upsertInventory(tx, scope, { namespaces: [namespace('shop'), namespace('old')], workloads: [kept, gone], pods: [pod('old', 'gone-1', gone.uid)] }));
    await clearAll(scope);
    const syncStart = new Date(Date.now() + 5);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await tenantTx((tx) => upsertInventory(tx, scope, { namespaces: [namespace('shop')], workloads: [kept], pods: [] }));
    await clearAll(scope);
    const swept = await tenantTx((tx) => sweepInventory(tx, scope, syncStart));
    expect(swept).toMatchObject({ namespaces: 1, workloads: 1, pods: 1, namespaceNames: ['old'] });
    expect(await marks(scope)).toEqual({ namespaces: ['old'], workloads: ['gone'] });
  });

  it('dates rows and marks by the observation time: first seen the earliest, last seen and marks the newest, deletes and sweeps at theirs', async () => {
    const scope = await newCluster();
    const at = (hoursAgo: number) => new Date(Date.UTC(2026, 10, 30, 12) - hoursAgo * 3_600_000);
    const web = workload('shop', 'Deployment', 'web');
    const api = workload('shop', 'Deployment', 'api');
    const shop = namespace('shop');
    const web1 = pod('shop', 'web-1', web.uid);
    await tenantTx((tx) => upsertInventory(tx, scope, { namespaces: [shop], workloads: [web, api], pods: [web1] }, at(72)));
    // Delivered late, observed earlier: first seen moves back, last seen and the marks stay.
    await tenantTx((tx) => upsertInventory(tx, scope, { namespaces: [], workloads: [web], pods: [] }, at(96)));
    const rows = () =>
      tenantTx(async (tx) => {
        const where = { orgId: scope.orgId, clusterId: scope.clusterId };
        const times = (r: { name: string; firstSeenAt: Date; lastSeenAt: Date; deletedAt?: Date | null }) => [r.name, r.firstSeenAt, r.lastSeenAt, r.deletedAt ?? null];
        return [...(await tx.namespace.findMany({ where })).map(times), ...(await tx.workload.findMany({ where, orderBy: { name: 'asc' } })).map(times), ...(await tx.pod.findMany({ where })).map(times)];
      });
    expect(await rows()).toEqual([
      ['shop', at(72), at(72), null],
      ['api', at(72), at(72), null],
      ['web', at(96), at(72), null],
      ['web-1', at(72), at(72), null],
    ]);
    const markTimes = async () => (await tenantTx((tx) => readInventoryMarks(tx, scope, 'workload', 10))).map((mark) => mark.markedAt);
    expect(await markTimes()).toEqual([at(72), at(72)]);

    // A resync observed 48 hours ago lists shop and web only: api, last seen 72 hours ago, is swept at 48.
    await tenantTx((tx) => upsertInventory(tx, scope, { namespaces: [shop], workloads: [web], pods: [web1] }, at(48)));
    const swept = await tenantTx((tx) => sweepInventory(tx, scope, at(48)));
    expect(swept).toMatchObject({ namespaces: 0, workloads: 1, pods: 0 });
    expect(await rows()).toEqual([
      ['shop', at(72), at(48), null],
      ['api', at(72), at(72), at(48)],
      ['web', at(96), at(48), null],
      ['web-1', at(72), at(48), null],
    ]);
    expect(await markTimes()).toEqual([at(48), at(48)]);

    // A delta observed 24 hours ago deletes web: at that time.
    await tenantTx((tx) => deleteInventory(tx, scope, { namespaces: [], workloads: [web.uid], pods: [] }, at(24)));
    expect((await rows())[2]).toEqual(['web', at(96), at(48), at(24)]);
    expect(await markTimes()).toEqual([at(48), at(24)]);
  });

  it('keeps a mark renewed after the worker read it (no lost update)', async () => {
    const scope = await newCluster();
    await tenantTx((tx) => upsertInventory(tx, scope, { namespaces: [namespace('shop'), namespace('billing')], workloads: [], pods: [] }));
    const read: InventoryMark[] = await tenantTx((tx) => readInventoryMarks(tx, scope, 'namespace', 10));
    expect(read).toHaveLength(2);
    // A batch touches `shop` again while the worker refreshes what it read.
    await tenantTx((tx) => markInventory(tx, scope, { namespaceNames: ['shop'] }));
    const cleared = await tenantTx((tx) => clearInventoryMarks(tx, scope, read));
    expect(cleared).toBe(1);
    expect(await marks(scope)).toEqual({ namespaces: ['shop'], workloads: [] });
  });

  it('reports the projection hashes not stored, and maps a uid stored under another name to a conflict', async () => {
    const scope = await newCluster();
    const absent = hash('absent');
    expect(await tenantTx((tx) => missingProjections(tx, scope, [PROJECTION, absent]))).toEqual([absent]);
    const web = workload('shop', 'Deployment', 'web');
    await tenantTx((tx) => upsertInventory(tx, scope, { namespaces: [], workloads: [web], pods: [] }));
    const error = await tenantTx((tx) => upsertInventory(tx, scope, { namespaces: [], workloads: [{ ...web, name: 'renamed' }], pods: [] })).catch((e: unknown) => e);
    expect(postgresErrorKind(error)).toBe('conflict');
  });
});

describe('findings and readiness repositories', () => {
  it('opens, keeps, resolves and reopens findings per workload, check and level@version', async () => {
    const scope = await newCluster();
    const web = workload('shop', 'Deployment', 'web');
    await tenantTx((tx) => upsertInventory(tx, scope, { namespaces: [namespace('shop')], workloads: [web], pods: [] }));
    const workloadId = (await tenantTx((tx) => tx.workload.findFirstOrThrow({ where: { orgId: scope.orgId, uid: web.uid } }))).id;
    const check = (checkId: string, version = 'latest') => ({ level: 'restricted' as const, version, checkId, message: `${checkId} fails`, detail: { containers: ['app'] } });
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 30, 10, minute));

    const first = await tenantTx((tx) =>
      refreshWorkloadFindings(tx, scope, { workloadId, versions: ['latest', 'v1.29'], failing: [check('runAsNonRoot'), check('capabilities'), check('runAsNonRoot', 'v1.29')], seenAt: at(0) }),
    );
    expect(first).toEqual({ opened: 3, stillOpen: 0, resolved: 0 });
    const second = await tenantTx((tx) => refreshWorkloadFindings(tx, scope, { workloadId, versions: ['latest'], failing: [check('runAsNonRoot')], seenAt: at(5) }));
    // v1.29 was not evaluated this time: its finding stays open.
    expect(second).toEqual({ opened: 0, stillOpen: 1, resolved: 1 });
    const third = await tenantTx((tx) => refreshWorkloadFindings(tx, scope, { workloadId, versions: ['latest'], failing: [check('runAsNonRoot'), check('capabilities')], seenAt: at(9) }));
    expect(third).toEqual({ opened: 1, stillOpen: 1, resolved: 0 });

    const rows = await tenantTx((tx) => tx.finding.findMany({ where: { orgId: scope.orgId, workloadId }, orderBy: [{ checkId: 'asc' }, { version: 'asc' }] }));
    expect(rows.map((row) => [row.checkId, row.version, row.status, row.firstSeenAt.getUTCMinutes(), row.lastSeenAt.getUTCMinutes(), row.resolvedAt])).toEqual([
      ['capabilities', 'latest', 'open', 0, 9, null],
      ['runAsNonRoot', 'latest', 'open', 0, 9, null],
      ['runAsNonRoot', 'v1.29', 'open', 0, 0, null],
    ]);
    expect(await tenantTx((tx) => resolveWorkloadFindings(tx, scope, workloadId, at(10)))).toBe(3);
  });

  it('stores readiness per namespace, level and version, replacing a recomputed row, and refuses a namespace of another cluster', async () => {
    const scope = await newCluster();
    await tenantTx((tx) => upsertInventory(tx, scope, { namespaces: [namespace('shop')], workloads: [], pods: [] }));
    const namespaceId = (await tenantTx((tx) => tx.namespace.findFirstOrThrow({ where: { orgId: scope.orgId, clusterId: scope.clusterId, name: 'shop' } }))).id;
    const row = {
      namespaceId,
      level: 'restricted' as const,
      version: 'latest',
      status: 'blocked' as const,
      atRisk: false,
      blockingWorkloads: [{ workloadId: randomUUID(), kind: 'Deployment', name: 'web', checks: ['runAsNonRoot'] }],
      auditViolationCount: 2,
      auditControllerBlocks: [],
      windowDays: 7,
      provisional: false,
      observedSince: new Date('2026-11-20T10:00:00Z'),
      auditSource: 'webhook' as const,
      enforceLevel: 'privileged',
      enforceSource: 'default',
      exempt: false,
      psaContradictions: [],
      auditBlockedUntil: null,
      recomputeDueAt: null,
    };
    await tenantTx((tx) => upsertNamespaceReadiness(tx, scope, [row, { ...row, level: 'baseline', status: 'ready', blockingWorkloads: [] }], new Date('2026-11-30T10:00:00Z')));
    await tenantTx((tx) => upsertNamespaceReadiness(tx, scope, [{ ...row, status: 'ready', blockingWorkloads: [], auditViolationCount: 0 }], new Date('2026-11-30T11:00:00Z')));
    const stored = await tenantTx((tx) => readNamespaceReadiness(tx, scope, [namespaceId]));
    expect(stored.map((r) => [r.level, r.version, r.status, r.blockingWorkloads.length, r.auditViolationCount, r.computedAt.toISOString()])).toEqual([
      ['baseline', 'latest', 'ready', 0, 2, '2026-11-30T10:00:00.000Z'],
      ['restricted', 'latest', 'ready', 0, 0, '2026-11-30T11:00:00.000Z'],
    ]);
    expect(stored.map((r) => [r.observedSince.toISOString(), r.auditSource, r.enforceSource, r.exempt])).toEqual([
      ['2026-11-20T10:00:00.000Z', 'webhook', 'default', false],
      ['2026-11-20T10:00:00.000Z', 'webhook', 'default', false],
    ]);
    const other = await newCluster();
    await expect(tenantTx((tx) => upsertNamespaceReadiness(tx, other, [row], new Date()))).rejects.toThrow(/outside cluster/);
  });
});
