import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClusterDrift } from '@ratchet/contracts';
import { remediationFor } from '@ratchet/pss';
import request from 'supertest';

import { createCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { createNamespace, createWorkload } from '../factories/inventory.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant, TestUser } from '../factories/tenant.factory.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

// The worker writes namespace_drift (apps/worker/test/drift.spec.ts proves what it writes); here, rows as it leaves
// them are listed through the API.
describe('GET /clusters/:clusterId/drift', () => {
  let sut: TestApp;
  let tenant: TestTenant;
  let viewer: TestUser;
  let cluster: TestCluster;
  const sysctls = { id: 'sysctls', reason: 'forbidden sysctls', detail: 'net.ipv4.tcp_rmem' };

  beforeAll(async () => {
    sut = await startTestApp();
    const url = sut.database.url;
    tenant = await createTenant(url);
    viewer = await createMember(url, tenant.orgId, 'viewer');
    cluster = await createCluster(url, tenant.orgId);
    const ref = { orgId: tenant.orgId, clusterId: cluster.clusterId };
    const db = ownerClient(url);
    for (const [name, deletedAt] of [['zeta', null], ['alpha', null], ['gone', new Date()]] as const) {
      const namespace = await createNamespace(url, ref, { name, enforceVersion: 'v1.32', deletedAt });
      const workload = await createWorkload(url, namespace, { name: 'tuned' });
      for (const level of ['restricted', 'baseline'] as const) {
        await db.namespaceDrift.create({
          data: {
            ...ref,
            namespaceId: namespace.id,
            level,
            pinnedVersion: 'v1.32',
            latestVersion: 'v1.30',
            workloadCount: 1,
            workloads: [{ workloadId: workload.id, kind: 'Deployment', name: 'tuned', checks: [sysctls] }],
          },
        });
      }
    }
  });

  afterAll(async () => {
    await disconnectOwnerClients();
    await sut?.close();
  });

  it('lists live namespaces with drift by name and level, with the fix per check; viewers may read it', async () => {
    const response = await request(sut.http).get(`/api/v1/clusters/${cluster.clusterId}/drift`).set(viewer.headers).expect(200);
    const drift = ClusterDrift.parse(response.body);
    expect(drift.namespaces.map((n) => `${n.namespace}/${n.level}`)).toEqual(['alpha/baseline', 'alpha/restricted', 'zeta/baseline', 'zeta/restricted']);
    expect(drift.namespaces[0]).toMatchObject({ pinnedVersion: 'v1.32', latestVersion: 'v1.30', workloadCount: 1 });
    expect(drift.namespaces[0]!.workloads[0]!.checks).toEqual([{ ...sysctls, remediation: remediationFor('sysctls').what }]);
    const baseline = ClusterDrift.parse((await request(sut.http).get(`/api/v1/clusters/${cluster.clusterId}/drift?level=baseline`).set(viewer.headers).expect(200)).body);
    expect(baseline.namespaces.map((n) => n.level)).toEqual(['baseline', 'baseline']);
  });

  it('answers 404 to another tenant and 400 to a bad level', async () => {
    const other = await createTenant(sut.database.url);
    await request(sut.http).get(`/api/v1/clusters/${cluster.clusterId}/drift`).set(other.owner.headers).expect(404);
    const bad = await request(sut.http).get(`/api/v1/clusters/${cluster.clusterId}/drift?level=privileged`).set(viewer.headers).expect(400);
    expect(bad.body.details.issues[0].path).toBe('query.level');
  });
});
