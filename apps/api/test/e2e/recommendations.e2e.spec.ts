import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NamespaceRecommendation } from '@ratchet/contracts';
import request from 'supertest';

import { createCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { createNamespace } from '../factories/inventory.factory.js';
import { createReadiness } from '../factories/query-data.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant, TestUser } from '../factories/tenant.factory.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const P = 'pod-security.kubernetes.io/';

describe('namespace recommendation', () => {
  let sut: TestApp;
  let tenant: TestTenant;
  let viewer: TestUser;
  const get = (namespaceId: string, user: TestUser = viewer) => request(sut.http).get(`/api/v1/namespaces/${namespaceId}/recommendation`).set(user.headers);

  beforeAll(async () => {
    sut = await startTestApp();
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
      data: { firstSeenAt: new Date(Date.now() - observedDays * 86_400_000) },
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
  });

  it('is unknown before readiness is computed, and 404s another tenant or a bad id', async () => {
    const url = sut.database.url;
    const cluster = await createCluster(url, tenant.orgId);
    const bare = await createNamespace(url, { orgId: tenant.orgId, clusterId: cluster.clusterId }, { name: 'bare' });
    expect(NamespaceRecommendation.parse((await get(bare.id).expect(200)).body)).toMatchObject({ stage: 'unknown', changes: false, kubectlCommand: '' });
    const other = await createTenant(url);
    await get(bare.id, other.owner).expect(404);
    await get('not-a-uuid').expect(400);
  });
});
