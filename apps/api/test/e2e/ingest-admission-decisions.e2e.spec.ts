// Pod Security decisions without violations (exempt requests, evaluated pods) as the agent aggregates them: carried
// by the audit event batch (`admissionDecisions`), stored per hour and key once per batch, refused field by field
// when malformed, and their namespaces queued for readiness, whose contradictions the cluster answer shows.
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClusterSummary, INGEST_PATHS, IngestAccepted, JOB_NAMES, type AdmissionDecision } from '@ratchet/contracts';
import type { Queue } from 'bullmq';
import request from 'supertest';

import { createTenantCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { ownerClient } from '../factories/db.factory.js';
import { auditEventBody } from '../factories/ingest-body.factory.js';
import { createNamespace } from '../factories/inventory.factory.js';
import { eventually } from '../support/eventually.util.js';
import { startQueuedTestApp } from '../support/queued-test-app.js';
import type { QueuedTestApp } from '../support/queued-test-app.js';
import type { TestApp } from '../support/test-app.js';

const HOUR = 3_600_000;

function decision(overrides: Partial<AdmissionDecision> = {}): AdmissionDecision {
  const lastSeen = new Date(Date.now() - HOUR).toISOString();
  return { namespace: 'payments', resource: 'pods', exempt: 'namespace', username: 'kubernetes-admin', count: 3, firstSeen: lastSeen, lastSeen, ...overrides };
}

describe('ingest: Pod Security admission decisions', () => {
  let stack: QueuedTestApp;
  let sut: TestApp;
  let queue: Queue;

  beforeAll(async () => {
    stack = await startQueuedTestApp();
    ({ sut, queue } = stack);
  });
  afterAll(() => stack.close());

  const db = () => ownerClient(sut.database.url);

  const newCluster = () => createTenantCluster(sut.database.url);

  const post = (cluster: TestCluster, body: unknown, key: string = randomUUID()) =>
    request(sut.http).post(INGEST_PATHS.auditEvents).set(cluster.agentHeaders).set('Idempotency-Key', key).send(body as object);

  const stored = (cluster: TestCluster) =>
    db().admissionDecision.findMany({ where: { clusterId: cluster.clusterId }, orderBy: [{ exempt: 'asc' }, { enforcePolicy: 'asc' }, { username: 'asc' }] });

  it('stores decisions per hour and key, sums a batch once (a retry replays), and queues readiness for their namespaces', async () => {
    const cluster = await newCluster();
    await createNamespace(sut.database.url, { orgId: cluster.tenant.orgId, clusterId: cluster.clusterId }, { name: 'payments' });
    await db().inventoryMark.deleteMany({ where: { orgId: cluster.tenant.orgId } });
    const seenAt = new Date(Math.floor((Date.now() - 2 * HOUR) / HOUR) * HOUR + 60_000);
    const at = (minutes: number) => new Date(seenAt.getTime() + minutes * 60_000).toISOString();
    const body = {
      events: [],
      admissionDecisions: [
        decision({ firstSeen: at(0), lastSeen: at(5) }),
        // Same key and hour: summed into one row.
        decision({ count: 2, firstSeen: at(1), lastSeen: at(10) }),
        decision({ exempt: undefined, enforcePolicy: 'baseline:latest', count: 40, username: 'system:serviceaccount:kube-system:replicaset-controller', firstSeen: at(0), lastSeen: at(20) }),
        decision({ exempt: 'user', username: 'ci-bot', dryRun: true, keyPrefix: 'pod-security-webhook.kubernetes.io', count: 1, firstSeen: at(2), lastSeen: at(2) }),
      ],
    };
    const key = randomUUID();
    const first = await post(cluster, body, key).expect(202);
    expect(IngestAccepted.parse(first.body)).toMatchObject({ accepted: { auditEvents: 0 }, admissionDecisions: 4 });
    // The retry of the same batch answers the same and adds nothing.
    const retry = await post(cluster, body, key).expect(202);
    expect(retry.body).toEqual(first.body);

    const rows = await stored(cluster);
    expect(
      rows.map((r) => ({
        exempt: r.exempt,
        enforcePolicy: r.enforcePolicy,
        username: r.username,
        dryRun: r.dryRun,
        keyPrefix: r.keyPrefix,
        count: r.count,
        bucketStart: r.bucketStart.toISOString(),
        firstSeenAt: r.firstSeenAt.toISOString(),
        lastSeenAt: r.lastSeenAt.toISOString(),
      })),
    ).toEqual([
      {
        exempt: '',
        enforcePolicy: 'baseline:latest',
        username: 'system:serviceaccount:kube-system:replicaset-controller',
        dryRun: false,
        keyPrefix: 'pod-security.kubernetes.io',
        count: 40,
        bucketStart: new Date(Math.floor(seenAt.getTime() / HOUR) * HOUR).toISOString(),
        firstSeenAt: at(0),
        lastSeenAt: at(20),
      },
      {
        exempt: 'namespace',
        enforcePolicy: '',
        username: 'kubernetes-admin',
        dryRun: false,
        keyPrefix: 'pod-security.kubernetes.io',
        count: 5,
        bucketStart: new Date(Math.floor(seenAt.getTime() / HOUR) * HOUR).toISOString(),
        firstSeenAt: at(0),
        lastSeenAt: at(10),
      },
      { exempt: 'user', enforcePolicy: '', username: 'ci-bot', dryRun: true, keyPrefix: 'pod-security-webhook.kubernetes.io', count: 1, bucketStart: expect.any(String), firstSeenAt: at(2), lastSeenAt: at(2) },
    ]);

    // A later batch adds to the same hour's row.
    await post(cluster, { events: [], admissionDecisions: [decision({ count: 7, firstSeen: at(30), lastSeen: at(31) })] }).expect(202);
    expect((await stored(cluster)).find((r) => r.exempt === 'namespace')).toMatchObject({ count: 12, lastSeenAt: new Date(at(31)) });

    // Readiness is queued for the namespace: its contradictions may have changed.
    expect(await db().inventoryMark.count({ where: { orgId: cluster.tenant.orgId, subject: 'namespace' } })).toBe(1);
    await eventually(() => db().outboxJob.count({ where: { orgId: cluster.tenant.orgId } }), (count) => count === 0);
    const jobs = (await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active'])).filter(
      (job) => job.name === JOB_NAMES.recomputeReadiness && (job.data as { clusterId: string }).clusterId === cluster.clusterId,
    );
    expect(jobs).toHaveLength(1);
  });

  it('stores events and decisions of one batch together', async () => {
    const cluster = await newCluster();
    const answer = IngestAccepted.parse((await post(cluster, { events: [auditEventBody()], admissionDecisions: [decision()] }).expect(202)).body);
    expect(answer).toMatchObject({ accepted: { auditEvents: 1 }, admissionDecisions: 1 });
    expect(await stored(cluster)).toHaveLength(1);
    // Without admissionDecisions the answer says nothing of them (older agents).
    expect(IngestAccepted.parse((await post(cluster, { events: [auditEventBody()] }).expect(202)).body).admissionDecisions).toBeUndefined();
  });

  it.each([
    [{ events: [] }, 'body.events'],
    [{ events: [], admissionDecisions: [] }, 'body.events'],
    [{ events: [], admissionDecisions: [decision({ enforcePolicy: 'baseline:latest' })] }, 'body.admissionDecisions[0].exempt'],
    [{ events: [], admissionDecisions: [decision({ exempt: undefined })] }, 'body.admissionDecisions[0].exempt'],
    [{ events: [], admissionDecisions: [decision({ count: 0 })] }, 'body.admissionDecisions[0].count'],
    [{ events: [], admissionDecisions: [decision({ firstSeen: '2026-11-30T10:00:00Z', lastSeen: '2026-11-30T09:00:00Z' })] }, 'body.admissionDecisions[0].lastSeen'],
    [{ events: [], admissionDecisions: [decision({ lastSeen: new Date(Date.now() + 3 * 24 * HOUR).toISOString() })] }, 'body.admissionDecisions[0].lastSeen'],
    [{ events: [], admissionDecisions: [decision({ namespace: 'Bad_NS' })] }, 'body.admissionDecisions[0].namespace'],
    [{ events: [], admissionDecisions: Array.from({ length: 501 }, () => decision()) }, 'body.admissionDecisions'],
  ])('refuses malformed batch %# with a 400 naming the field, storing nothing', async (body, field) => {
    const cluster = await newCluster();
    const response = await post(cluster, body).expect(400);
    expect(response.body.code).toBe('validation_failed');
    const paths = (response.body.details.issues as { path: string }[]).map((issue) => issue.path);
    expect(paths.some((path) => path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`))).toBe(true);
    expect(await stored(cluster)).toEqual([]);
  });

  it("shows an unexpected exemption the worker stored in the cluster's psaContradictions", async () => {
    const cluster = await newCluster();
    const ns = await createNamespace(sut.database.url, { orgId: cluster.tenant.orgId, clusterId: cluster.clusterId }, { name: 'payments' });
    const contradiction = {
      namespace: 'payments',
      kind: 'unexpected-exemption',
      expected: 'evaluated: exemptions.namespaces does not list payments',
      observed: 'exempt: namespace',
      events: 5,
      lastSeenAt: new Date(Date.now() - HOUR).toISOString(),
    };
    await db().namespaceReadiness.create({
      data: { orgId: cluster.tenant.orgId, clusterId: cluster.clusterId, namespaceId: ns.id, level: 'baseline', version: 'latest', status: 'ready', windowDays: 7, psaContradictions: [contradiction] },
    });
    const body = ClusterSummary.parse((await request(sut.http).get(`/api/v1/clusters/${cluster.clusterId}`).set(cluster.tenant.owner.headers).expect(200)).body);
    expect(body.psaContradictions).toEqual([contradiction]);
  });
});
