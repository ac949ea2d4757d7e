import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INGEST_PATHS, JOB_NAMES, JOB_PAYLOAD_VERSION, batchJobId } from '@ratchet/contracts';
import type { Queue } from 'bullmq';
import request from 'supertest';

import { TOKEN_PREFIX, issueToken } from '../../src/common/auth/token.util.js';
import { createCluster, createTenantCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { ownerClient } from '../factories/db.factory.js';
import {
  auditBatchBody,
  auditEventBody,
  deltaBody,
  heartbeatBody,
  inventoryOf,
  namespaceBody,
  podBody,
  projection,
  resyncChunkBody,
  workloadBody,
} from '../factories/ingest-body.factory.js';
import { createTenant } from '../factories/tenant.factory.js';
import type { TestUser } from '../factories/tenant.factory.js';
import { eventually } from '../support/eventually.util.js';
import { expectAccepted, postIngest } from '../support/agent-ingest.util.js';
import { ingestState } from '../support/ingest-state.util.js';
import { startQueuedTestApp } from '../support/queued-test-app.js';
import type { QueuedTestApp } from '../support/queued-test-app.js';
import type { TestApp } from '../support/test-app.js';

const MAX_BYTES = 256 * 1024;

// supertest would JSON-encode a Buffer sent as application/json; gzip bodies go out as they are.
const raw = (body: unknown) => body as string;

describe('ingest', () => {
  let stack: QueuedTestApp;
  let sut: TestApp;
  let queue: Queue;

  beforeAll(async () => {
    stack = await startQueuedTestApp({ RATCHET_INGEST_MAX_BYTES: String(MAX_BYTES) });
    ({ sut, queue } = stack);
  });
  afterAll(() => stack.close());

  const db = () => ownerClient(sut.database.url);
  // Outbox rows of enqueued jobs are deleted shortly after their batch: wait for that before comparing.
  const state = async (orgId: string) => {
    await eventually(() => db().outboxJob.count({ where: { orgId } }), (count) => count === 0);
    return ingestState(sut.database.url, orgId);
  };

  async function newCluster(): Promise<TestCluster & { orgId: string; owner: TestUser }> {
    const { tenant, ...cluster } = await createTenantCluster(sut.database.url);
    return { ...cluster, orgId: tenant.orgId, owner: tenant.owner };
  }

  // The cluster's queued inventory jobs, by name: nothing processes the queue here, so every job a batch enqueued
  // is still there, unless it collapsed into another.
  async function inventoryJobs(cluster: TestCluster & { orgId: string }): Promise<Record<string, unknown[]>> {
    await eventually(() => db().outboxJob.count({ where: { orgId: cluster.orgId } }), (count) => count === 0);
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
    const ofCluster = jobs.filter((job) => job.name !== JOB_NAMES.ingestAuditEvents && (job.data as { clusterId: string }).clusterId === cluster.clusterId);
    const byName: Record<string, unknown[]> = {};
    for (const job of ofCluster) (byName[job.name] ??= []).push(job.data);
    return byName;
  }

  // What the batches left for the worker to refresh, by namespace and workload name.
  async function marks(cluster: TestCluster): Promise<{ namespaces: string[]; workloads: string[] }> {
    const rows = await db().inventoryMark.findMany({ where: { clusterId: cluster.clusterId } });
    const namespaces = await db().namespace.findMany({ where: { clusterId: cluster.clusterId } });
    const workloads = await db().workload.findMany({ where: { clusterId: cluster.clusterId } });
    const nameOf = new Map([...namespaces, ...workloads].map((row) => [row.id, row.name]));
    const names = (subject: string) => rows.filter((row) => row.subject === subject).map((row) => nameOf.get(row.subjectId)!).sort();
    return { namespaces: names('namespace'), workloads: names('workload') };
  }

  const post = (cluster: TestCluster, path: string, body: unknown, key?: string) => postIngest(sut.http, cluster, path, body, key);

  const accepted = (cluster: TestCluster, path: string, body: unknown, key?: string) => expectAccepted(sut.http, cluster, path, body, key);

  const zero = { namespaces: 0, workloads: 0, pods: 0, projections: 0, auditEvents: 0 };

  describe('audit events', () => {
    it('stores a batch, answers with counts and enqueues one job naming its namespaces', async () => {
      const cluster = await newCluster();
      const body = { events: [...auditBatchBody(3).events, auditEventBody({ namespace: 'billing' })] };
      const answer = await accepted(cluster, INGEST_PATHS.auditEvents, body);

      expect(answer).toEqual({ batchId: expect.any(String), accepted: { ...zero, auditEvents: 4 }, duplicates: zero, deleted: zero, unparsedAuditEvents: 0 });
      const stored = await db().auditEvent.findMany({ where: { clusterId: cluster.clusterId }, orderBy: { auditId: 'asc' } });
      expect(stored).toHaveLength(4);
      const first = body.events.find((event) => event.auditId === stored[0]!.auditId)!;
      expect(stored[0]).toMatchObject({
        orgId: cluster.orgId,
        username: first.user.username,
        userGroups: first.user.groups,
        verb: 'create',
        objectResource: 'pods',
        objectNamespace: first.namespace,
        objectName: 'web-1',
        objectApiVersion: 'v1',
        namespaceName: first.namespace,
        responseCode: 201,
        auditViolations: first.annotations.auditViolations,
        enforcePolicy: 'privileged:latest',
        auditPolicy: 'restricted:latest',
        level: 'restricted',
        version: 'latest',
        checks: first.violations.checks,
      });

      const job = await queue.getJob(batchJobId(JOB_NAMES.ingestAuditEvents, answer.batchId));
      expect(job?.name).toBe(JOB_NAMES.ingestAuditEvents);
      expect(job?.data).toEqual({
        version: JOB_PAYLOAD_VERSION,
        orgId: cluster.orgId,
        clusterId: cluster.clusterId,
        batchId: answer.batchId,
        namespaces: ['billing', 'shop'],
      });
      expect(await eventually(() => db().outboxJob.count({ where: { orgId: cluster.orgId } }), (count) => count === 0)).toBe(0);
      const row = await db().cluster.findUniqueOrThrow({ where: { orgId_id: { orgId: cluster.orgId, id: cluster.clusterId } } });
      expect(row.lastSeenAt).not.toBeNull();
    });

    it("stores each event in its month's partition, and one of a month without a partition in the default partition without making one", async () => {
      // Partitions are made ahead by the worker's retention job; ingest takes no partition lock.
      const cluster = await newCluster();
      const old = new Date(Date.now() - 200 * 24 * 3600_000);
      const event = auditEventBody({ time: old.toISOString() });
      const current = auditEventBody();
      await accepted(cluster, INGEST_PATHS.auditEvents, { events: [event, current] });
      const partitionOf = async (auditId: string) =>
        (await db().$queryRaw<{ partition: string }[]>`SELECT tableoid::regclass::text AS partition FROM audit_events WHERE audit_id = ${auditId}`)[0]
          ?.partition;
      const monthOf = (time: Date) => `${time.getUTCFullYear()}_${String(time.getUTCMonth() + 1).padStart(2, '0')}`;
      expect(await partitionOf(event.auditId)).toBe('audit_events_default');
      expect(await partitionOf(current.auditId)).toBe(`audit_events_${monthOf(new Date(current.time))}`);
      const [made] = await db().$queryRaw<{ name: string | null }[]>`SELECT to_regclass(${`audit_events_${monthOf(old)}`})::text AS name`;
      expect(made?.name).toBeNull();
    });

    it('stores a repeated auditID once, counting the repeats as duplicates', async () => {
      const cluster = await newCluster();
      const event = auditEventBody();
      const first = await accepted(cluster, INGEST_PATHS.auditEvents, { events: [event, event, auditEventBody()] });
      expect(first.accepted.auditEvents).toBe(2);
      expect(first.duplicates.auditEvents).toBe(1);

      const again = await accepted(cluster, INGEST_PATHS.auditEvents, { events: [event] });
      expect(again.accepted.auditEvents).toBe(0);
      expect(again.duplicates.auditEvents).toBe(1);
      expect(await queue.getJob(batchJobId(JOB_NAMES.ingestAuditEvents, again.batchId))).toBeUndefined();
      expect(await db().auditEvent.count({ where: { clusterId: cluster.clusterId } })).toBe(2);
    });

    it('re-reads the annotation and refuses violations that do not match it, naming the event', async () => {
      const cluster = await newCluster();
      const good = auditEventBody();
      const wrongLevel = auditEventBody({ violations: { ...good.violations, level: 'baseline' } });
      const wrongDetail = auditEventBody({
        violations: { ...good.violations, checks: [{ ...good.violations.checks[0]!, detail: 'container "api" must set it' }, good.violations.checks[1]!] },
      });
      // An annotation the API cannot parse is stored unparsed (see ingest-audit-traits.e2e.spec.ts), never a reason to refuse.
      const unparsable = auditEventBody({ annotations: { auditViolations: 'would violate PodSecurity "restricted:latest": "nope"' } });
      const before = await state(cluster.orgId);

      const response = await post(cluster, INGEST_PATHS.auditEvents, { events: [good, wrongLevel, wrongDetail, unparsable] }).expect(400);

      expect(response.body.code).toBe('validation_failed');
      expect(response.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual([
        'body.events[1].violations',
        'body.events[2].violations',
      ]);
      expect(response.body.message).toContain('body.events[1].violations');
      expect(await state(cluster.orgId)).toEqual(before);
    });

    it('refuses events from a clock far off, and contract errors with the path of each field', async () => {
      const cluster = await newCluster();
      const future = auditEventBody({ time: new Date(Date.now() + 3 * 24 * 3600_000).toISOString() });
      const ancient = auditEventBody({ time: '2020-01-01T00:00:00Z' });
      const timeIssues = await post(cluster, INGEST_PATHS.auditEvents, { events: [future, ancient] }).expect(400);
      expect(timeIssues.body.details.issues).toEqual([
        { path: 'body.events[0].time', message: 'is more than a day in the future' },
        { path: 'body.events[1].time', message: 'is more than a year old' },
      ]);

      const contract = await post(cluster, INGEST_PATHS.auditEvents, {
        events: [auditEventBody(), { ...auditEventBody(), auditId: 'has space', stage: 'Completed' }],
        clusterId: randomUUID(),
      }).expect(400);
      expect(contract.body.details.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
        'body.clusterId',
        'body.events[1].auditId',
        'body.events[1].stage',
      ]);
    });

    it('refuses text Postgres cannot store, naming the field', async () => {
      const cluster = await newCluster();
      const nul = auditEventBody({ user: { username: 'eve\u0000', groups: ['ok', 'bad\ud800'] } });
      const response = await post(cluster, INGEST_PATHS.auditEvents, { events: [nul] }).expect(400);
      expect(response.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual([
        'body.events[0].user.username',
        'body.events[0].user.groups[1]',
      ]);
    });
  });

  describe('idempotency', () => {
    it('answers a replayed key with the first answer and writes nothing', async () => {
      const cluster = await newCluster();
      const body = auditBatchBody(2);
      const key = `batch-${randomUUID()}`;
      const first = await post(cluster, INGEST_PATHS.auditEvents, body, key).expect(202);
      const before = await state(cluster.orgId);

      const replay = await post(cluster, INGEST_PATHS.auditEvents, body, key).expect(202);

      expect(replay.body).toEqual(first.body);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(await state(cluster.orgId)).toEqual(before);
    });

    it('treats the same batch encoded differently (key order, gzip) as the same request', async () => {
      const cluster = await newCluster();
      const event = auditEventBody();
      const key = randomUUID();
      const first = await post(cluster, INGEST_PATHS.auditEvents, { events: [event] }, key).expect(202);
      const reordered = Object.fromEntries(Object.entries(event).reverse());
      const replay = await request(sut.http)
        .post(INGEST_PATHS.auditEvents)
        .set(cluster.agentHeaders)
        .set('Idempotency-Key', key)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .serialize(raw)
        .send(gzipSync(JSON.stringify({ events: [reordered] })))
        .expect(202);
      expect(replay.body).toEqual(first.body);
    });

    it('refuses the same key with another body or on another endpoint, writing nothing', async () => {
      const cluster = await newCluster();
      const key = randomUUID();
      await post(cluster, INGEST_PATHS.auditEvents, auditBatchBody(1), key).expect(202);
      const before = await state(cluster.orgId);

      const otherBody = await post(cluster, INGEST_PATHS.auditEvents, auditBatchBody(1), key).expect(409);
      expect(otherBody.body).toEqual({ code: 'conflict', message: expect.stringContaining('was already used for a different request'), details: {} });
      await post(cluster, INGEST_PATHS.heartbeat, heartbeatBody(), key).expect(409);
      expect(await state(cluster.orgId)).toEqual(before);
    });

    it('scopes keys to the cluster', async () => {
      const [a, b] = [await newCluster(), await newCluster()];
      const key = 'shared-key';
      const first = await accepted(a, INGEST_PATHS.auditEvents, auditBatchBody(1), key);
      const second = await accepted(b, INGEST_PATHS.auditEvents, auditBatchBody(1), key);
      expect(second.batchId).not.toBe(first.batchId);
      expect(second.accepted.auditEvents).toBe(1);
    });

    it('stores concurrent requests with one key once and gives each the same answer', async () => {
      const cluster = await newCluster();
      const body = auditBatchBody(20);
      const key = randomUUID();
      const answers = await Promise.all([1, 2, 3].map(() => post(cluster, INGEST_PATHS.auditEvents, body, key)));
      expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202]);
      expect(answers[1]!.body).toEqual(answers[0]!.body);
      expect(answers[2]!.body).toEqual(answers[0]!.body);
      expect(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true')).toHaveLength(2);
      expect(await db().ingestBatch.count({ where: { clusterId: cluster.clusterId } })).toBe(1);
      expect(await db().auditEvent.count({ where: { clusterId: cluster.clusterId } })).toBe(20);
    });

    it('requires an Idempotency-Key of 1 to 200 printable characters', async () => {
      const cluster = await newCluster();
      const missing = await request(sut.http).post(INGEST_PATHS.heartbeat).set(cluster.agentHeaders).send(heartbeatBody()).expect(400);
      expect(missing.body.details.issues).toEqual([{ path: 'headers.idempotency-key', message: expect.stringContaining('Idempotency-Key') }]);
      const tooLong = await post(cluster, INGEST_PATHS.heartbeat, heartbeatBody(), 'k'.repeat(201)).expect(400);
      expect(tooLong.body.details.issues[0].path).toBe('headers.idempotency-key');
    });
  });

  describe('inventory', () => {
    it('applies a resync whose chunks arrive out of order, then marks what the sync did not see', async () => {
      const cluster = await newCluster();
      // What an earlier sync left: a namespace and a workload that are gone now, and a pod of a live workload.
      const old = inventoryOf('legacy', 'legacy:1');
      await accepted(cluster, INGEST_PATHS.inventoryResync, resyncChunkBody({
        namespaces: [old.namespace],
        workloads: [old.workload],
        pods: old.pods,
        projections: { [old.projection.hash]: old.projection.content },
      }));
      const live = inventoryOf('shop', 'shop:1');
      const stalePod = podBody('shop', 'web-old', live.workload.uid, live.projection.hash);
      await accepted(cluster, INGEST_PATHS.inventoryDelta, deltaBody({
        upserts: { namespaces: [live.namespace], workloads: [live.workload], pods: [stalePod] },
        projections: { [live.projection.hash]: live.projection.content },
      }));

      const syncId = randomUUID();
      const chunk = (n: number, parts: object) => resyncChunkBody({ syncId, chunk: n, totalChunks: 3, namespaces: [], workloads: [], pods: [], projections: {}, ...parts });
      const third = await accepted(cluster, INGEST_PATHS.inventoryResync, chunk(3, { pods: live.pods, knownProjectionHashes: [live.projection.hash] }));
      const first = await accepted(cluster, INGEST_PATHS.inventoryResync, chunk(1, { namespaces: [live.namespace] }));
      expect(third.deleted).toEqual(zero);
      expect(first.deleted).toEqual(zero);
      expect(await db().namespace.count({ where: { clusterId: cluster.clusterId, deletedAt: { not: null } } })).toBe(0);

      const last = await accepted(cluster, INGEST_PATHS.inventoryResync, chunk(2, { workloads: [live.workload], knownProjectionHashes: [live.projection.hash] }));

      expect(last.accepted).toEqual({ ...zero, workloads: 1 });
      expect(last.deleted).toEqual({ ...zero, namespaces: 1, workloads: 1, pods: 3 });
      const namespaces = await db().namespace.findMany({ where: { clusterId: cluster.clusterId }, orderBy: { name: 'asc' } });
      expect(namespaces.map((ns) => [ns.name, ns.deletedAt !== null])).toEqual([
        ['legacy', true],
        ['shop', false],
      ]);
      const workloads = await db().workload.findMany({ where: { clusterId: cluster.clusterId } });
      expect(Object.fromEntries(workloads.map((w) => [w.uid, w.deletedAt !== null]))).toEqual({ [old.workload.uid]: true, [live.workload.uid]: false });
      const pods = await db().pod.findMany({ where: { clusterId: cluster.clusterId } });
      expect(pods.map((pod) => pod.uid).sort()).toEqual(live.pods.map((pod) => pod.uid).sort());
      // Five inventory batches, one job of each kind for the cluster: the jobs name the cluster, the marks say what.
      const payload = { version: JOB_PAYLOAD_VERSION, orgId: cluster.orgId, clusterId: cluster.clusterId };
      expect(await inventoryJobs(cluster)).toEqual({ [JOB_NAMES.evaluateProjections]: [payload], [JOB_NAMES.recomputeReadiness]: [payload] });
      expect(await marks(cluster)).toEqual({ namespaces: ['legacy', 'shop'], workloads: [old.workload.name, live.workload.name].sort() });

      // A chunk repeated under a new key is a retry: stored again, but the sync is not swept twice.
      const retried = await accepted(cluster, INGEST_PATHS.inventoryResync, chunk(1, { namespaces: [live.namespace] }));
      expect(retried.deleted).toEqual(zero);
    });

    it('refuses a chunk announcing another number of chunks than its sync', async () => {
      const cluster = await newCluster();
      const syncId = randomUUID();
      await accepted(cluster, INGEST_PATHS.inventoryResync, resyncChunkBody({ syncId, chunk: 1, totalChunks: 2 }));
      const before = await state(cluster.orgId);
      const response = await post(cluster, INGEST_PATHS.inventoryResync, resyncChunkBody({ syncId, chunk: 2, totalChunks: 3 })).expect(409);
      expect(response.body.message).toContain('was started with 2 chunks');
      expect(await state(cluster.orgId)).toEqual(before);
    });

    it('applies delta upserts and deletes: namespaces and workloads marked deleted, pods removed', async () => {
      const cluster = await newCluster();
      const shop = inventoryOf('shop');
      const gone = inventoryOf('gone', 'gone:1');
      await accepted(cluster, INGEST_PATHS.inventoryResync, resyncChunkBody({
        namespaces: [shop.namespace, gone.namespace],
        workloads: [shop.workload, gone.workload],
        pods: [...shop.pods, ...gone.pods],
        projections: { [shop.projection.hash]: shop.projection.content, [gone.projection.hash]: gone.projection.content },
      }));

      // What the resync marked was refreshed (as the worker would): the delta's marks are then exactly its own.
      await db().inventoryMark.deleteMany({ where: { clusterId: cluster.clusterId } });
      const relabelled = { ...shop.namespace, labels: { enforce: 'restricted', enforceVersion: 'v1.30' } };
      const answer = await accepted(cluster, INGEST_PATHS.inventoryDelta, deltaBody({
        upserts: { namespaces: [relabelled], pods: [podBody('shop', 'web-3', shop.workload.uid, shop.projection.hash)] },
        deletes: { namespaces: [gone.namespace.uid], workloads: [gone.workload.uid], pods: [shop.pods[0]!.uid, ...gone.pods.map((p) => p.uid)] },
        knownProjectionHashes: [shop.projection.hash],
      }));

      expect(answer.accepted).toEqual({ ...zero, namespaces: 1, pods: 1 });
      expect(answer.deleted).toEqual({ ...zero, namespaces: 1, workloads: 1, pods: 3 });
      const ns = await db().namespace.findFirstOrThrow({ where: { clusterId: cluster.clusterId, name: 'shop' } });
      expect(ns).toMatchObject({ enforceLevel: 'restricted', enforceVersion: 'v1.30', auditLevel: null, deletedAt: null });
      expect((await db().namespace.findFirstOrThrow({ where: { clusterId: cluster.clusterId, name: 'gone' } })).deletedAt).not.toBeNull();
      expect((await db().workload.findFirstOrThrow({ where: { clusterId: cluster.clusterId, uid: gone.workload.uid } })).deletedAt).not.toBeNull();
      expect((await db().pod.findMany({ where: { clusterId: cluster.clusterId } })).map((p) => p.name).sort()).toEqual(['web-2', 'web-3']);
      expect(await marks(cluster)).toEqual({ namespaces: ['gone', 'shop'], workloads: [gone.workload.name, shop.workload.name].sort() });
    });

    it('enqueues nothing for a delta that changes nothing, such as deletes of objects already gone', async () => {
      const cluster = await newCluster();
      const answer = await accepted(cluster, INGEST_PATHS.inventoryDelta, deltaBody({
        deletes: { namespaces: [randomUUID()], workloads: [randomUUID()], pods: [randomUUID()] },
      }));
      expect(answer.deleted).toEqual(zero);
      expect(await db().outboxJob.count({ where: { orgId: cluster.orgId } })).toBe(0);
      expect(await inventoryJobs(cluster)).toEqual({});
      expect(await marks(cluster)).toEqual({ namespaces: [], workloads: [] });
    });

    it('queues one evaluation and one readiness job for a resync of 50 chunks', async () => {
      const cluster = await newCluster();
      const syncId = randomUUID();
      const shop = inventoryOf('shop');
      for (let n = 1; n <= 50; n += 1) {
        const workload = workloadBody('shop', `web-${n}`, shop.projection.hash);
        const carried = n === 1 ? { projections: { [shop.projection.hash]: shop.projection.content } } : { projections: {}, knownProjectionHashes: [shop.projection.hash] };
        await accepted(cluster, INGEST_PATHS.inventoryResync, resyncChunkBody({ syncId, chunk: n, totalChunks: 50, namespaces: n === 1 ? [shop.namespace] : [], workloads: [workload], pods: [], ...carried }));
      }
      const payload = { version: JOB_PAYLOAD_VERSION, orgId: cluster.orgId, clusterId: cluster.clusterId };
      expect(await inventoryJobs(cluster)).toEqual({ [JOB_NAMES.evaluateProjections]: [payload], [JOB_NAMES.recomputeReadiness]: [payload] });
      expect((await marks(cluster)).workloads).toHaveLength(50);
    });

    it("stores the namespace's creation time from the agent and returns it as createdAt", async () => {
      const cluster = await newCluster();
      await accepted(cluster, INGEST_PATHS.inventoryDelta, deltaBody({
        upserts: { namespaces: [namespaceBody('shop', { createdAt: '2021-02-03T04:05:06.789Z' })], workloads: [], pods: [] },
      }));
      const response = await request(sut.http).get(`/api/v1/namespaces?clusterId=${cluster.clusterId}`).set(cluster.owner.headers).expect(200);
      expect(response.body.items.map((ns: { name: string; createdAt: string }) => [ns.name, ns.createdAt])).toEqual([['shop', '2021-02-03T04:05:06.789Z']]);
    });

    it('keeps a recreated workload under its identity with the new uid', async () => {
      const cluster = await newCluster();
      const shop = inventoryOf('shop');
      await accepted(cluster, INGEST_PATHS.inventoryResync, resyncChunkBody({
        namespaces: [shop.namespace],
        workloads: [shop.workload],
        pods: [],
        projections: { [shop.projection.hash]: shop.projection.content },
      }));
      const before = await db().workload.findFirstOrThrow({ where: { clusterId: cluster.clusterId } });
      const recreated = { ...shop.workload, uid: randomUUID() };
      await accepted(cluster, INGEST_PATHS.inventoryDelta, deltaBody({ upserts: { workloads: [recreated] }, knownProjectionHashes: [shop.projection.hash] }));
      const after = await db().workload.findFirstOrThrow({ where: { clusterId: cluster.clusterId } });
      expect(after.id).toBe(before.id);
      expect(after.uid).toBe(recreated.uid);
    });

    it('answers 409 unknown_projections for hashes declared known but not stored, writing nothing', async () => {
      const cluster = await newCluster();
      const stored = projection('stored:1');
      const missing = projection('missing:1');
      await accepted(cluster, INGEST_PATHS.inventoryResync, resyncChunkBody({
        namespaces: [namespaceBody('shop')],
        workloads: [workloadBody('shop', 'a', stored.hash)],
        pods: [],
        projections: { [stored.hash]: stored.content },
      }));
      const before = await state(cluster.orgId);

      const response = await post(cluster, INGEST_PATHS.inventoryDelta, deltaBody({
        upserts: { workloads: [workloadBody('shop', 'b', stored.hash), workloadBody('shop', 'c', missing.hash)] },
        knownProjectionHashes: [stored.hash, missing.hash],
      })).expect(409);

      expect(response.body).toEqual({
        code: 'unknown_projections',
        message: expect.stringContaining('resend the batch carrying them'),
        details: { missingProjectionHashes: [missing.hash] },
      });
      expect(await state(cluster.orgId)).toEqual(before);
    });

    it('refuses a projection that does not hash to its key', async () => {
      const cluster = await newCluster();
      const real = projection('web:1');
      const forged = projection('web:2');
      const response = await post(cluster, INGEST_PATHS.inventoryResync, resyncChunkBody({
        namespaces: [],
        workloads: [workloadBody('shop', 'web', real.hash)],
        pods: [],
        projections: { [real.hash]: forged.content },
      })).expect(400);
      expect(response.body.details.issues).toEqual([
        { path: `body.projections.${real.hash}`, message: `does not hash to its key: its sha256 is ${forged.hash}` },
      ]);
    });

    it('writes nothing of a batch that fails half-way', async () => {
      const cluster = await newCluster();
      const shop = inventoryOf('shop');
      await accepted(cluster, INGEST_PATHS.inventoryResync, resyncChunkBody({
        namespaces: [shop.namespace],
        workloads: [shop.workload],
        pods: [],
        projections: { [shop.projection.hash]: shop.projection.content },
      }));
      const before = await state(cluster.orgId);
      const fresh = projection('fresh:1');

      // Projections and namespaces are written before workloads; the workload reuses a stored uid under another
      // name, which only the database can tell.
      const response = await post(cluster, INGEST_PATHS.inventoryDelta, deltaBody({
        upserts: {
          namespaces: [namespaceBody('fresh')],
          workloads: [workloadBody('fresh', 'renamed', fresh.hash, { uid: shop.workload.uid })],
        },
        projections: { [fresh.hash]: fresh.content },
      })).expect(409);

      expect(response.body.code).toBe('conflict');
      expect(await state(cluster.orgId)).toEqual(before);
      expect(await db().securityProjection.count({ where: { contentHash: fresh.hash } })).toBe(0);
    });
  });

  describe('heartbeat', () => {
    it('records the versions and counts the agent reports and marks the cluster seen', async () => {
      const cluster = await newCluster();
      const answer = await accepted(cluster, INGEST_PATHS.heartbeat, heartbeatBody({ kubernetesVersion: 'v1.30.4-eks-a737599' }));
      expect(answer).toEqual({ batchId: expect.any(String), accepted: zero, duplicates: zero, deleted: zero });
      const row = await db().cluster.findUniqueOrThrow({ where: { orgId_id: { orgId: cluster.orgId, id: cluster.clusterId } } });
      expect(row).toMatchObject({
        agentVersion: '0.3.1',
        kubernetesVersion: 'v1.30.4-eks-a737599',
        agentCounts: { namespaces: 12, workloads: 40, pods: 97 },
      });
      expect(Date.now() - row.lastSeenAt!.getTime()).toBeLessThan(60_000);
      expect(await db().outboxJob.count({ where: { orgId: cluster.orgId } })).toBe(0);
    });

    it("marks the whole cluster for the worker when its Kubernetes minor changes, since that is what latest means", async () => {
      const cluster = await newCluster();
      const shop = inventoryOf('shop');
      await accepted(cluster, INGEST_PATHS.inventoryResync, resyncChunkBody({
        namespaces: [shop.namespace],
        workloads: [shop.workload],
        pods: shop.pods,
        projections: { [shop.projection.hash]: shop.projection.content },
      }));
      const everything = { namespaces: ['shop'], workloads: [shop.workload.name] };
      const jobs = { version: JOB_PAYLOAD_VERSION, orgId: cluster.orgId, clusterId: cluster.clusterId };
      const refreshed = async () => {
        await eventually(() => db().outboxJob.count({ where: { orgId: cluster.orgId } }), (count) => count === 0);
        await db().inventoryMark.deleteMany({ where: { clusterId: cluster.clusterId } });
        for (const job of await queue.getJobs(['waiting', 'prioritized', 'delayed'])) {
          if ((job.data as { clusterId?: string }).clusterId === cluster.clusterId) await job.remove();
        }
      };

      await refreshed();
      await accepted(cluster, INGEST_PATHS.heartbeat, heartbeatBody({ kubernetesVersion: 'v1.30.4' }));
      expect(await marks(cluster)).toEqual(everything);
      expect(await inventoryJobs(cluster)).toEqual({ [JOB_NAMES.evaluateProjections]: [jobs], [JOB_NAMES.recomputeReadiness]: [jobs] });

      // A patch release evaluates the same: nothing to refresh.
      await refreshed();
      await accepted(cluster, INGEST_PATHS.heartbeat, heartbeatBody({ kubernetesVersion: 'v1.30.9' }));
      expect(await marks(cluster)).toEqual({ namespaces: [], workloads: [] });
      expect(await inventoryJobs(cluster)).toEqual({});

      await accepted(cluster, INGEST_PATHS.heartbeat, heartbeatBody({ kubernetesVersion: 'v1.31.0' }));
      expect(await marks(cluster)).toEqual(everything);
    });
  });

  describe('request bodies', () => {
    it('accepts a gzip body', async () => {
      const cluster = await newCluster();
      const response = await request(sut.http)
        .post(INGEST_PATHS.auditEvents)
        .set(cluster.agentHeaders)
        .set('Idempotency-Key', randomUUID())
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .serialize(raw)
        .send(gzipSync(JSON.stringify(auditBatchBody(5))))
        .expect(202);
      expect(response.body.accepted.auditEvents).toBe(5);
    });

    it('answers 413 with the limit for a body over it, also when it only inflates past it', async () => {
      const cluster = await newCluster();
      const huge = JSON.stringify({ events: [auditEventBody({ user: { username: 'x'.repeat(MAX_BYTES), groups: [] } })] });
      const plain = await post(cluster, INGEST_PATHS.auditEvents, JSON.parse(huge)).expect(413);
      expect(plain.body).toEqual({
        code: 'payload_too_large',
        message: expect.stringContaining(`limit of ${MAX_BYTES} bytes`),
        details: { limitBytes: MAX_BYTES },
      });

      const bomb = gzipSync(JSON.stringify({ events: [auditEventBody({ user: { username: 'x'.repeat(50 * MAX_BYTES), groups: [] } })] }));
      expect(bomb.length).toBeLessThan(MAX_BYTES / 10);
      const inflated = await request(sut.http)
        .post(INGEST_PATHS.auditEvents)
        .set(cluster.agentHeaders)
        .set('Idempotency-Key', randomUUID())
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .serialize(raw)
        .send(bomb)
        .expect(413);
      expect(inflated.body.code).toBe('payload_too_large');
    });

    it('answers 400 to a broken gzip stream and to malformed JSON', async () => {
      const cluster = await newCluster();
      const send = (body: Buffer | string, encoding?: string) => {
        const call = request(sut.http).post(INGEST_PATHS.auditEvents).set(cluster.agentHeaders).set('Idempotency-Key', randomUUID()).set('Content-Type', 'application/json');
        return (encoding ? call.set('Content-Encoding', encoding) : call).serialize(raw).send(body);
      };
      const truncated = gzipSync(JSON.stringify(auditBatchBody(3))).subarray(0, 60);
      expect((await send(truncated, 'gzip')).status).toBe(400);
      expect((await send(Buffer.from('definitely not gzip'), 'gzip')).status).toBe(400);
      const malformed = await send('{"events": [');
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('bad_request');
    });

    it('answers 415 to a body that is not JSON or an encoding it cannot read', async () => {
      const cluster = await newCluster();
      const call = () => request(sut.http).post(INGEST_PATHS.heartbeat).set(cluster.agentHeaders).set('Idempotency-Key', randomUUID());
      const text = await call().set('Content-Type', 'text/plain').send(JSON.stringify(heartbeatBody())).expect(415);
      expect(text.body).toEqual({ code: 'unsupported_media_type', message: expect.stringContaining('Content-Type: application/json'), details: {} });
      await call().expect(415);
      await call().set('Content-Type', 'application/x-www-form-urlencoded').send('a=1').expect(415);
      await call().set('Content-Type', 'application/json').set('Content-Encoding', 'compress').send('{}').expect(415);
    });
  });

  describe('access', () => {
    it('answers 401 without an agent token, and to a user session, an API token or a revoked agent token', async () => {
      const tenant = await createTenant(sut.database.url);
      const cluster = await createCluster(sut.database.url, tenant.orgId);
      const body = heartbeatBody();
      const send = (headers: Record<string, string>) =>
        request(sut.http).post(INGEST_PATHS.heartbeat).set(headers).set('Idempotency-Key', randomUUID()).send(body);

      expect((await send({})).status).toBe(401);
      expect((await send({ Cookie: tenant.owner.cookie, 'X-Ratchet-Org': tenant.orgId })).status).toBe(401);
      const apiToken = issueToken(TOKEN_PREFIX.apiToken);
      await db().apiToken.create({
        data: { orgId: tenant.orgId, name: 'ci', tokenHash: apiToken.hash, tokenPrefix: apiToken.displayPrefix, role: 'owner', createdByUserId: tenant.owner.userId },
      });
      const withApiToken = await send({ Authorization: `Bearer ${apiToken.token}` });
      expect(withApiToken.status).toBe(401);
      expect(withApiToken.body.message).toContain("agent token");

      await db().agentToken.updateMany({ where: { clusterId: cluster.clusterId }, data: { revokedAt: new Date() } });
      expect((await send(cluster.agentHeaders)).status).toBe(401);
      expect(await db().ingestBatch.count({ where: { orgId: tenant.orgId } })).toBe(0);
    });

    it("writes only to the token's cluster: the body cannot name another, and another tenant sees nothing", async () => {
      const a = await newCluster();
      const b = await newCluster();
      const shop = inventoryOf('isolated');
      const chunk = resyncChunkBody({
        namespaces: [shop.namespace],
        workloads: [shop.workload],
        pods: shop.pods,
        projections: { [shop.projection.hash]: shop.projection.content },
      });
      await post(a, INGEST_PATHS.inventoryResync, { ...chunk, clusterId: b.clusterId }).expect(400);
      await accepted(a, INGEST_PATHS.inventoryResync, chunk);
      await accepted(a, INGEST_PATHS.auditEvents, auditBatchBody(2, { namespace: 'isolated', objectRef: { resource: 'pods', namespace: 'isolated' } }));

      for (const model of ['namespace', 'workload', 'pod', 'auditEvent', 'ingestBatch'] as const) {
        const rows = (await (db()[model] as unknown as { findMany(args: object): Promise<{ orgId: string; clusterId: string }[]> }).findMany({
          where: { OR: [{ orgId: a.orgId }, { orgId: b.orgId }] },
        }));
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.every((row) => row.orgId === a.orgId && row.clusterId === a.clusterId)).toBe(true);
      }
      expect(await db().securityProjection.count({ where: { orgId: b.orgId } })).toBe(0);
      const bCluster = await db().cluster.findUniqueOrThrow({ where: { orgId_id: { orgId: b.orgId, id: b.clusterId } } });
      expect(bCluster.lastSeenAt).toBeNull();
    });

    it('keeps projections per organization: another tenant cannot claim to know them', async () => {
      const a = await newCluster();
      const b = await newCluster();
      const shop = inventoryOf('shop', 'private:1');
      await accepted(a, INGEST_PATHS.inventoryResync, resyncChunkBody({
        namespaces: [shop.namespace],
        workloads: [shop.workload],
        pods: [],
        projections: { [shop.projection.hash]: shop.projection.content },
      }));
      const response = await post(b, INGEST_PATHS.inventoryDelta, deltaBody({
        upserts: { workloads: [shop.workload] },
        knownProjectionHashes: [shop.projection.hash],
      })).expect(409);
      expect(response.body.details.missingProjectionHashes).toEqual([shop.projection.hash]);
    });
  });
});
