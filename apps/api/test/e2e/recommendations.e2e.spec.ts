import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NamespaceRecommendation, NamespaceTrends } from '@ratchet/contracts';
import request from 'supertest';

import { createCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { createNamespace } from '../factories/inventory.factory.js';
import { createReadiness } from '../factories/query-data.factory.js';
import { createTrendRollup } from '../factories/trend.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant, TestUser } from '../factories/tenant.factory.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const P = 'pod-security.kubernetes.io/';
const DAY = 86_400_000;
/** The API's clock: fixed, so "observed for the window" and the estimates' days are decided by the test. */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);

describe('namespace recommendation', () => {
  let sut: TestApp;
  let tenant: TestTenant;
  let viewer: TestUser;
  /** What the API's clock reads; a test that moves it puts it back. */
  let clock = NOW;
  const get = (namespaceId: string, user: TestUser = viewer) => request(sut.http).get(`/api/v1/namespaces/${namespaceId}/recommendation`).set(user.headers);

  beforeAll(async () => {
    sut = await startTestApp({}, { now: () => clock });
    tenant = await createTenant(sut.database.url);
    viewer = await createMember(sut.database.url, tenant.orgId, 'viewer');
  });

  afterAll(async () => {
    await disconnectOwnerClients();
    await sut?.close();
  });

  async function namespaceWith(
    name: string,
    labels: { enforceLevel?: string; enforceVersion?: string },
    readiness: { baseline: 'ready' | 'blocked'; restricted: 'ready' | 'blocked'; version: string },
    observedDays: number,
  ) {
    const url = sut.database.url;
    const cluster = await createCluster(url, tenant.orgId);
    const namespace = await createNamespace(url, { orgId: tenant.orgId, clusterId: cluster.clusterId }, { name, ...labels });
    await ownerClient(url).namespace.update({
      where: { orgId_id: { orgId: tenant.orgId, id: namespace.id } },
      data: { firstSeenAt: new Date(NOW.getTime() - observedDays * DAY) },
    });
    for (const level of ['baseline', 'restricted'] as const) {
      const status = readiness[level];
      await createReadiness(url, namespace, { level, version: readiness.version, status, blockingWorkloadCount: status === 'blocked' ? 3 : 0 });
    }
    return namespace;
  }

  it('enforces baseline that passes and audits/warns restricted, as YAML and a kubectl command', async () => {
    const shop = await namespaceWith('shop', {}, { baseline: 'ready', restricted: 'blocked', version: 'latest' }, 30);
    const sut = NamespaceRecommendation.parse((await get(shop.id).expect(200)).body);
    expect(sut).toMatchObject({ namespaceId: shop.id, namespace: 'shop', stage: 'enforce-baseline', changes: true, currentLabels: {} });
    expect(sut.kubectlCommand).toBe(
      `kubectl label ns shop ${P}audit=restricted ${P}audit-version=latest ${P}enforce=baseline ${P}enforce-version=latest ${P}warn=restricted ${P}warn-version=latest --overwrite`,
    );
    expect(sut.yaml).toContain(`    ${P}enforce: baseline\n`);
    expect(sut.reasoning.join(' ')).toMatch(/Restricted does not pass: 3 workload\(s\) would be rejected/);
  });

  it('waits for the readiness window before enforcing restricted', async () => {
    const young = await namespaceWith('young', { enforceLevel: 'baseline', enforceVersion: 'v1.30' }, { baseline: 'ready', restricted: 'ready', version: 'v1.30' }, 2);
    expect(NamespaceRecommendation.parse((await get(young.id).expect(200)).body)).toMatchObject({ stage: 'fix-restricted' });
    const settled = await namespaceWith('settled', { enforceLevel: 'baseline', enforceVersion: 'v1.30' }, { baseline: 'ready', restricted: 'ready', version: 'v1.30' }, 10);
    const result = NamespaceRecommendation.parse((await get(settled.id).expect(200)).body);
    expect(result).toMatchObject({ stage: 'enforce-restricted', recommendedLabels: { [`${P}enforce`]: 'restricted', [`${P}enforce-version`]: 'v1.30' } });
    // Six days on by the API's clock, the young namespace has been observed for 8 days: past the 7-day window.
    try {
      clock = new Date(NOW.getTime() + 6 * DAY);
      expect(NamespaceRecommendation.parse((await get(young.id).expect(200)).body)).toMatchObject({ stage: 'enforce-restricted' });
    } finally {
      clock = NOW;
    }
  });

  it('is unknown before readiness is computed, and 404s another tenant or a bad id', async () => {
    const url = sut.database.url;
    const cluster = await createCluster(url, tenant.orgId);
    const bare = await createNamespace(url, { orgId: tenant.orgId, clusterId: cluster.clusterId }, { name: 'bare' });
    expect(NamespaceRecommendation.parse((await get(bare.id).expect(200)).body)).toMatchObject({
      stage: 'unknown',
      changes: false,
      kubectlCommand: '',
      readyEstimate: null,
    });
    const other = await createTenant(url);
    await get(bare.id, other.owner).expect(404);
    await get('not-a-uuid').expect(400);
  });

  describe('estimated ready date for the level it enforces next', () => {
    const today = Math.floor(NOW.getTime() / DAY) * DAY;
    const daily = async (namespace: Awaited<ReturnType<typeof namespaceWith>>, level: 'baseline' | 'restricted', counts: number[]) => {
      // Oldest first, the newest bucket being yesterday's (the last complete UTC day).
      for (const [i, failingWorkloads] of counts.entries()) {
        await createTrendRollup(sut.database.url, namespace, new Date(today - (counts.length - i) * DAY), { level, failingWorkloads });
      }
    };
    const trendsEstimate = async (namespaceId: string, level: 'baseline' | 'restricted') =>
      NamespaceTrends.parse((await request(sut.http).get(`/api/v1/namespaces/${namespaceId}/trends`).query({ level }).set(viewer.headers).expect(200)).body)
        .series[0]!.estimate;

    it('dates baseline by the trend while it is only observed, the same estimate as the trends answer', async () => {
      const fixing = await namespaceWith('fixing', {}, { baseline: 'blocked', restricted: 'blocked', version: 'latest' }, 30);
      await daily(fixing, 'baseline', [10, 8, 6]);
      // Restricted's trend is flat: not the level enforced next, so it does not matter here.
      await daily(fixing, 'restricted', [12, 12, 12]);
      const result = NamespaceRecommendation.parse((await get(fixing.id).expect(200)).body);
      expect(result.stage).toBe('observe-baseline');
      // Two a day from 6 at the end of yesterday: zero three days later, at a UTC midnight.
      expect(result.readyEstimate).toEqual({
        level: 'baseline',
        estimate: { status: 'on-track', estimatedReadyAt: new Date(today + 3 * DAY).toISOString(), workloadsPerDay: 2, basedOnDays: 3 },
      });
      expect(result.readyEstimate!.estimate).toEqual(await trendsEstimate(fixing.id, 'baseline'));
      expect(result.reasoning.at(-1)).toBe(
        `At the pace of the last 3 day(s) (2 workload(s) fixed per day), baseline may be ready by ${new Date(today + 3 * DAY).toISOString().slice(0, 10)}.`,
      );
    });

    it('says no-progress rather than a date when restricted, next after baseline, is not going down', async () => {
      const stuck = await namespaceWith('stuck', { enforceLevel: 'baseline' }, { baseline: 'ready', restricted: 'blocked', version: 'latest' }, 30);
      await daily(stuck, 'baseline', [0, 0, 0]);
      await daily(stuck, 'restricted', [4, 5, 5, 6]);
      const result = NamespaceRecommendation.parse((await get(stuck.id).expect(200)).body);
      expect(result.stage).toBe('fix-restricted');
      expect(result.readyEstimate).toEqual({ level: 'restricted', estimate: await trendsEstimate(stuck.id, 'restricted') });
      expect(result.readyEstimate!.estimate).toMatchObject({ status: 'no-progress', basedOnDays: 4 });
      expect(result.readyEstimate!.estimate).not.toHaveProperty('estimatedReadyAt');
      expect(result.reasoning.at(-1)).toMatch(/^No progress towards restricted over the last 4 day\(s\).*no date can be estimated\.$/);
    });

    it('answers insufficient-data without history, ready when the trend shows none, and nothing once restricted is enforced', async () => {
      const young = await namespaceWith('new-team', {}, { baseline: 'ready', restricted: 'blocked', version: 'latest' }, 30);
      await daily(young, 'restricted', [3]);
      expect(NamespaceRecommendation.parse((await get(young.id).expect(200)).body)).toMatchObject({
        stage: 'enforce-baseline',
        readyEstimate: { level: 'restricted', estimate: { status: 'insufficient-data', basedOnDays: 1 } },
      });
      const clean = await namespaceWith('clean', { enforceLevel: 'baseline' }, { baseline: 'ready', restricted: 'ready', version: 'latest' }, 30);
      await daily(clean, 'restricted', [2, 1, 0]);
      expect(NamespaceRecommendation.parse((await get(clean.id).expect(200)).body)).toMatchObject({
        stage: 'enforce-restricted',
        readyEstimate: { level: 'restricted', estimate: { status: 'ready', basedOnDays: 3 } },
      });
      const done = await namespaceWith('done', { enforceLevel: 'restricted' }, { baseline: 'ready', restricted: 'ready', version: 'latest' }, 30);
      await daily(done, 'restricted', [0, 0, 0]);
      expect(NamespaceRecommendation.parse((await get(done.id).expect(200)).body)).toMatchObject({ stage: 'done', readyEstimate: null });
    });

    it('dates the enforced level an at-risk namespace fails', async () => {
      const risky = await namespaceWith('risky', { enforceLevel: 'baseline' }, { baseline: 'blocked', restricted: 'blocked', version: 'latest' }, 30);
      await daily(risky, 'baseline', [6, 4, 2]);
      const result = NamespaceRecommendation.parse((await get(risky.id).expect(200)).body);
      expect(result).toMatchObject({ stage: 'at-risk', readyEstimate: { level: 'baseline', estimate: { status: 'on-track', workloadsPerDay: 2 } } });
      expect(result.readyEstimate!.estimate).toEqual(await trendsEstimate(risky.id, 'baseline'));
    });
  });
});
