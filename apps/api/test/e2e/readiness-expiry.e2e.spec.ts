// A namespace blocked only by audit-mode violations is read as not blocked once the newest of them has left the
// readiness window, even before the worker's readiness-expiry schedule recomputed the stored row; contradictions
// whose newest event has left the window are not shown either. "Now" is the API's clock, fixed here and moved by
// the tests. Real API, real Postgres.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ClusterSummary, NamespaceSummary, NamespacesPage } from '@ratchet/contracts';
import request from 'supertest';

import { createCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { createNamespace } from '../factories/inventory.factory.js';
import { createTenant } from '../factories/tenant.factory.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The API's clock at the start of each test: a whole second, so times compare exactly at the database's precision. */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (ms: number) => new Date(NOW.getTime() + ms);

describe('readiness read after audit violations left the window', () => {
  let sut: TestApp;
  let clock = NOW;
  beforeAll(async () => {
    sut = await startTestApp({}, { now: () => clock });
  });
  beforeEach(() => {
    clock = NOW;
  });
  afterAll(async () => {
    await disconnectOwnerClients();
    await sut.close();
  });
  const db = () => ownerClient(sut.database.url);

  it('reads an expired audit-only block as ready, keeps blocks by workloads or by violations still in the window, and filters by what it reads', async () => {
    const tenant = await createTenant(sut.database.url);
    const cluster = await createCluster(sut.database.url, tenant.orgId);
    const scope = { orgId: tenant.orgId, clusterId: cluster.clusterId };
    const observedSince = at(-30 * DAY);
    const seed = async (name: string, status: 'ready' | 'blocked', extra: object) => {
      const ns = await createNamespace(sut.database.url, scope, { name });
      for (const level of ['baseline', 'restricted'] as const) {
        await db().namespaceReadiness.create({
          data: { ...scope, namespaceId: ns.id, level, version: 'latest', status, windowDays: 7, observedSince, auditSource: 'webhook', auditViolationCount: 2, ...extra },
        });
      }
      return ns.id;
    };
    const expiredAt = at(-HOUR);
    const stillAt = at(HOUR);
    const expired = await seed('expired', 'blocked', { auditBlockedUntil: expiredAt, recomputeDueAt: expiredAt });
    const current = await seed('current', 'blocked', { auditBlockedUntil: stillAt, recomputeDueAt: expiredAt });
    const atRisk = await seed('at-risk-expired', 'blocked', { atRisk: true, auditBlockedUntil: expiredAt, recomputeDueAt: expiredAt });
    const byWorkload = await seed('by-workload', 'blocked', { blockingWorkloadCount: 1, auditBlockedUntil: expiredAt, recomputeDueAt: expiredAt });
    const readiness = async (id: string) => NamespaceSummary.parse((await request(sut.http).get(`/api/v1/namespaces/${id}`).set(tenant.owner.headers).expect(200)).body).readiness.baseline;

    expect(await readiness(expired)).toMatchObject({ status: 'ready', provisional: false, auditBlockedUntil: null });
    expect(await readiness(atRisk)).toMatchObject({ status: 'ready', auditBlockedUntil: null });
    expect(await readiness(current)).toMatchObject({ status: 'blocked', auditBlockedUntil: stillAt.toISOString() });
    // A blocking workload keeps it blocked whatever the audit violations do; the expired audit time is not shown.
    expect(await readiness(byWorkload)).toMatchObject({ status: 'blocked', blockingWorkloads: 1, auditBlockedUntil: null });

    const list = async (state: string) =>
      NamespacesPage.parse((await request(sut.http).get(`/api/v1/namespaces?level=baseline&readiness=${state}&limit=100`).set(tenant.owner.headers).expect(200)).body).items.map(
        (n) => n.name,
      );
    expect((await list('blocked')).sort()).toEqual(['by-workload', 'current']);
    expect((await list('ready')).sort()).toEqual(['at-risk-expired', 'expired']);
    expect(await list('at-risk')).toEqual([]);

    // Two hours later by the API's clock, `current`'s audit block has left the window too; the workload still blocks.
    clock = at(2 * HOUR);
    expect(await readiness(current)).toMatchObject({ status: 'ready', provisional: false, auditBlockedUntil: null });
    expect((await list('blocked')).sort()).toEqual(['by-workload']);
    expect((await list('ready')).sort()).toEqual(['at-risk-expired', 'current', 'expired']);
    // Two hours earlier, `expired` was still blocked until its time.
    clock = at(-2 * HOUR);
    expect(await readiness(expired)).toMatchObject({ status: 'blocked', auditBlockedUntil: expiredAt.toISOString() });
    expect((await list('blocked')).sort()).toEqual(['by-workload', 'current', 'expired']);
  });

  it("reads a ready level as provisional until it has been observed for the window, by the API's clock", async () => {
    const tenant = await createTenant(sut.database.url);
    const cluster = await createCluster(sut.database.url, tenant.orgId);
    const scope = { orgId: tenant.orgId, clusterId: cluster.clusterId };
    const ns = await createNamespace(sut.database.url, scope, { name: 'young' });
    // Stored as not provisional: the read decides from observedSince and the window, not from this flag.
    await db().namespaceReadiness.create({
      data: { ...scope, namespaceId: ns.id, level: 'baseline', version: 'latest', status: 'ready', windowDays: 7, observedSince: at(-6 * DAY), auditSource: 'webhook', provisional: false },
    });
    const baseline = async () => NamespaceSummary.parse((await request(sut.http).get(`/api/v1/namespaces/${ns.id}`).set(tenant.owner.headers).expect(200)).body).readiness.baseline;
    expect(await baseline()).toMatchObject({ status: 'ready', provisional: true });
    clock = at(DAY + HOUR);
    expect(await baseline()).toMatchObject({ status: 'ready', provisional: false });
  });

  it("leaves out contradictions whose newest event has left the cluster's window", async () => {
    const tenant = await createTenant(sut.database.url);
    const cluster = await createCluster(sut.database.url, tenant.orgId);
    const scope = { orgId: tenant.orgId, clusterId: cluster.clusterId };
    const contradiction = (namespace: string, lastSeenAt: Date) => ({
      namespace,
      kind: 'enforce-policy',
      expected: 'privileged:latest',
      observed: 'baseline:latest',
      events: 1,
      lastSeenAt: lastSeenAt.toISOString(),
    });
    const fresh = contradiction('fresh', at(-6 * DAY));
    for (const [name, item] of [['fresh', fresh], ['stale', contradiction('stale', at(-7 * DAY - HOUR))]] as const) {
      const ns = await createNamespace(sut.database.url, scope, { name });
      await db().namespaceReadiness.create({
        data: { ...scope, namespaceId: ns.id, level: 'baseline', version: 'latest', status: 'ready', windowDays: 7, psaContradictions: [item] },
      });
    }
    const contradictions = async () =>
      ClusterSummary.parse((await request(sut.http).get(`/api/v1/clusters/${cluster.clusterId}`).set(tenant.owner.headers).expect(200)).body).psaContradictions;
    expect(await contradictions()).toEqual([fresh]);
    // A day and two hours later by the API's clock, `fresh` has left the window as well.
    clock = at(DAY + 2 * HOUR);
    expect(await contradictions()).toEqual([]);
    // Two hours earlier than NOW, `stale` was still within it.
    clock = at(-2 * HOUR);
    expect((await contradictions()).map((c) => c.namespace)).toEqual(['fresh', 'stale']);
  });
});
