import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaClient, withTenant, type ClusterScope, type PrismaClient } from '@ratchet/db';
import { JOB_QUEUE, SCHEDULED_JOB_NAMES, SCHEDULE_QUEUE } from '@ratchet/jobs';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';

import { WorkerMetrics } from '../../src/infra/metrics.js';
import { ReadinessExpiryService } from '../../src/readiness/readiness-expiry.service.js';
import { readReadinessSources, recomputeReadiness } from '../../src/readiness/readiness.service.js';
import { startScheduleRuntime, type ScheduleRuntime } from '../../src/schedules/schedule.runtime.js';
import { startWorkerRuntime } from '../../src/worker.runtime.js';
import { createOrganization, seedAuditViolation, seedCluster } from '../support/synthetic-cluster.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const REDIS_URL = process.env['RATCHET_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const DAY = 86_400_000;
const HOUR = 3_600_000;
const WEEK = 7 * DAY;
/** When readiness was first computed (the injected clock), with a 7-day window. */
const T0 = new Date('2026-11-30T12:00:00.000Z');

let database: TestDatabase;
let prisma: PrismaClient;
let redis: Redis;
let orgId: string;
let scope: ClusterScope;
const prefix = `ratchet-expiry-test-${randomBytes(6).toString('hex')}`;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ connectionString: database.url, poolSize: 4 });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  orgId = await createOrganization(prisma, 7);
  scope = await seedCluster(prisma, orgId, 'prod', 'v1.31.0', [
    { name: 'old-audit', workloads: [] },
    { name: 'two-audits', workloads: [] },
    { name: 'quiet', workloads: [] },
  ]);
  await withTenant(prisma, orgId, async (tx) => {
    await tx.namespace.updateMany({ where: { orgId }, data: { firstSeenAt: new Date(T0.getTime() - 60 * DAY) } });
    await tx.cluster.update({ where: { orgId_id: { orgId, id: scope.clusterId } }, data: { auditSource: 'webhook' } });
    // The seed marked everything; the tests look at what the expiry marks.
    await tx.inventoryMark.deleteMany({ where: { orgId } });
  });
  // Blocks only until T0 + 1 day: the violation was 6 days old at T0.
  await seedAuditViolation(prisma, scope, 'old-audit', new Date(T0.getTime() - 6 * DAY));
  // A restricted violation 6 days old and a baseline one 1 day old: the first ages out first, the second keeps
  // baseline and restricted blocked until T0 + 6 days.
  await seedAuditViolation(prisma, scope, 'two-audits', new Date(T0.getTime() - 6 * DAY), { level: 'restricted' });
  await seedAuditViolation(prisma, scope, 'two-audits', new Date(T0.getTime() - DAY));
});

