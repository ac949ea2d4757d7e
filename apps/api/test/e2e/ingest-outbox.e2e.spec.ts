import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INGEST_PATHS, IngestAccepted, JOB_NAMES, JOB_PAYLOAD_VERSION, JOB_QUEUE, batchJobId } from '@ratchet/contracts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import request from 'supertest';

import { createCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { auditBatchBody, inventoryOf, resyncChunkBody } from '../factories/ingest-body.factory.js';
import { createTenant } from '../factories/tenant.factory.js';
import { eventually } from '../support/eventually.util.js';
import { startRedisServer } from '../support/redis-server.js';
import type { TestRedisServer } from '../support/redis-server.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

async function withQueue(url: string, use: (queue: Queue) => Promise<void>): Promise<void> {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(JOB_QUEUE, { connection });
  try {
    await use(queue);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

describe('ingest while Redis is down', () => {
  let sut: TestApp;
  let redis: TestRedisServer;

  beforeAll(async () => {
    redis = await startRedisServer();
    sut = await startTestApp({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await disconnectOwnerClients();
    await sut.close();
    await redis.stop();
  });

  it('accepts and stores batches, keeps their jobs in the outbox, and enqueues them when Redis is back', async () => {
    const db = ownerClient(sut.database.url);
    const tenant = await createTenant(sut.database.url);
    const cluster = await createCluster(sut.database.url, tenant.orgId);
    const send = (path: string, body: object) =>
      request(sut.http).post(path).set(cluster.agentHeaders).set('Idempotency-Key', randomUUID()).send(body);

    await redis.stop();
    const shop = inventoryOf('shop');
    await send(
      INGEST_PATHS.inventoryResync,
      resyncChunkBody({ namespaces: [shop.namespace], workloads: [shop.workload], pods: shop.pods, projections: { [shop.projection.hash]: shop.projection.content } }),
    ).expect(202);
    const audit = await send(INGEST_PATHS.auditEvents, auditBatchBody(3)).expect(202);

    const auditId = IngestAccepted.parse(audit.body).batchId;
    expect(await db.auditEvent.count({ where: { clusterId: cluster.clusterId } })).toBe(3);
    expect(await db.pod.count({ where: { clusterId: cluster.clusterId } })).toBe(2);
    // A second resync chunk while Redis is down: its jobs wait in the outbox too, and collapse once enqueued.
    const again = inventoryOf('shop');
    await send(
      INGEST_PATHS.inventoryResync,
      resyncChunkBody({ namespaces: [again.namespace], workloads: [again.workload], pods: [], projections: { [again.projection.hash]: again.projection.content } }),
    ).expect(202);
    const outbox = await db.outboxJob.findMany({ where: { orgId: tenant.orgId } });
    expect(outbox.map((row) => [row.jobName, row.jobId]).sort()).toEqual([
      [JOB_NAMES.evaluateProjections, null],
      [JOB_NAMES.evaluateProjections, null],
      [JOB_NAMES.ingestAuditEvents, batchJobId(JOB_NAMES.ingestAuditEvents, auditId)],
      [JOB_NAMES.recomputeReadiness, null],
      [JOB_NAMES.recomputeReadiness, null],
    ]);
    expect(outbox.every((row) => row.queue === JOB_QUEUE)).toBe(true);

    await redis.start();
    const left = await eventually(() => db.outboxJob.count({ where: { orgId: tenant.orgId } }), (count) => count === 0, 30_000);
    expect(left).toBe(0);

    await withQueue(redis.url, async (queue) => {
      const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
      const clusterJob = { version: JOB_PAYLOAD_VERSION, orgId: tenant.orgId, clusterId: cluster.clusterId };
      expect(jobs.map((job): unknown[] => [job.name, job.data as unknown]).sort()).toEqual([
        [JOB_NAMES.evaluateProjections, clusterJob],
        [JOB_NAMES.ingestAuditEvents, { ...clusterJob, batchId: auditId, namespaces: ['shop'] }],
        [JOB_NAMES.recomputeReadiness, clusterJob],
      ]);
      expect(jobs.find((job) => job.name === JOB_NAMES.ingestAuditEvents)?.id).toBe(batchJobId(JOB_NAMES.ingestAuditEvents, auditId));
    });

    // With Redis back, a new batch enqueues its own job at once and its outbox row goes.
    const after = IngestAccepted.parse((await send(INGEST_PATHS.auditEvents, auditBatchBody(1)).expect(202)).body);
    await withQueue(redis.url, async (queue) => {
      expect(await queue.getJob(batchJobId(JOB_NAMES.ingestAuditEvents, after.batchId))).toBeDefined();
    });
    expect(await eventually(() => db.outboxJob.count({ where: { orgId: tenant.orgId } }), (count) => count === 0)).toBe(0);
  }, 60_000);
});
