import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClusterTrends, ErrorResponse, NamespaceTrends, TRENDS_PATHS } from '@ratchet/contracts';
import type { Namespace } from '@ratchet/db';
import request from 'supertest';

import { createCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients } from '../factories/db.factory.js';
import { createNamespace } from '../factories/inventory.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant, TestUser } from '../factories/tenant.factory.js';
import { createTrendRollup } from '../factories/trend.factory.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** The API's clock, fixed: default ranges end at it and ready estimates count the days up to it. */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const today = Math.floor(NOW.getTime() / DAY) * DAY;
const thisHour = Math.floor(NOW.getTime() / HOUR) * HOUR;
/** The start of the UTC day `n` days before today. */
const day = (n: number) => new Date(today - n * DAY);

describe('trends', () => {
  let sut: TestApp;
  let tenant: TestTenant;
  let viewer: TestUser;
  let cluster: TestCluster;
  let shop: Namespace;
  let web: Namespace;
  let flat: Namespace;
  let clean: Namespace;
  let other: { tenant: TestTenant; cluster: TestCluster; namespace: Namespace };
  /** What the API's clock reads; a test that moves it puts it back. */
  let clock = NOW;

  const get = (path: string, query: Record<string, string> = {}, user: TestUser = viewer) => request(sut.http).get(path).query(query).set(user.headers);

  beforeAll(async () => {
    sut = await startTestApp({}, { now: () => clock });
    const url = sut.database.url;
    tenant = await createTenant(url);
    viewer = await createMember(url, tenant.orgId, 'viewer');
    cluster = await createCluster(url, tenant.orgId, { name: 'prod' });
    const ref = { orgId: tenant.orgId, clusterId: cluster.clusterId };
    shop = await createNamespace(url, ref, { name: 'shop', enforceVersion: 'v1.30' });
    web = await createNamespace(url, ref, { name: 'web' });
    flat = await createNamespace(url, ref, { name: 'flat' });
    clean = await createNamespace(url, ref, { name: 'clean' });
    // shop fixes two workloads a day for baseline (10, 8, 6 on the last three days); web adds one.
    for (const [n, count] of [[2, 10], [1, 8], [0, 6]] as const) {
      await createTrendRollup(url, shop, day(n), {
        version: 'v1.30',
        failingWorkloads: count,
        failingPods: count * 2,
        openFindings: count,
        byCheck: { hostNamespaces: { failingWorkloads: count, failingPods: count * 2, auditViolations: 0 } },
      });
      await createTrendRollup(url, shop, day(n), { level: 'restricted', version: 'v1.30', failingWorkloads: 12, auditViolations: 1 });
      await createTrendRollup(url, web, day(n), {
        failingWorkloads: 1,
        auditViolations: 2,
        byCheck: { hostNamespaces: { failingWorkloads: 1, failingPods: 1, auditViolations: 1 }, unknown: { failingWorkloads: 0, failingPods: 0, auditViolations: 1 } },
      });
      await createTrendRollup(url, flat, day(n), { failingWorkloads: 5 });
      await createTrendRollup(url, clean, day(n), { failingWorkloads: n === 0 ? 0 : 3 });
    }
    await createTrendRollup(url, shop, new Date(thisHour), { granularity: 'hour', version: 'v1.30', failingWorkloads: 6 });
    // Outside the default range of 90 days.
    await createTrendRollup(url, shop, day(120), { version: 'v1.30', failingWorkloads: 40 });
    const otherTenant = await createTenant(url);
    const otherCluster = await createCluster(url, otherTenant.orgId, { name: 'prod' });
    const otherNamespace = await createNamespace(url, { orgId: otherTenant.orgId, clusterId: otherCluster.clusterId }, { name: 'shop' });
    await createTrendRollup(url, otherNamespace, day(0), { failingWorkloads: 99 });
    other = { tenant: otherTenant, cluster: otherCluster, namespace: otherNamespace };
  });

  afterAll(async () => {
    await disconnectOwnerClients();
    await sut.close();
  });

  it("sums a cluster's namespaces per bucket and level, with the figures by check", async () => {
    const response = await get(TRENDS_PATHS.cluster(cluster.clusterId)).expect(200);
    const body = ClusterTrends.parse(response.body);
    expect(body.granularity).toBe('day');
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(90 * DAY);
    const baseline = body.series.find((s) => s.level === 'baseline')!;
    expect(baseline.points.map((p) => [p.bucketStart, p.failingWorkloads, p.auditViolations])).toEqual([
      [day(2).toISOString(), 10 + 1 + 5 + 3, 2],
      [day(1).toISOString(), 8 + 1 + 5 + 3, 2],
      [day(0).toISOString(), 6 + 1 + 5 + 0, 2],
    ]);
    expect(baseline.points[2]!.byCheck).toEqual([
      { checkId: 'hostNamespaces', failingWorkloads: 7, failingPods: 13, auditViolations: 1 },
      { checkId: 'unknown', failingWorkloads: 0, failingPods: 0, auditViolations: 1 },
    ]);
    expect(body.series.find((s) => s.level === 'restricted')!.points.map((p) => p.failingWorkloads)).toEqual([12, 12, 12]);
  });

  it('answers one level and the hourly granularity, and an explicit range', async () => {
    const hourly = ClusterTrends.parse((await get(TRENDS_PATHS.cluster(cluster.clusterId), { granularity: 'hour', level: 'baseline' }).expect(200)).body);
    expect(hourly.series.map((s) => s.level)).toEqual(['baseline']);
    expect(hourly.series[0]!.points.map((p) => [p.bucketStart, p.failingWorkloads])).toEqual([[new Date(thisHour).toISOString(), 6]]);
    const old = ClusterTrends.parse(
      (await get(TRENDS_PATHS.cluster(cluster.clusterId), { from: day(200).toISOString(), to: day(100).toISOString(), level: 'baseline' }).expect(200)).body,
    );
    expect(old.series[0]!.points.map((p) => p.failingWorkloads)).toEqual([40]);
  });

  it("gives a namespace's series and its estimated ready date per level", async () => {
    const body = NamespaceTrends.parse((await get(TRENDS_PATHS.namespace(shop.id)).expect(200)).body);
    expect(body).toMatchObject({ namespaceId: shop.id, clusterId: cluster.clusterId, name: 'shop' });
    const baseline = body.series.find((s) => s.level === 'baseline')!;
    expect(baseline.version).toBe('v1.30');
    expect(baseline.points.map((p) => p.failingWorkloads)).toEqual([10, 8, 6]);
    // Two a day from 6 at the end of today: zero three days after today ends.
    expect(baseline.estimate).toEqual({ status: 'on-track', estimatedReadyAt: new Date(today + 4 * DAY).toISOString(), workloadsPerDay: 2, basedOnDays: 3 });
    expect(body.series.find((s) => s.level === 'restricted')!.estimate).toEqual({ status: 'no-progress', workloadsPerDay: 0, basedOnDays: 3 });
    const estimate = async (namespace: Namespace) =>
      NamespaceTrends.parse((await get(TRENDS_PATHS.namespace(namespace.id), { level: 'baseline' }).expect(200)).body).series[0]!.estimate;
    expect(await estimate(flat)).toEqual({ status: 'no-progress', workloadsPerDay: 0, basedOnDays: 3 });
    expect(await estimate(clean)).toEqual({ status: 'ready', basedOnDays: 3 });
    const fresh = await createNamespace(sut.database.url, { orgId: tenant.orgId, clusterId: cluster.clusterId }, { name: 'fresh' });
    const empty = NamespaceTrends.parse((await get(TRENDS_PATHS.namespace(fresh.id)).expect(200)).body);
    expect(empty.series.map((s) => [s.level, s.points, s.version, s.estimate])).toEqual([
      ['baseline', [], null, { status: 'insufficient-data', basedOnDays: 0 }],
      ['restricted', [], null, { status: 'insufficient-data', basedOnDays: 0 }],
    ]);
  });

  it("ends the default range at the API's clock and estimates from the days up to it", async () => {
    const clusterTrends = async () => ClusterTrends.parse((await get(TRENDS_PATHS.cluster(cluster.clusterId), { level: 'baseline' }).expect(200)).body);
    const namespaceTrends = async (namespace: Namespace) => NamespaceTrends.parse((await get(TRENDS_PATHS.namespace(namespace.id), { level: 'baseline' }).expect(200)).body);
    try {
      // 60 days ago the last 90 days held the rollup of 120 days ago, and none of the last three days.
      clock = new Date(NOW.getTime() - 60 * DAY);
      const old = await clusterTrends();
      expect([old.from, old.to]).toEqual([new Date(clock.getTime() - 90 * DAY).toISOString(), clock.toISOString()]);
      expect(old.series[0]!.points.map((p) => [p.bucketStart, p.failingWorkloads])).toEqual([[day(120).toISOString(), 40]]);
      const shopThen = (await namespaceTrends(shop)).series[0]!;
      expect(shopThen.points.map((p) => p.failingWorkloads)).toEqual([40]);
      expect(shopThen.estimate).toEqual({ status: 'insufficient-data', basedOnDays: 0 });
      // A day ago today's bucket had not started: two daily buckets, too few for a line, and clean not yet at zero.
      clock = new Date(NOW.getTime() - DAY);
      expect((await namespaceTrends(shop)).series[0]!.estimate).toEqual({ status: 'insufficient-data', basedOnDays: 2 });
      expect((await namespaceTrends(clean)).series[0]!.estimate).toEqual({ status: 'insufficient-data', basedOnDays: 2 });
    } finally {
      clock = NOW;
    }
    const current = NamespaceTrends.parse((await get(TRENDS_PATHS.namespace(clean.id), { level: 'baseline' }).expect(200)).body);
    expect(current.to).toBe(NOW.toISOString());
    expect(current.series[0]!.estimate).toEqual({ status: 'ready', basedOnDays: 3 });
  });

  it("checks a range without `to` against the API's clock, not the wall clock", async () => {
    const issuesOf = async (query: Record<string, string>) =>
      (ErrorResponse.parse((await get(TRENDS_PATHS.cluster(cluster.clusterId), query).expect(400)).body).details as { issues: { path: string; message: string }[] }).issues;
    try {
      clock = new Date(NOW.getTime() - 60 * DAY);
      // 30 days of hours before the API's clock: within the 31-day limit there, 90 days before the wall clock.
      const hours = ClusterTrends.parse((await get(TRENDS_PATHS.cluster(cluster.clusterId), { granularity: 'hour', from: new Date(clock.getTime() - 30 * DAY).toISOString() }).expect(200)).body);
      expect(hours.to).toBe(clock.toISOString());
      // A day before the wall clock is after the API's clock: an empty range, refused.
      expect(await issuesOf({ from: new Date(NOW.getTime() - DAY).toISOString() })).toEqual([{ path: 'query.from', message: 'must be in the past (to defaults to now)' }]);
      expect(await issuesOf({ granularity: 'hour', from: new Date(clock.getTime() - 32 * DAY).toISOString() })).toEqual([
        { path: 'query.from', message: 'the range from..to spans more than 31 days at granularity hour (to defaults to now)' },
      ]);
    } finally {
      clock = NOW;
    }
  });

  it('refuses bad or unbounded queries with a 400 naming the field', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ granularity: 'week' }, 'granularity'],
      [{ level: 'privileged' }, 'level'],
      [{ from: 'yesterday' }, 'from'],
      [{ from: new Date().toISOString(), to: day(1).toISOString() }, 'to'],
      [{ granularity: 'hour', from: day(40).toISOString() }, 'from'],
      [{ from: day(500).toISOString() }, 'from'],
      [{ limit: '10' }, 'limit'],
    ];
    for (const [query, field] of cases) {
      const response = await get(TRENDS_PATHS.cluster(cluster.clusterId), query).expect(400);
      const body = ErrorResponse.parse(response.body);
      expect({ query, paths: (body.details as { issues?: { path: string }[] }).issues?.map((i) => i.path) }).toEqual({ query, paths: [`query.${field}`] });
    }
    await get('/api/v1/clusters/not-a-uuid/trends').expect(400);
  });

  it("answers 404 for another tenant's cluster or namespace, and never shows its rows", async () => {
    await get(TRENDS_PATHS.cluster(other.cluster.clusterId)).expect(404);
    await get(TRENDS_PATHS.namespace(other.namespace.id)).expect(404);
    const theirs = ClusterTrends.parse((await get(TRENDS_PATHS.cluster(other.cluster.clusterId), {}, other.tenant.owner).expect(200)).body);
    expect(theirs.series[0]!.points.map((p) => p.failingWorkloads)).toEqual([99]);
    await get(TRENDS_PATHS.cluster(cluster.clusterId), {}, other.tenant.owner).expect(404);
    await get(TRENDS_PATHS.namespace(shop.id), {}, other.tenant.owner).expect(404);
  });
});
