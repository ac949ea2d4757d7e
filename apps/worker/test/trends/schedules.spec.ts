import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaClient, withTenant, type PrismaClient } from '@ratchet/db';
import { SCHEDULED_JOB_NAMES, SCHEDULE_QUEUE, schedulerId } from '@ratchet/jobs';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';

import { WorkerMetrics } from '../../src/infra/metrics.js';
import { startScheduleRuntime, type ScheduleRuntime } from '../../src/schedules/schedule.runtime.js';
import { createOrganization, seedCluster } from '../support/synthetic-cluster.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const REDIS_URL = process.env['RATCHET_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const TICK_MS = 400;
const HOUR_MS = 3_600_000;
// The slow schedules tick at creation, then on week boundaries, which a few seconds of test never straddle.
const WEEK_MS = 7 * 24 * HOUR_MS;

let database: TestDatabase;
let prisma: PrismaClient;
let orgId: string;
const connections: Redis[] = [];
const runtimes: ScheduleRuntime[] = [];
const prefix = `ratchet-schedule-test-${randomBytes(6).toString('hex')}`;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ connectionString: database.url, poolSize: 4 });
  orgId = await createOrganization(prisma);
  await seedCluster(prisma, orgId, 'prod', 'v1.31.0', [{ name: 'shop', workloads: [] }, { name: 'web', workloads: [] }]);
  // Seen during the hour before the injected clock's first: the first rollup (which catches up from the oldest data)
  // builds the previous and the current hour like every later one, so each run takes as long as the next.
  await withTenant(prisma, orgId, (tx) => tx.namespace.updateMany({ where: { orgId }, data: { firstSeenAt: new Date('2026-11-29T23:45:00Z') } }));
});

afterAll(async () => {
  for (const runtime of runtimes) await runtime.close();
  const cleanup = new Queue(SCHEDULE_QUEUE, { connection: connections[0]!, prefix });
  await cleanup.obliterate({ force: true });
  await cleanup.close();
  for (const connection of connections) await connection.quit();
  await prisma?.$disconnect();
  await database?.drop();
});

describe('job schedulers', () => {
  it('runs each tick once across two workers, under the ids schedule:<job-name>', async () => {
    const completed: { worker: number; name: string; id: string; timestamp: number }[] = [];
    const failed: string[] = [];
    // The rollups run on an injected clock that the ticks advance by an hour each.
    let hours = 0;
    const now = () => new Date(Date.UTC(2026, 10, 30, 0, 30) + hours * HOUR_MS);
    for (const index of [0, 1]) {
      const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      connections.push(connection);
      const runtime = await startScheduleRuntime({
        prisma,
        connection,
        logger: pino({ level: 'silent' }),
        metrics: new WorkerMetrics(),
        prefix,
        now,
        intervals: { [SCHEDULED_JOB_NAMES.rollupHourly]: TICK_MS, [SCHEDULED_JOB_NAMES.rollupDaily]: WEEK_MS, [SCHEDULED_JOB_NAMES.retention]: WEEK_MS },
      });
      runtime.worker.on('completed', (job: Job) => {
        if (job.name === SCHEDULED_JOB_NAMES.rollupHourly) hours += 1;
        completed.push({ worker: index, name: job.name, id: job.id!, timestamp: job.timestamp });
      });
      runtime.worker.on('failed', (job, error) => failed.push(`${job?.name}: ${error.message}`));
      runtimes.push(runtime);
    }
    await new Promise((resolve) => setTimeout(resolve, 6 * TICK_MS));
    for (const runtime of runtimes) await runtime.worker.pause();

    expect(failed).toEqual([]);
    const schedulers = await runtimes[0]!.queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(Object.values(SCHEDULED_JOB_NAMES).map(schedulerId).sort());
    const hourly = completed.filter((c) => c.name === SCHEDULED_JOB_NAMES.rollupHourly);
    // One job per tick: no id twice, even though both workers upserted the schedulers and both take jobs.
    expect(new Set(hourly.map((c) => c.id)).size).toBe(hourly.length);
    expect(hourly.length).toBeGreaterThanOrEqual(3);
    expect(hourly.length).toBeLessThanOrEqual(8);
    // The slow schedules ticked once, at their creation, for both workers together.
    expect(completed.filter((c) => c.name === SCHEDULED_JOB_NAMES.retention)).toHaveLength(1);
    expect(completed.filter((c) => c.name === SCHEDULED_JOB_NAMES.rollupDaily)).toHaveLength(1);
    // Each run rebuilt the previous and the current hour of the injected clock for 2 namespaces x 2 levels, and
    // overlapping rebuilds overwrote: one row per namespace, level and hour, never two.
    const rows = await withTenant(prisma, orgId, (tx) => tx.trendRollup.findMany({ where: { orgId, granularity: 'hour' } }));
    const keys = rows.map((r) => `${r.namespaceId}/${r.level}/${r.bucketStart.toISOString()}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(rows.map((r) => r.bucketStart.toISOString())).size).toBe(hourly.length + 1);
    // The retention tick made the audit partitions ahead.
    const [partition] = await prisma.$queryRaw<{ name: string | null }[]>`SELECT to_regclass('audit_events_' || to_char(now() + interval '2 months', 'YYYY_MM'))::text AS name`;
    expect(partition?.name).not.toBeNull();
  });
});
