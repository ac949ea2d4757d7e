import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INGEST_PATHS, OBSERVED_AT_BOUNDS } from '@ratchet/contracts';

import { createTenantCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { ownerClient } from '../factories/db.factory.js';
import { deltaBody, inventoryOf, podBody, resyncChunkBody, workloadBody } from '../factories/ingest-body.factory.js';
import { expectAccepted, postIngest } from '../support/agent-ingest.util.js';
import { ingestState } from '../support/ingest-state.util.js';
import { startQueuedTestApp } from '../support/queued-test-app.js';
import type { QueuedTestApp } from '../support/queued-test-app.js';
import type { TestApp } from '../support/test-app.js';

// Inventory batches carry when the agent observed them (`observedAt`): objects and marks are dated by it, bounded
// by the API's clock, which is fixed here.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The API's clock: fixed, a whole second so times compare exactly at the database's millisecond precision. */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const before = (ms: number) => new Date(NOW.getTime() - ms);
const iso = (time: Date) => time.toISOString();

describe('ingest observation times', () => {
  let stack: QueuedTestApp;
  let sut: TestApp;

  beforeAll(async () => {
    stack = await startQueuedTestApp({}, { now: () => NOW });
    ({ sut } = stack);
  });
  afterAll(() => stack.close());

  const db = () => ownerClient(sut.database.url);

  async function newCluster(): Promise<TestCluster & { orgId: string }> {
    const { tenant, ...cluster } = await createTenantCluster(sut.database.url);
    return { ...cluster, orgId: tenant.orgId };
  }

  const post = (cluster: TestCluster, path: string, body: unknown, key?: string) => postIngest(sut.http, cluster, path, body, key);

  const accepted = (cluster: TestCluster, path: string, body: unknown, key?: string) => expectAccepted(sut.http, cluster, path, body, key);

  /** Each object's times by name: [first seen, last seen, deleted at]. */
  async function times(cluster: TestCluster) {
    const where = { clusterId: cluster.clusterId };
    const row = (r: { firstSeenAt: Date; lastSeenAt: Date; deletedAt?: Date | null }) => [iso(r.firstSeenAt), iso(r.lastSeenAt), r.deletedAt ? iso(r.deletedAt) : null];
    const namespaces = await db().namespace.findMany({ where });
    const workloads = await db().workload.findMany({ where });
    const pods = await db().pod.findMany({ where });
    return {
      namespaces: Object.fromEntries(namespaces.map((r) => [r.name, row(r)])),
      workloads: Object.fromEntries(workloads.map((r) => [r.name, row(r)])),
      pods: Object.fromEntries(pods.map((r) => [r.name, row(r)])),
    };
  }

  /** When each mark was made (its observation time), by the marked namespace's or workload's name. */
  async function markTimes(cluster: TestCluster): Promise<Record<string, string>> {
    const marks = await db().inventoryMark.findMany({ where: { clusterId: cluster.clusterId } });
    const named = [...(await db().namespace.findMany({ where: { clusterId: cluster.clusterId } })), ...(await db().workload.findMany({ where: { clusterId: cluster.clusterId } }))];
    const nameOf = new Map(named.map((row) => [row.id, row.name]));
    return Object.fromEntries(marks.map((mark) => [`${mark.subject}:${nameOf.get(mark.subjectId)}`, iso(mark.markedAt)]));
  }

  it('dates objects and marks by the delta that observed them: first seen, last seen never moved back, deleted at', async () => {
    const cluster = await newCluster();
    const shop = inventoryOf('shop');
    const threeHoursAgo = before(3 * HOUR);
    await accepted(cluster, INGEST_PATHS.inventoryDelta, deltaBody({
      upserts: { namespaces: [shop.namespace], workloads: [shop.workload], pods: shop.pods },
      projections: { [shop.projection.hash]: shop.projection.content },
      observedAt: iso(threeHoursAgo),
    }));
    const at3h = [iso(threeHoursAgo), iso(threeHoursAgo), null];
    expect(await times(cluster)).toEqual({ namespaces: { shop: at3h }, workloads: { web: at3h }, pods: { 'web-1': at3h, 'web-2': at3h } });
    expect(await markTimes(cluster)).toEqual({ 'namespace:shop': iso(threeHoursAgo), 'workload:web': iso(threeHoursAgo) });
    // The agent's liveness is the receipt time (the database's clock), not the observation's.
    const cluster0 = await db().cluster.findFirstOrThrow({ where: { id: cluster.clusterId } });
    expect(Math.abs(cluster0.lastSeenAt!.getTime() - Date.now())).toBeLessThan(60_000);

    // A delta the agent spooled and delivers late, observed before: last seen and marks stay, first seen moves back.
    const fiveHoursAgo = before(5 * HOUR);
    await accepted(cluster, INGEST_PATHS.inventoryDelta, deltaBody({
      upserts: { workloads: [shop.workload] },
      knownProjectionHashes: [shop.projection.hash],
      observedAt: iso(fiveHoursAgo),
    }));
    expect((await times(cluster)).workloads).toEqual({ web: [iso(fiveHoursAgo), iso(threeHoursAgo), null] });
    expect(await markTimes(cluster)).toEqual({ 'namespace:shop': iso(threeHoursAgo), 'workload:web': iso(threeHoursAgo) });

    // Deleted an hour ago; an offset other than Z is the same instant.
    const hourAgo = before(HOUR);
    const withOffset = new Date(hourAgo.getTime() + 2 * HOUR).toISOString().replace('Z', '+02:00');
    const answer = await accepted(cluster, INGEST_PATHS.inventoryDelta, deltaBody({ deletes: { workloads: [shop.workload.uid], pods: [shop.pods[0]!.uid] }, observedAt: withOffset }));
    expect(answer.deleted).toMatchObject({ workloads: 1, pods: 1 });
    const after = await times(cluster);
    expect(after.workloads).toEqual({ web: [iso(fiveHoursAgo), iso(threeHoursAgo), iso(hourAgo)] });
    expect(Object.keys(after.pods)).toEqual(['web-2']);
    expect(await markTimes(cluster)).toEqual({ 'namespace:shop': iso(hourAgo), 'workload:web': iso(hourAgo) });

    // Without observedAt: the API's clock when it received the batch.
    const billing = inventoryOf('billing');
    await accepted(cluster, INGEST_PATHS.inventoryDelta, deltaBody({ upserts: { namespaces: [billing.namespace] } }));
    expect((await times(cluster)).namespaces.billing).toEqual([iso(NOW), iso(NOW), null]);
    const batch = await db().ingestBatch.findFirstOrThrow({ where: { clusterId: cluster.clusterId }, orderBy: { receivedAt: 'desc' } });
    expect(batch.observedAt).toEqual(NOW);
  });

  it('sweeps at the sync observation time what the sync did not see, whatever the batches around it observed', async () => {
    const cluster = await newCluster();
    const shop = inventoryOf('shop');
    const api = workloadBody('shop', 'api', shop.projection.hash);
    const apiPod = podBody('shop', 'api-1', api.uid, shop.projection.hash);
    const threeDaysAgo = before(3 * DAY);
    const twoDaysAgo = before(2 * DAY);
    const known = { projections: {}, knownProjectionHashes: [shop.projection.hash] };

    // A resync observed three days ago, in two chunks.
    const first = randomUUID();
    await accepted(cluster, INGEST_PATHS.inventoryResync, resyncChunkBody({
      syncId: first, chunk: 1, totalChunks: 2, namespaces: [shop.namespace], workloads: [shop.workload], pods: shop.pods,
      projections: { [shop.projection.hash]: shop.projection.content }, observedAt: iso(threeDaysAgo),
    }));
    const firstDone = await accepted(cluster, INGEST_PATHS.inventoryResync, resyncChunkBody({
      syncId: first, chunk: 2, totalChunks: 2, namespaces: [], workloads: [api], pods: [apiPod], ...known, observedAt: iso(threeDaysAgo),
    }));
    // Every object was last seen three days ago, long before the receipt time: the sweep deletes none of them.
    expect(firstDone.deleted).toEqual({ namespaces: 0, workloads: 0, pods: 0, projections: 0, auditEvents: 0 });

    // A resync observed two days ago without api; its chunks carry different times (the earliest is the sync's).
    const second = randomUUID();
    await accepted(cluster, INGEST_PATHS.inventoryResync, resyncChunkBody({
      syncId: second, chunk: 2, totalChunks: 2, namespaces: [], workloads: [shop.workload], pods: shop.pods, ...known, observedAt: iso(new Date(twoDaysAgo.getTime() + 60_000)),
    }));
    // A delta observed after the listing started, delivered before the sync ends: what it saw is not swept.
    const late = workloadBody('shop', 'late', shop.projection.hash);
    await accepted(cluster, INGEST_PATHS.inventoryDelta, deltaBody({ upserts: { workloads: [late] }, knownProjectionHashes: [shop.projection.hash], observedAt: iso(before(2 * DAY - HOUR)) }));
    const secondDone = await accepted(cluster, INGEST_PATHS.inventoryResync, resyncChunkBody({
      syncId: second, chunk: 1, totalChunks: 2, namespaces: [shop.namespace], workloads: [], pods: [], projections: {}, observedAt: iso(twoDaysAgo),
    }));
    expect(secondDone.deleted).toMatchObject({ namespaces: 0, workloads: 1, pods: 1 });

    const state = await times(cluster);
    expect(state.workloads).toEqual({
      api: [iso(threeDaysAgo), iso(threeDaysAgo), iso(twoDaysAgo)],
      web: [iso(threeDaysAgo), iso(new Date(twoDaysAgo.getTime() + 60_000)), null],
      late: [iso(before(2 * DAY - HOUR)), iso(before(2 * DAY - HOUR)), null],
    });
    expect(state.namespaces).toEqual({ shop: [iso(threeDaysAgo), iso(twoDaysAgo), null] });
    expect(Object.keys(state.pods).sort()).toEqual(['web-1', 'web-2']);
  });

  describe('bounds against the API clock', () => {
    const aheadMinutes = OBSERVED_AT_BOUNDS.aheadMs / 60_000;
    const cases = [
      { what: `more than ${aheadMinutes} minutes ahead`, at: new Date(NOW.getTime() + OBSERVED_AT_BOUNDS.aheadMs + 1), message: "is more than 5 minutes ahead of the API's clock: check the agent node's time" },
      { what: `more than ${OBSERVED_AT_BOUNDS.maxAgeDays} days old`, at: before(OBSERVED_AT_BOUNDS.maxAgeDays * DAY + 1), message: expect.stringContaining('past the ingest batch retention (14 days)') },
    ];

    for (const { what, at, message } of cases) {
      it(`refuses an observedAt ${what} in a delta and in a resync chunk, naming it, storing nothing`, async () => {
        const cluster = await newCluster();
        const shop = inventoryOf('shop');
        const bodies = {
          [INGEST_PATHS.inventoryDelta]: deltaBody({ upserts: { namespaces: [shop.namespace] }, observedAt: iso(at) }),
          [INGEST_PATHS.inventoryResync]: resyncChunkBody({ observedAt: iso(at) }),
        };
        const state = await ingestState(sut.database.url, cluster.orgId);
        for (const [path, body] of Object.entries(bodies)) {
          const response = await post(cluster, path, body);
          expect({ path, status: response.status, code: response.body.code, issues: response.body.details?.issues }).toEqual({
            path,
            status: 400,
            code: 'validation_failed',
            issues: [{ path: 'body.observedAt', message }],
          });
        }
        expect(await ingestState(sut.database.url, cluster.orgId)).toEqual(state);
      });
    }

    it(`accepts exactly ${aheadMinutes} minutes ahead and exactly ${OBSERVED_AT_BOUNDS.maxAgeDays} days old`, async () => {
      const cluster = await newCluster();
      const ahead = new Date(NOW.getTime() + OBSERVED_AT_BOUNDS.aheadMs);
      const oldest = before(OBSERVED_AT_BOUNDS.maxAgeDays * DAY);
      const shop = inventoryOf('shop');
      const billing = inventoryOf('billing');
      await accepted(cluster, INGEST_PATHS.inventoryDelta, deltaBody({ upserts: { namespaces: [shop.namespace] }, observedAt: iso(oldest) }));
      await accepted(cluster, INGEST_PATHS.inventoryDelta, deltaBody({ upserts: { namespaces: [billing.namespace] }, observedAt: iso(ahead) }));
      expect((await times(cluster)).namespaces).toEqual({ shop: [iso(oldest), iso(oldest), null], billing: [iso(ahead), iso(ahead), null] });
    });

    it('refuses an observedAt without an offset or that is not a time by its contract, naming it', async () => {
      const cluster = await newCluster();
      for (const bad of ['2026-11-30T12:00:00', 'yesterday', 1764504000000, null]) {
        const response = await post(cluster, INGEST_PATHS.inventoryDelta, deltaBody({ upserts: { namespaces: [inventoryOf('shop').namespace] }, observedAt: bad as never }));
        expect({ bad, status: response.status, paths: response.body.details?.issues?.map((issue: { path: string }) => issue.path) }).toEqual({
          bad,
          status: 400,
          paths: ['body.observedAt'],
        });
      }
      expect(await db().namespace.count({ where: { clusterId: cluster.clusterId } })).toBe(0);
    });
  });
});
