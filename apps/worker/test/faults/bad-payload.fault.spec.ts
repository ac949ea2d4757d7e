import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JOB_QUEUE } from '@ratchet/jobs';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';

import { startRedisServer, type TestRedisServer } from '../../../../test/support/redis-server.js';
import { startWorker, until, type ServiceProcess } from '../support/pipeline.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// A job whose payload breaks its contract (written by an older or broken producer, bypassing JobProducer) fails
// at once with BullMQ's UnrecoverableError, however many attempts it was given, and the worker process logs why,
// naming the field. Needs the built worker.

let database: TestDatabase;
let redis: TestRedisServer;
let worker: ServiceProcess;
let connection: Redis;
let queue: Queue;

beforeAll(async () => {
  database = await createTestDatabase();
  redis = await startRedisServer();
  worker = await startWorker(database.url, redis.url);
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  queue = new Queue(JOB_QUEUE, { connection });
}, 60_000);

afterAll(async () => {
  await queue?.close();
  connection?.disconnect();
  await worker?.stop();
  await redis?.stop();
  await database?.drop();
});

async function failedJob(id: string): Promise<Job> {
  // The state first, then the job: a job read before it failed and checked after would show the attempts it had
  // then (BullMQ records the failure and the attempt in one script, so a job read once failed is consistent).
  return until(`job ${id} to fail`, async () => ((await queue.getJobState(id)) === 'failed' ? queue.getJob(id) : undefined));
}

describe('a job payload failing its contract', () => {
  it('fails at once, unrecoverably, with a log naming the field', async () => {
    const job = await queue.add('recompute-readiness', { version: 2, orgId: 'not-a-uuid', clusterId: crypto.randomUUID() }, { attempts: 5, backoff: 1000 });
    const failed = await failedJob(job.id!);
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/^invalid recompute-readiness payload: orgId: /);
    const logged = worker.logs().find((line) => line['msg'] === 'job payload refused; not retried' && line['jobId'] === job.id);
    expect(logged).toMatchObject({ level: 50, job: 'recompute-readiness', reason: failed.failedReason });
  });

  it('fails a job name the queue does not know the same way', async () => {
    const job = await queue.add('send-fax', { version: 2 }, { attempts: 5 });
    const failed = await failedJob(job.id!);
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toBe(`invalid send-fax payload: (payload): is not a job of ${JOB_QUEUE}`);
    expect(worker.logs().some((line) => line['msg'] === 'job payload refused; not retried' && line['jobId'] === job.id)).toBe(true);
  });
});
