import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INGEST_PATHS } from '@ratchet/contracts';
import fc from 'fast-check';
import request from 'supertest';

import { createCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients } from '../factories/db.factory.js';
import { auditEventBody, deltaBody, heartbeatBody, inventoryOf, projection, resyncChunkBody, workloadBody } from '../factories/ingest-body.factory.js';
import { createTenant } from '../factories/tenant.factory.js';
import { eventually } from '../support/eventually.util.js';
import { ingestState } from '../support/ingest-state.util.js';
import { malformedRequest } from '../support/malformed-request.util.js';
import type { MalformedRequest, ValidRequest } from '../support/malformed-request.util.js';
import { startRedisServer } from '../support/redis-server.js';
import type { TestRedisServer } from '../support/redis-server.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const RUNS = 3000;

describe('ingest fuzzing', () => {
  let sut: TestApp;
  let redis: TestRedisServer;
  let cluster: TestCluster;

  beforeAll(async () => {
    redis = await startRedisServer();
    sut = await startTestApp({ REDIS_URL: redis.url, RATCHET_INGEST_RATE_PER_MINUTE: '1000000' });
    await new Promise<void>((resolve) => sut.http.listen(0, '127.0.0.1', resolve));
    const tenant = await createTenant(sut.database.url);
    cluster = await createCluster(sut.database.url, tenant.orgId);
  });
  afterAll(async () => {
    await disconnectOwnerClients();
    await sut.close();
    await redis.stop();
  });

  function send(malformed: MalformedRequest) {
    const call = request(sut.http).post(malformed.path).set(cluster.agentHeaders).set(malformed.headers);
    if (!malformed.raw) return call.send(malformed.body as object);
    // As given: supertest would JSON-encode a Buffer sent as application/json.
    return call.serialize((body: unknown) => body as string).send(malformed.body as string);
  }

  it('answers thousands of malformed bodies with a 4xx, never a 5xx, and writes nothing', async () => {
    const shop = inventoryOf('shop');
    const event = auditEventBody();
    // Inventory batches carry when the agent observed them, so the mutations reach that field too.
    const observedAt = new Date(Date.now() - 60_000).toISOString();
    const valid: ValidRequest[] = [
      { path: INGEST_PATHS.auditEvents, body: { events: [event, auditEventBody({ namespace: 'billing', objectRef: { resource: 'pods' } })] } },
      {
        path: INGEST_PATHS.inventoryResync,
        body: { ...resyncChunkBody({ namespaces: [shop.namespace], workloads: [shop.workload], pods: shop.pods, observedAt }) },
      },
      {
        path: INGEST_PATHS.inventoryDelta,
        body: {
          ...deltaBody({
            upserts: { namespaces: [shop.namespace], workloads: [shop.workload], pods: shop.pods },
            deletes: { pods: [randomUUID()] },
            projections: { [shop.projection.hash]: shop.projection.content },
            observedAt,
          }),
        },
      },
      { path: INGEST_PATHS.heartbeat, body: { ...heartbeatBody() } },
    ];
    // The bodies the mutations start from are accepted as they are.
    for (const { path, body } of valid) {
      await request(sut.http).post(path).set(cluster.agentHeaders).set('Idempotency-Key', randomUUID()).send(body).expect(202);
    }

    const unstored = projection('never-stored:1');
    const otherContent = projection('other:1').content;
    const agent = (path: string, mutation: string, body: unknown): MalformedRequest => ({
      path,
      mutation,
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
      body,
      raw: false,
    });
    // Bodies the contract accepts that break a rule only the API checks.
    const semantic = fc.oneof(
      fc.constant(
        agent(INGEST_PATHS.auditEvents, 'violations at another level', { events: [{ ...event, violations: { ...event.violations, level: 'baseline' } }] }),
      ),
      fc.string({ maxLength: 30 }).map((detail) =>
        agent(INGEST_PATHS.auditEvents, 'violations with another detail', {
          events: [{ ...event, violations: { ...event.violations, checks: [{ ...event.violations.checks[0]!, detail: `${detail}!` }, event.violations.checks[1]!] } }],
        }),
      ),
      fc.oneof(fc.integer({ min: 2, max: 100 }), fc.integer({ min: -3000, max: -367 })).map((days) =>
        agent(INGEST_PATHS.auditEvents, `event time ${days} days off`, {
          events: [{ ...event, time: new Date(Date.now() + days * 24 * 3600_000).toISOString() }],
        }),
      ),
      // Past the API's bounds on observedAt: more than 5 minutes ahead of its clock, or older than the batch retention.
      fc.tuple(
        fc.constantFrom(INGEST_PATHS.inventoryResync, INGEST_PATHS.inventoryDelta),
        fc.oneof(fc.integer({ min: 6, max: 500_000 }), fc.integer({ min: -5_000_000, max: -15 * 1440 })),
      ).map(([path, minutes]) => {
        const at = new Date(Date.now() + minutes * 60_000).toISOString();
        return agent(path, `observedAt ${minutes} minutes off`, path === INGEST_PATHS.inventoryResync
          ? resyncChunkBody({ namespaces: [shop.namespace], workloads: [], pods: [], projections: {}, observedAt: at })
          : deltaBody({ upserts: { namespaces: [shop.namespace] }, observedAt: at }));
      }),
      fc.constantFrom(INGEST_PATHS.inventoryResync, INGEST_PATHS.inventoryDelta).map((path) =>
        agent(path, 'projection under another hash', path === INGEST_PATHS.inventoryResync
          ? resyncChunkBody({ namespaces: [], workloads: [shop.workload], pods: [], projections: { [shop.projection.hash]: otherContent } })
          : deltaBody({ upserts: { workloads: [shop.workload] }, projections: { [shop.projection.hash]: otherContent } })),
      ),
      fc.constant(
        agent(INGEST_PATHS.inventoryDelta, 'known projection never stored', deltaBody({
          upserts: { workloads: [workloadBody('shop', 'other', unstored.hash)] },
          knownProjectionHashes: [unstored.hash],
        })),
      ),
    );

    // Their jobs' outbox rows are deleted shortly after; then nothing may change any more.
    await eventually(() => ingestState(sut.database.url), (state) => state.outboxJobs === 0);
    const before = await ingestState(sut.database.url);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(malformedRequest(valid, semantic), async (malformed) => {
        const response = await send(malformed);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status < 400 || response.status >= 500) {
          throw new Error(`${malformed.mutation} on ${malformed.path} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
        }
      }),
      { numRuns: RUNS },
    );

    expect([...statuses.keys()].every((status) => status >= 400 && status < 500)).toBe(true);
    expect([...statuses.values()].reduce((sum, count) => sum + count, 0)).toBe(RUNS);
    expect(await ingestState(sut.database.url)).toEqual(before);
  }, 600_000);
});
