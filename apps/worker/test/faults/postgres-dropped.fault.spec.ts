import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startRedisServer, type TestRedisServer } from '../../../../test/support/redis-server.js';
import { startTcpProxy, type TcpProxy } from '../../../../test/support/tcp-proxy.js';
import { ingestFaultCluster, midEvaluation } from '../support/fault-run.js';
import { startApi, startWorker, waitForIdle, type ApiProcess, type ServiceProcess } from '../support/pipeline.js';
import { pipelineState } from '../support/pipeline-state.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// The worker reaches the shared Postgres through a TCP proxy that the test cuts while a job is part-way through:
// every connection is reset and new ones are refused for a second and a half. The job fails, BullMQ retries it
// (exponential backoff from 2 s), and once the database is back the organization's tables must equal those of a
// clean run. The API connects directly: only the worker loses the database. Needs the built apps.

let database: TestDatabase;
let redis: TestRedisServer;
let proxy: TcpProxy;
let api: ApiProcess;
let worker: ServiceProcess;

beforeAll(async () => {
  database = await createTestDatabase();
  redis = await startRedisServer();
  const target = new URL(database.url);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  api = await startApi(database.url, redis.url);
  worker = await startWorker(proxy.route(database.url), redis.url, { lockMs: 2000 });
}, 60_000);

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await api?.stop('SIGKILL');
  await proxy?.close();
  await redis?.stop();
  await database?.drop();
});

describe('Postgres connection dropped', () => {
  it('jobs fail, are retried once the database is back, and leave the state of a clean run', async () => {
    const clean = await ingestFaultCluster(api.url, database.url);
    await waitForIdle(database.url, redis.url, 60_000);
    const reference = await pipelineState(database.url, clean.orgId);

    const faulted = await ingestFaultCluster(api.url, database.url);
    await midEvaluation(database.url, faulted.orgId);
    proxy.cut();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    proxy.restore();

    const progress = await waitForIdle(database.url, redis.url, 60_000);
    expect(progress.failed).toBe(0);
    expect((await pipelineState(database.url, faulted.orgId)).checksum).toBe(reference.checksum);
    // The process survived the outage (no crash on a reset connection) and said what happened.
    expect(worker.child.exitCode).toBeNull();
    expect(worker.logs().some((line) => line['msg'] === 'job failed; BullMQ retries it' && line['orgId'] === faulted.orgId)).toBe(true);
  }, 150_000);
});
