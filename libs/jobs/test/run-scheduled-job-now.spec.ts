import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';

import { JobPayloadError } from '../src/job.js';
import { SCHEDULED_JOB_NAMES, SCHEDULE_QUEUE, runScheduledJobNow } from '../src/schedules.js';

// The shared Redis under a key prefix of this file's own, obliterated at the end. A real BullMQ worker plays the
// scheduled-job processor, so the payload it sees is what went over Redis.
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `ratchet-test-${randomBytes(4).toString('hex')}`;
const connections: Redis[] = [];
const connect = () => {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  connections.push(connection);
  return connection;
};

let queue: Queue;
let events: QueueEvents;
let worker: Worker;
const seen: { name: string; data: unknown }[] = [];

beforeAll(async () => {
  queue = new Queue(SCHEDULE_QUEUE, { connection: connect(), prefix });
  events = new QueueEvents(SCHEDULE_QUEUE, { connection: connect(), prefix });
  worker = new Worker(
    SCHEDULE_QUEUE,
    (job) => {
      seen.push({ name: job.name, data: job.data });
      if (job.name === SCHEDULED_JOB_NAMES.retention) return Promise.reject(new Error('retention refused: database read-only'));
      return Promise.resolve({ organizations: 2, buckets: 14, rows: 30, failed: [] });
    },
    { connection: connect(), prefix },
  );
  await worker.waitUntilReady();
});

afterAll(async () => {
  await worker?.close();
  await events?.close();
  await queue?.obliterate({ force: true });
  await queue?.close();
  await Promise.all(connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
});

describe('runScheduledJobNow', () => {
  it('adds a one-off job with the versioned payload and resolves with what the worker returned', async () => {
    const result = await runScheduledJobNow(queue, events, SCHEDULED_JOB_NAMES.rollupHourly, { rebuildFrom: '2026-11-23T00:00:00Z' }, 10_000);
    expect(result).toEqual({ organizations: 2, buckets: 14, rows: 30, failed: [] });
    expect(seen.at(-1)).toEqual({ name: 'rollup-hourly', data: { version: 1, rebuildFrom: '2026-11-23T00:00:00Z' } });
    // Completed one-off jobs are not kept: the schedule queue's history stays the scheduler's ticks.
    expect(await queue.getJobCounts('completed')).toEqual({ completed: 0 });
  });

  it("rejects with the job's failure reason", async () => {
    await expect(runScheduledJobNow(queue, events, SCHEDULED_JOB_NAMES.retention, {}, 10_000)).rejects.toThrow('retention refused: database read-only');
  });

  it('refuses a payload the worker would refuse, before anything is queued', async () => {
    const before = seen.length;
    await expect(runScheduledJobNow(queue, events, SCHEDULED_JOB_NAMES.rollupDaily, { rebuildFrom: 'last week' })).rejects.toThrow(JobPayloadError);
    await expect(runScheduledJobNow(queue, events, SCHEDULED_JOB_NAMES.rollupDaily, { rebuildFrom: 'last week' })).rejects.toThrow(/invalid rollup-daily payload: rebuildFrom: /);
    expect(seen.length).toBe(before);
    expect(await queue.getJobCounts('waiting', 'delayed')).toEqual({ waiting: 0, delayed: 0 });
  });
});
