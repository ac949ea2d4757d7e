import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startRedisServer, type TestRedisServer } from '../../../../test/support/redis-server.js';
import { ingestFaultCluster, midEvaluation } from '../support/fault-run.js';
import { startApi, startWorker, until, waitForIdle, type ApiProcess, type ServiceProcess } from '../support/pipeline.js';
import { pipelineState } from '../support/pipeline-state.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// A private redis-server (never the shared one) is killed while the worker is part-way through a job and started
// again a second later on the same port, with its append-only file (as a production Redis for BullMQ keeps one).
// The worker must reconnect on its own, finish the job, and leave the state of a clean run. Needs the built apps.

const LOCK_MS = 2000;

let database: TestDatabase;
let redis: TestRedisServer;
let api: ApiProcess;
let worker: ServiceProcess;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ratchet-redis-'));
  database = await createTestDatabase();
  redis = await startRedisServer({ appendOnlyDir: dataDir });
  api = await startApi(database.url, redis.url);
  worker = await startWorker(database.url, redis.url, { lockMs: LOCK_MS });
}, 60_000);

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await api?.stop('SIGKILL');
  await redis?.stop();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Redis restarted during processing', () => {
  it('the worker reconnects, finishes its jobs and leaves the state of a clean run', async () => {
    const clean = await ingestFaultCluster(api.url, database.url);
    await waitForIdle(database.url, redis.url, 60_000);
    const reference = await pipelineState(database.url, clean.orgId);

    const faulted = await ingestFaultCluster(api.url, database.url);
    await midEvaluation(database.url, faulted.orgId);
    await redis.stop();
    // The worker sees Redis go (and keeps working on Postgres); Redis stays away for a second.
    await until('the worker to notice', () => Promise.resolve(worker.output().includes('redis connection error') ? true : undefined), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await redis.start();

    const progress = await waitForIdle(database.url, redis.url, 60_000);
    expect(progress.failed).toBe(0);
    expect((await pipelineState(database.url, faulted.orgId)).checksum).toBe(reference.checksum);
    // The same process did it all: it was never restarted.
    expect(worker.child.exitCode).toBeNull();
  }, 150_000);
});
