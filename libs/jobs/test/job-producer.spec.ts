import { randomBytes, randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JOB_NAMES, JOB_PAYLOAD_VERSION } from '@ratchet/contracts';
import { Queue, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';

import { JOB_QUEUE, prepareJob } from '../src/job.js';
import { JobProducer } from '../src/job-producer.js';

// The shared Redis, under a key prefix of this file's own: nothing else sees these queues, and they are
// obliterated at the end.
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `ratchet-test-${randomBytes(4).toString('hex')}`;
// BullMQ leaves connections it is handed open: each one made here is closed in afterAll.
const connections: Redis[] = [];
const connect = () => {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null, enableOfflineQueue: false });
  connections.push(connection);
  return connection;
};

let sut: JobProducer;
let queue: Queue;

beforeAll(async () => {
  sut = new JobProducer(connect(), { prefix });
  queue = new Queue(JOB_QUEUE, { connection: connect(), prefix });
  await queue.waitUntilReady();
  await new Promise<void>((resolve) => {
    const poll = () => (sut.available ? resolve() : setTimeout(poll, 10));
    poll();
  });
});

afterAll(async () => {
  await queue?.obliterate({ force: true });
  await queue?.close();
  await sut?.close();
  await Promise.all(connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
});

const cluster = () => ({ version: JOB_PAYLOAD_VERSION, orgId: randomUUID(), clusterId: randomUUID() }) as const;

async function jobsOf(name: string, orgId: string): Promise<Job[]> {
  const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed']);
  return jobs.filter((job) => job.name === name && (job.data as { orgId: string }).orgId === orgId);
}

describe('JobProducer', () => {
  it('queues one evaluation for a resync of 50 chunks, and one per cluster', async () => {
    const first = cluster();
    const second = { ...first, clusterId: randomUUID() };
    for (let chunk = 0; chunk < 50; chunk += 1) await sut.enqueue(JOB_NAMES.evaluateProjections, first);
    await sut.add(Array.from({ length: 10 }, () => prepareJob(JOB_NAMES.evaluateProjections, second)));
    const jobs = await jobsOf(JOB_NAMES.evaluateProjections, first.orgId);
    expect(jobs.map((job): unknown => job.data)).toEqual(expect.arrayContaining([first, second]));
    expect(jobs).toHaveLength(2);
    expect(await jobsOf(JOB_NAMES.recomputeReadiness, first.orgId)).toHaveLength(0);
  });

  it('runs once more for changes enqueued while a run is in progress, and no more', async () => {
    const payload = cluster();
    const runs: number[] = [];
    let release!: () => void;
    const firstRunHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const firstRunStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const worker = new Worker(
      JOB_QUEUE,
      async (job: Job) => {
        if ((job.data as { orgId: string }).orgId !== payload.orgId) return;
        runs.push(Date.now());
        if (runs.length === 1) {
          started();
          await firstRunHeld;
        }
      },
      { connection: connect(), prefix, concurrency: 4 },
    );
    try {
      await sut.enqueue(JOB_NAMES.recomputeReadiness, payload);
      await firstRunStarted;
      // Batches commit while the first run works: their changes need one more run.
      for (let batch = 0; batch < 5; batch += 1) await sut.enqueue(JOB_NAMES.recomputeReadiness, payload);
      expect(runs).toHaveLength(1);
      release();
      const deadline = Date.now() + 5000;
      while (runs.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      // Give a third run, which must not happen, the time to show up.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(runs).toHaveLength(2);
    } finally {
      await worker.close();
    }
  });

  it('collapses a repeated audit job of one batch, not audit jobs of two batches', async () => {
    const payload = { ...cluster(), batchId: randomUUID(), namespaces: ['shop'] };
    await sut.enqueue(JOB_NAMES.ingestAuditEvents, payload);
    await sut.enqueue(JOB_NAMES.ingestAuditEvents, payload);
    await sut.enqueue(JOB_NAMES.ingestAuditEvents, { ...payload, batchId: randomUUID() });
    expect(await jobsOf(JOB_NAMES.ingestAuditEvents, payload.orgId)).toHaveLength(2);
  });

  it('refuses a bad payload before it reaches Redis', async () => {
    const payload = { ...cluster(), clusterId: 'prod' };
    await expect(sut.enqueue(JOB_NAMES.evaluateProjections, payload)).rejects.toThrow(/invalid evaluate-projections payload: clusterId/);
    expect(await jobsOf(JOB_NAMES.evaluateProjections, payload.orgId)).toHaveLength(0);
  });
});
