import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startRedisServer, type TestRedisServer } from '../../../../test/support/redis-server.js';
import { ingestFaultCluster, midEvaluation, orgProgress } from '../support/fault-run.js';
import { activeJobs, startApi, startWorker, waitForIdle, type ApiProcess, type ServiceProcess } from '../support/pipeline.js';
import { pipelineState } from '../support/pipeline-state.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// The worker process is killed (SIGKILL: no shutdown hook runs, the job's lock is simply never renewed) while its
// evaluation job is part-way through a large cluster, then started again. BullMQ hands the stalled job to the new
// process, which must finish exactly what the dead one left: the organization's tables then checksum equal to
// those of a clean run of the same cluster. Needs the built apps (npx nx run-many -t build -p @ratchet/api
// @ratchet/worker).

// A killed worker's job is taken up again after the lock expires: 2 s here instead of BullMQ's 30 s.
const LOCK_MS = 2000;

let database: TestDatabase;
let redis: TestRedisServer;
let api: ApiProcess;
const workers: ServiceProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  redis = await startRedisServer();
  api = await startApi(database.url, redis.url);
}, 60_000);

afterAll(async () => {
  for (const worker of workers) await worker.stop('SIGKILL');
  await api?.stop();
  await redis?.stop();
  await database?.drop();
});

describe('worker killed mid-job', () => {
  it('is restarted, takes the stalled job up again, and leaves the state of a clean run', async () => {
    // The reference: the same cluster, processed without a fault.
    workers.push(await startWorker(database.url, redis.url, { lockMs: LOCK_MS }));
    const clean = await ingestFaultCluster(api.url, database.url);
    await waitForIdle(database.url, redis.url, 60_000);
    const reference = await pipelineState(database.url, clean.orgId);
    expect(reference.marks).toBe(0);
    expect(reference.findings.length).toBeGreaterThan(1000);

    const faulted = await ingestFaultCluster(api.url, database.url);
    const before = await midEvaluation(database.url, faulted.orgId);
    const running = (await activeJobs(redis.url)).filter((job) => job.orgId === faulted.orgId && job.name === 'evaluate-projections');
    await workers[0]!.stop('SIGKILL');
    expect(running).toHaveLength(1);
    // Part of the work committed, part not: the kill landed mid-job.
    const left = await orgProgress(database.url, faulted.orgId);
    expect(left.workloadMarks).toBeGreaterThan(0);
    expect(left.findings).toBeGreaterThanOrEqual(before.findings);

    const restarted = await startWorker(database.url, redis.url, { lockMs: LOCK_MS });
    workers.push(restarted);
    const progress = await waitForIdle(database.url, redis.url, 60_000);
    expect(progress.failed).toBe(0);
    const after = await pipelineState(database.url, faulted.orgId);
    expect(after.checksum).toBe(reference.checksum);
    // The new process logged the job it took over as a second attempt.
    // The new process ran the very job the dead one held, and it had only the rest of the workloads left to do.
    const rerun = restarted.logs().find((line) => line['msg'] === 'job completed' && line['jobId'] === running[0]!.id);
    expect(rerun).toBeDefined();
    const { workloads } = rerun!['result'] as { workloads: number };
    expect(workloads).toBeGreaterThan(0);
    expect(workloads).toBeLessThan(1600);
  }, 150_000);
});
