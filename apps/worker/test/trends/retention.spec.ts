import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaClient, dropAuditPartitionsBefore, listAuditPartitions, withSystem, withTenant, type ClusterScope, type PrismaClient } from '@ratchet/db';

import { DEFAULT_RETENTION, RetentionService } from '../../src/retention/retention.service.js';
import { createOrganization, seedCluster } from '../support/synthetic-cluster.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { seedAudit } from './trend-fixtures.js';

// The partition function refuses to drop anything newer than a day by the database's own clock, so retention runs
// on the real time here; the history is placed relative to it.
const NOW = new Date();
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const partitionOf = (time: Date) => `audit_events_${time.getUTCFullYear()}_${String(time.getUTCMonth() + 1).padStart(2, '0')}`;

let database: TestDatabase;
let prisma: PrismaClient;
/** Keeps the default 30 days. */
let short: ClusterScope;
/** Keeps 100 days. */
let long: ClusterScope;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ connectionString: database.url, poolSize: 3 });
  short = await seedCluster(prisma, await createOrganization(prisma), 'short', 'v1.31.0', [{ name: 'shop', workloads: [] }]);
  long = await seedCluster(prisma, await createOrganization(prisma), 'long', 'v1.31.0', [{ name: 'shop', workloads: [] }]);
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

async function auditTimes(scope: ClusterScope): Promise<number[]> {
  const rows = await withTenant(prisma, scope.orgId, (tx) => tx.auditEvent.findMany({ where: { orgId: scope.orgId }, select: { time: true } }));
  return rows.map((r) => Math.round((NOW.getTime() - r.time.getTime()) / DAY)).sort((a, b) => a - b);
}

const partitions = () => withSystem(prisma, (tx) => listAuditPartitions(tx));

describe('retention', () => {
  const retentionDays = new Map<string, number>();
  const sut = (days: (orgId: string) => number) =>
    new RetentionService(prisma, () => NOW, DEFAULT_RETENTION, (_tx, scope) => {
      retentionDays.set(scope.orgId, days(scope.orgId));
      return Promise.resolve(days(scope.orgId));
    });

  it('makes the partitions of this month and the next two ahead of ingest', async () => {
    const names = await sut(() => 30).ensureAuditPartitions();
    const month = (plus: number) => partitionOf(new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() + plus, 15)));
    expect(names).toEqual([month(0), month(1), month(2)]);
    expect(await partitions()).toEqual(expect.arrayContaining(names));
  });

  it('drops a whole partition only when no organization keeps its events, and deletes the rest per organization', async () => {
    const withPartition = async (time: Date) => withSystem(prisma, (tx) => tx.$queryRaw`SELECT ratchet_ensure_audit_partition(${time})`);
    for (const days of [200, 80, 45]) await withPartition(ago(days));
    for (const scope of [short, long]) {
      // 300 days: no partition for that month, so the default partition holds them.
      for (const days of [300, 200, 80, 45, 10]) await seedAudit(prisma, scope, 'shop', ago(days), 'baseline', ['hostNamespaces']);
    }
    // Ingest batches (14 days) and rollups (400 days) of the short-retention organization.
    await withTenant(prisma, short.orgId, async (tx) => {
      for (const days of [20, 1]) {
        await tx.ingestBatch.create({ data: { orgId: short.orgId, clusterId: short.clusterId, idempotencyKey: `k-${days}`, kind: 'delta', itemCount: 1, receivedAt: ago(days) } });
      }
      const namespace = await tx.namespace.findFirstOrThrow({ where: { orgId: short.orgId } });
      // Admission decisions follow the audit retention (30 days here).
      for (const days of [31, 29]) {
        await tx.admissionDecision.create({
          data: { orgId: short.orgId, clusterId: short.clusterId, namespaceName: 'shop', bucketStart: ago(days), resource: 'pods', exempt: 'namespace', username: 'u', count: 1, firstSeenAt: ago(days), lastSeenAt: ago(days) },
        });
      }
      for (const days of [401, 399]) {
        await tx.trendRollup.create({
          data: { orgId: short.orgId, clusterId: short.clusterId, namespaceId: namespace.id, granularity: 'day', bucketStart: ago(days), level: 'baseline', version: 'latest' },
        });
      }
    });
    const oldPartition = partitionOf(ago(200));
    const midPartition = partitionOf(ago(80));
    expect(await partitions()).toEqual(expect.arrayContaining([oldPartition, midPartition]));

    const summary = await sut((orgId) => (orgId === long.orgId ? 100 : 30)).run();
    expect(retentionDays.size).toBe(2);
    expect(summary).toMatchObject({ organizations: 2, failed: [], ingestBatchesDeleted: 1, rollupsDeleted: 1, admissionDecisionsDeleted: 1 });
    // Nobody keeps 200 days: its month is dropped whole. The long organization keeps 80 days: that month stays.
    expect(summary.partitionsDropped).toContain(oldPartition);
    expect(summary.partitionsDropped).not.toContain(midPartition);
    expect(await partitions()).not.toContain(oldPartition);
    expect(await partitions()).toContain(midPartition);
    // Each organization keeps what its own retention says, wherever the rows were.
    expect(await auditTimes(short)).toEqual([10]);
    expect(await auditTimes(long)).toEqual([10, 45, 80]);
    // 300 + 80 + 45 of the short one deleted row by row (the 200-day ones went with their partition).
    expect(summary.auditEventsDeleted).toBe(4);
    const left = await withTenant(prisma, short.orgId, async (tx) => ({
      batches: (await tx.ingestBatch.findMany({ where: { orgId: short.orgId } })).map((b) => b.idempotencyKey),
      rollups: await tx.trendRollup.count({ where: { orgId: short.orgId } }),
    }));
    expect(left).toEqual({ batches: ['k-1'], rollups: 1 });
  });

  it('drops the month the long retention kept once no organization needs it, and repeats without effect', async () => {
    const midPartition = partitionOf(ago(80));
    const summary = await sut(() => 30).run();
    expect(summary.partitionsDropped).toContain(midPartition);
    expect(await auditTimes(long)).toEqual([10]);
    const again = await sut(() => 30).run();
    expect(again).toMatchObject({ partitionsDropped: [], auditEventsDeleted: 0, ingestBatchesDeleted: 0, rollupsDeleted: 0, failed: [] });
    expect(await auditTimes(short)).toEqual([10]);
  });

  it('refuses to drop partitions less than a day old, whatever the caller computed', async () => {
    await expect(withSystem(prisma, (tx) => dropAuditPartitionsBefore(tx, NOW))).rejects.toThrow(/must be at least a day in the past/);
    expect(await partitions()).toContain(partitionOf(NOW));
    // A retention of one day keeps the cut inside what the function accepts: rows go, this month's partition stays.
    // (Whether the 10-day-old rows go with last month's partition or one by one depends on today's date.)
    expect(await sut(() => 1).run()).toMatchObject({ failed: [] });
    expect([...(await auditTimes(short)), ...(await auditTimes(long))]).toEqual([]);
    expect(await partitions()).toContain(partitionOf(NOW));
  });
});