afterAll(async () => {
  for (const queueName of [JOB_QUEUE, SCHEDULE_QUEUE]) {
    const queue = new Queue(queueName, { connection: redis, prefix });
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await redis?.quit();
  await prisma?.$disconnect();
  await database?.drop();
});

async function stored(name: string, level: 'baseline' | 'restricted') {
  return withTenant(prisma, orgId, async (tx) => {
    const row = await tx.namespaceReadiness.findFirstOrThrow({ where: { orgId, level, namespace: { name } } });
    return { status: row.status, audit: row.auditViolationCount, auditBlockedUntil: row.auditBlockedUntil, recomputeDueAt: row.recomputeDueAt };
  });
}

async function recomputeAll(now: Date): Promise<void> {
  await withTenant(prisma, orgId, async (tx) => {
    const ids = (await tx.namespace.findMany({ where: { orgId }, select: { id: true } })).map((n) => n.id);
    await recomputeReadiness(tx, scope, await readReadinessSources(tx, scope, ids), now);
  });
}

describe('readiness when audit violations leave the window', () => {
  it('stores when the audit block ends and when the row is due for a recompute', async () => {
    await recomputeAll(T0);
    const until = new Date(T0.getTime() - 6 * DAY + WEEK + 1);
    expect(await stored('old-audit', 'baseline')).toEqual({ status: 'blocked', audit: 1, auditBlockedUntil: until, recomputeDueAt: until });
    expect(await stored('two-audits', 'baseline')).toEqual({
      status: 'blocked',
      audit: 1,
      auditBlockedUntil: new Date(T0.getTime() - DAY + WEEK + 1),
      recomputeDueAt: until,
    });
    expect(await stored('two-audits', 'restricted')).toMatchObject({ status: 'blocked', audit: 2, auditBlockedUntil: new Date(T0.getTime() - DAY + WEEK + 1) });
    expect(await stored('quiet', 'baseline')).toEqual({ status: 'ready', audit: 0, auditBlockedUntil: null, recomputeDueAt: null });
  });

  it('queues nothing before a row is due, and marks only the due namespaces after', async () => {
    await recomputeAll(T0);
    const queued: unknown[] = [];
    const early = new ReadinessExpiryService(prisma, (jobs) => {
      queued.push(...jobs);
      return Promise.resolve();
    }, () => new Date(T0.getTime() + 23 * HOUR));
    expect(await early.run()).toEqual({ organizations: 1, clusters: 0, namespaces: 0, failed: [] });
    expect(queued).toEqual([]);
    const late = new ReadinessExpiryService(prisma, (jobs) => {
      queued.push(...jobs);
      return Promise.resolve();
    }, () => new Date(T0.getTime() + 25 * HOUR));
    expect(await late.run()).toEqual({ organizations: 1, clusters: 1, namespaces: 2, failed: [] });
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ name: 'recompute-readiness', payload: { orgId, clusterId: scope.clusterId } });
    const marks = await withTenant(prisma, orgId, (tx) => tx.inventoryMark.findMany({ where: { orgId } }));
    const names = await withTenant(prisma, orgId, (tx) => tx.namespace.findMany({ where: { id: { in: marks.map((m) => m.subjectId) } } }));
    expect(names.map((n) => n.name).sort()).toEqual(['old-audit', 'two-audits']);
    await withTenant(prisma, orgId, (tx) => tx.inventoryMark.deleteMany({ where: { orgId } }));
  });

  it('makes a namespace blocked only by an expired violation ready through the schedule, once per tick across workers', async () => {
    await recomputeAll(T0);
    // A day and an hour later: old-audit's violation and two-audits' restricted one have left the window.
    const now = () => new Date(T0.getTime() + DAY + HOUR);
    const logger = pino({ level: 'silent' });
    const schedules: ScheduleRuntime[] = [];
    const workers: Worker[] = [];
    const completed: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      const runtime = await startScheduleRuntime({
        prisma,
        connection,
        logger,
        metrics: new WorkerMetrics({ defaultMetrics: false }),
        prefix,
        now,
        intervals: {
          [SCHEDULED_JOB_NAMES.readinessExpiry]: 300,
          [SCHEDULED_JOB_NAMES.rollupHourly]: WEEK,
          [SCHEDULED_JOB_NAMES.rollupDaily]: WEEK,
          [SCHEDULED_JOB_NAMES.retention]: WEEK,
        },
      });
      runtime.worker.on('completed', (job) => {
        if (job.name === SCHEDULED_JOB_NAMES.readinessExpiry) completed.push(job.id!);
      });
      schedules.push(runtime);
      workers.push(startWorkerRuntime({ prisma, connection, logger, metrics: new WorkerMetrics({ defaultMetrics: false }), concurrency: 1, prefix, now }));
    }
    try {
      const deadline = Date.now() + 5000;
      while ((await stored('old-audit', 'baseline')).status !== 'ready' || (await stored('two-audits', 'restricted')).audit !== 1) {
        if (Date.now() > deadline) throw new Error('readiness was not recomputed within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      for (const runtime of schedules) await runtime.close();
      for (const worker of workers) await worker.close();
      for (const runtime of schedules) await (runtime.worker.opts.connection as Redis).quit();
    }
    expect(await stored('old-audit', 'baseline')).toEqual({ status: 'ready', audit: 0, auditBlockedUntil: null, recomputeDueAt: null });
    expect(await stored('old-audit', 'restricted')).toMatchObject({ status: 'ready', audit: 0 });
    // Still blocked by the newer baseline violation; its recount is due when that one leaves.
    const fresh = new Date(T0.getTime() - DAY + WEEK + 1);
    expect(await stored('two-audits', 'restricted')).toEqual({ status: 'blocked', audit: 1, auditBlockedUntil: fresh, recomputeDueAt: fresh });
    expect(new Set(completed).size).toBe(completed.length);
  });
});
