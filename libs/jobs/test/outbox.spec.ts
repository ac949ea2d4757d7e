import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JOB_NAMES, JOB_PAYLOAD_VERSION } from '@ratchet/contracts';
import { createPrismaClient, withTenant } from '@ratchet/db';
import type { PrismaClient } from '@ratchet/db';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

import { createTenantGraph, type TenantGraph } from '../../db/test/support/tenant.factory.js';
import { createTestDatabase, withClient, type TestDatabase } from '../../db/test/support/test-database.util.js';
import { JOB_QUEUE, prepareJob } from '../src/job.js';
import { JobProducer } from '../src/job-producer.js';
import { writeOutboxJobs } from '../src/outbox.repository.js';
import { OutboxRelay } from '../src/outbox.relay.js';
import type { RelayLogger } from '../src/outbox.relay.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `ratchet-test-${randomBytes(4).toString('hex')}`;
const connections: Redis[] = [];
const connect = () => {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null, enableOfflineQueue: false });
  connections.push(connection);
  return connection;
};

let database: TestDatabase;
let prisma: PrismaClient;
let tenant: TenantGraph;
let producer: JobProducer;
let queue: Queue;
const logged: { level: keyof RelayLogger; message: string }[] = [];
const logger: RelayLogger = {
  log: (message) => logged.push({ level: 'log', message }),
  warn: (message) => logged.push({ level: 'warn', message }),
  error: (message) => logged.push({ level: 'error', message }),
};

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ connectionString: database.url, poolSize: 4 });
  tenant = await createTenantGraph(prisma);
  producer = new JobProducer(new Redis(REDIS_URL, { maxRetriesPerRequest: null, enableOfflineQueue: false }), { prefix });
  queue = new Queue(JOB_QUEUE, { connection: connect(), prefix });
  await queue.waitUntilReady();
});

afterAll(async () => {
  await queue?.obliterate({ force: true });
  await queue?.close();
  await producer?.close();
  await Promise.all(connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
  await prisma?.$disconnect();
  await database?.drop();
});

const outboxRows = () =>
  withClient(database.url, async (client) => (await client.query<{ id: string; job_name: string; job_id: string | null }>('SELECT id, job_name, job_id FROM outbox_jobs ORDER BY job_name')).rows);
// The relay leaves fresh rows to their writer for OUTBOX_GRACE_SECONDS; tests make them due at once.
const makeDue = () => withClient(database.url, (client) => client.query('UPDATE outbox_jobs SET available_at = now()'));

describe('the outbox and its relay', () => {
  it('writes parsed jobs in the tenant transaction, and nothing when the transaction rolls back', async () => {
    const payload = { version: JOB_PAYLOAD_VERSION, orgId: tenant.orgId, clusterId: tenant.clusterId } as const;
    await expect(
      withTenant(prisma, tenant.orgId, async (tx) => {
        await writeOutboxJobs(tx, tenant, [prepareJob(JOB_NAMES.recomputeReadiness, payload)]);
        throw new Error('the batch failed');
      }),
    ).rejects.toThrow('the batch failed');
    expect((await outboxRows()).map((row) => row.job_name)).toEqual(['evaluate-projections']); // the factory's row

    const entries = await withTenant(prisma, tenant.orgId, (tx) =>
      writeOutboxJobs(tx, tenant, [prepareJob(JOB_NAMES.evaluateProjections, payload), prepareJob(JOB_NAMES.recomputeReadiness, payload)]),
    );
    expect(entries.map((entry) => entry.job.name)).toEqual(['evaluate-projections', 'recompute-readiness']);
    expect((await outboxRows()).filter((row) => entries.some((entry) => entry.outboxId === row.id)).map((row) => row.job_name).sort()).toEqual([
      'evaluate-projections',
      'recompute-readiness',
    ]);
  });

  it('enqueues due rows on its tick, drops a row no processor accepts, and deletes both', async () => {
    let tick: (() => void) | undefined;
    const sut = new OutboxRelay({
      prisma,
      producer,
      logger,
      schedule: (fn) => {
        tick = fn;
        return () => {
          tick = undefined;
        };
      },
    });
    await makeDue();
    sut.start();
    expect(tick).toBeDefined();
    const moved = await sut.drain();
    // Two rows of this tenant's cluster; the factory's row names a queue that is not ours.
    expect(moved).toBe(2);
    expect(await outboxRows()).toEqual([]);
    expect(logged.filter((entry) => entry.level === 'error').map((entry) => entry.message)).toEqual([
      expect.stringMatching(/^dropping outbox job .* \(evaluation\/evaluate-projections\): queue evaluation is not ratchet-evaluate$/),
    ]);
    const jobs = await queue.getJobs(['waiting']);
    expect(jobs.map((job) => job.name).sort()).toEqual(['evaluate-projections', 'recompute-readiness']);
    await sut.stop();
    expect(tick).toBeUndefined();
  });

  it('deletes the rows of jobs the caller enqueued itself, at the latest when it stops', async () => {
    const payload = { version: JOB_PAYLOAD_VERSION, orgId: tenant.orgId, clusterId: tenant.clusterId } as const;
    const entries = await withTenant(prisma, tenant.orgId, (tx) => writeOutboxJobs(tx, tenant, [prepareJob(JOB_NAMES.evaluateProjections, payload)]));
    await producer.add(entries.map((entry) => entry.job));
    const sut = new OutboxRelay({ prisma, producer, logger, completionDelayMs: 60_000 });
    sut.enqueuedByCaller(entries.map((entry) => entry.outboxId));
    expect(await outboxRows()).toHaveLength(1);
    await sut.stop();
    expect(await outboxRows()).toEqual([]);
  });
});
