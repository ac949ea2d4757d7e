import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaClient, markClusterInventory, withTenant, type ClusterScope, type PrismaClient } from '@ratchet/db';
import { JOB_NAMES, JOB_QUEUE, JobProducer } from '@ratchet/jobs';
import { evaluatePod, type PodLike } from '@ratchet/pss';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';

import { WorkerMetrics } from '../src/infra/metrics.js';
import { startWorkerRuntime } from '../src/worker.runtime.js';
import { PROJECTIONS, createOrganization, seedCluster, type NamespaceSpec } from './support/synthetic-cluster.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

// Version drift through the real worker on a private queue: what `latest` (the cluster's release) rejects beyond a
// namespace's pinned enforce-version, asserted against libs/pss evaluating the same pods.
const REDIS_URL = process.env['RATCHET_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const NOW = new Date('2026-11-30T12:00:00.000Z');

const NAMESPACES: NamespaceSpec[] = [
  // Pinned at v1.32, where the tcp_rmem sysctl is allowed; the v1.30 cluster's latest rejects it.
  { name: 'pinned-132', labels: { enforce: 'baseline', enforceVersion: 'v1.32' }, workloads: [{ kind: 'Deployment', name: 'tuned', template: 'tcpTuned', pods: ['tcpTuned'] }] },
  // Pinned at the cluster's own release: no drift.
  { name: 'pinned-130', labels: { enforceVersion: 'v1.30' }, workloads: [{ kind: 'Deployment', name: 'tuned', template: 'tcpTuned', pods: [] }] },
  // Not pinned: it already runs at latest.
  { name: 'unpinned', workloads: [{ kind: 'Deployment', name: 'tuned', template: 'tcpTuned', pods: [] }] },
  // Pinned, but nothing differs between the versions.
  { name: 'pinned-plain', labels: { enforceVersion: 'v1.32' }, workloads: [{ kind: 'Deployment', name: 'web', template: 'plain', pods: ['plain'] }] },
];

let database: TestDatabase;
let prisma: PrismaClient;
let redis: Redis;
const queues: Queue[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ connectionString: database.url, poolSize: 4 });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  for (const queue of queues) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await redis?.quit();
  await prisma?.$disconnect();
  await database?.drop();
});

async function runCluster(scope: ClusterScope): Promise<void> {
  const prefix = `ratchet-drift-test-${randomBytes(6).toString('hex')}`;
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
  await connection.connect();
  const producer = new JobProducer(connection, { prefix });
  const queue = new Queue(JOB_QUEUE, { connection: redis, prefix });
  queues.push(queue);
  const worker = startWorkerRuntime({ prisma, connection: redis, logger: pino({ level: 'silent' }), metrics: new WorkerMetrics({ defaultMetrics: false }), concurrency: 1, prefix, now: () => NOW });
  try {
    await producer.enqueue(JOB_NAMES.evaluateProjections, { version: 2, orgId: scope.orgId, clusterId: scope.clusterId });
    await producer.enqueue(JOB_NAMES.recomputeReadiness, { version: 2, orgId: scope.orgId, clusterId: scope.clusterId });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'completed', 'failed');
      if ((counts['failed'] ?? 0) > 0) throw new Error('a job failed');
      if ((counts['wait'] ?? 0) + (counts['active'] ?? 0) + (counts['delayed'] ?? 0) === 0 && (counts['completed'] ?? 0) >= 2) break;
      if (Date.now() > deadline) throw new Error(`jobs not done: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await worker.close();
    await producer.close();
  }
}

async function driftRows(scope: ClusterScope) {
  return withTenant(prisma, scope.orgId, async (tx) => {
    const rows = await tx.namespaceDrift.findMany({ where: { orgId: scope.orgId, clusterId: scope.clusterId }, include: { namespace: true } });
    return rows
      .map((r) => ({ ns: r.namespace.name, level: r.level, pinned: r.pinnedVersion, latest: r.latestVersion, count: r.workloadCount, workloads: r.workloads }))
      .sort((a, b) => `${a.ns}/${a.level}`.localeCompare(`${b.ns}/${b.level}`));
  });
}

const driftOf = (pod: PodLike, level: 'baseline' | 'restricted', pinned: string, latest: string) => {
  const atPin = new Set(evaluatePod(pod, level, pinned).checks.map((c) => c.id));
  return evaluatePod(pod, level, latest).checks.filter((c) => !atPin.has(c.id)).map((c) => ({ id: c.id, reason: c.reason, detail: c.detail }));
};

describe('version drift (worker)', () => {
  it('stores what latest (v1.30) would additionally reject in a namespace pinned to v1.32, as libs/pss says; nothing elsewhere', async () => {
    const orgId = await createOrganization(prisma);
    const scope = await seedCluster(prisma, orgId, 'v130', 'v1.30.4', NAMESPACES);
    await runCluster(scope);
    const rows = await driftRows(scope);
    const pod = PROJECTIONS.tcpTuned as unknown as PodLike;
    const baselineChecks = driftOf(pod, 'baseline', 'v1.32', 'v1.30');
    expect(baselineChecks.map((c) => c.id)).toEqual(['sysctls']);
    expect(rows.map((r) => `${r.ns}/${r.level}`)).toEqual(['pinned-132/baseline', 'pinned-132/restricted']);
    expect(rows[0]).toMatchObject({ pinned: 'v1.32', latest: 'v1.30', count: 1 });
    expect(rows[0]!.workloads).toEqual([{ workloadId: expect.any(String), kind: 'Deployment', name: 'tuned', checks: baselineChecks }]);
    expect((rows[1]!.workloads as { checks: unknown[] }[])[0]!.checks).toEqual(driftOf(pod, 'restricted', 'v1.32', 'v1.30'));

    // A second run (a retried job) leaves the same rows.
    await withTenant(prisma, orgId, (tx) => markClusterInventory(tx, scope));
    await runCluster(scope);
    expect((await driftRows(scope)).map(({ workloads, ...rest }) => ({ ...rest, workloads }))).toEqual(rows);
  });

  it('clears the drift once the cluster is upgraded to a release that allows it', async () => {
    const orgId = await createOrganization(prisma);
    const scope = await seedCluster(prisma, orgId, 'upgrade', 'v1.30.4', NAMESPACES);
    await runCluster(scope);
    expect((await driftRows(scope)).length).toBe(2);
    await withTenant(prisma, orgId, async (tx) => {
      await tx.cluster.update({ where: { orgId_id: { orgId, id: scope.clusterId } }, data: { kubernetesVersion: 'v1.33.1' } });
      await markClusterInventory(tx, scope);
    });
    await runCluster(scope);
    expect(await driftRows(scope)).toEqual([]);
  });
});
