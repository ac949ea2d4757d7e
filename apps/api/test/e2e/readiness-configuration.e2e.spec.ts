// Organization settings, a cluster's Pod Security admission configuration (API-set over agent-reported over the
// organization's default) and the coverage report, through the real API on a real Postgres (and the real Redis the
// readiness jobs go to).
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClusterCoverage, ClusterSummary, INGEST_PATHS, JOB_NAMES, NamespaceSummary, OrganizationSettings } from '@ratchet/contracts';
import type { Queue } from 'bullmq';
import request from 'supertest';

import { createCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { ownerClient } from '../factories/db.factory.js';
import { heartbeatBody } from '../factories/ingest-body.factory.js';
import { createNamespace, createWorkload } from '../factories/inventory.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import { eventually } from '../support/eventually.util.js';
import { startQueuedTestApp } from '../support/queued-test-app.js';
import type { QueuedTestApp } from '../support/queued-test-app.js';
import type { TestApp } from '../support/test-app.js';

const SETTINGS = '/api/v1/organization/settings';
const UPSTREAM = {
  defaults: { enforce: 'privileged', 'enforce-version': 'latest', audit: 'privileged', 'audit-version': 'latest', warn: 'privileged', 'warn-version': 'latest' },
  exemptions: { usernames: [], runtimeClasses: [], namespaces: [] },
};
const BASELINE_DEFAULTS = {
  defaults: { enforce: 'baseline', 'enforce-version': 'v1.30', audit: 'restricted', 'audit-version': 'latest', warn: 'restricted', 'warn-version': 'latest' },
  exemptions: { usernames: ['system:serviceaccount:kube-system:replicaset-controller'], runtimeClasses: ['kata'], namespaces: ['istio-system'] },
};

describe('readiness configuration', () => {
  let stack: QueuedTestApp;
  let sut: TestApp;
  // A private Redis: nothing consumes its queue, so the jobs a change enqueued can be read back.
  let queue: Queue;

  beforeAll(async () => {
    stack = await startQueuedTestApp();
    ({ sut, queue } = stack);
  });
  afterAll(() => stack.close());

  const db = () => ownerClient(sut.database.url);
  const namespaceMarks = (orgId: string, clusterId: string) =>
    db().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM inventory_marks WHERE org_id = ${orgId}::uuid AND cluster_id = ${clusterId}::uuid AND subject = 'namespace'`.then(
      (rows) => rows[0]!.n,
    );
  const workloadMarks = (orgId: string) =>
    db().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM inventory_marks WHERE org_id = ${orgId}::uuid AND subject = 'workload'`.then((rows) => rows[0]!.n);
  const clearMarks = (orgId: string) => db().$executeRaw`DELETE FROM inventory_marks WHERE org_id = ${orgId}::uuid`;

  describe('GET/PATCH /api/v1/organization/settings', () => {
    it("answers a new organization's defaults to every role", async () => {
      const tenant = await createTenant(sut.database.url);
      const viewer = await createMember(sut.database.url, tenant.orgId, 'viewer');
      const response = await request(sut.http).get(SETTINGS).set(viewer.headers).expect(200);
      expect(OrganizationSettings.parse(response.body)).toEqual({
        readinessWindowDays: 7,
        privilegedNamespaceAllowlist: ['kube-system', 'kube-public', 'kube-node-lease'],
        auditRetentionDays: 30,
        defaultPsaConfiguration: null,
        updatedAt: expect.any(String),
      });
    });

    it('lets owners and admins change settings, refuses viewers with 403 and changes nothing', async () => {
      const tenant = await createTenant(sut.database.url);
      const admin = await createMember(sut.database.url, tenant.orgId, 'admin');
      const viewer = await createMember(sut.database.url, tenant.orgId, 'viewer');

      const refused = await request(sut.http).patch(SETTINGS).set(viewer.headers).send({ readinessWindowDays: 3 }).expect(403);
      expect(refused.body.code).toBe('forbidden');

      const byAdmin = await request(sut.http)
        .patch(SETTINGS)
        .set(admin.headers)
        .send({ readinessWindowDays: 14, privilegedNamespaceAllowlist: ['kube-system', 'cilium'], auditRetentionDays: 400 })
        .expect(200);
      expect(OrganizationSettings.parse(byAdmin.body)).toMatchObject({ readinessWindowDays: 14, privilegedNamespaceAllowlist: ['kube-system', 'cilium'], auditRetentionDays: 400 });
      const byOwner = await request(sut.http).patch(SETTINGS).set(tenant.owner.headers).send({ defaultPsaConfiguration: { defaults: { enforce: 'baseline' } } }).expect(200);
      expect(OrganizationSettings.parse(byOwner.body)).toMatchObject({
        readinessWindowDays: 14,
        defaultPsaConfiguration: { ...UPSTREAM, defaults: { ...UPSTREAM.defaults, enforce: 'baseline' } },
      });
      const stored = await db().organization.findUniqueOrThrow({ where: { id: tenant.orgId } });
      expect([stored.readinessWindowDays, stored.auditRetentionDays, stored.privilegedNamespaceAllowlist]).toEqual([14, 400, ['kube-system', 'cilium']]);

      const reset = await request(sut.http).patch(SETTINGS).set(tenant.owner.headers).send({ defaultPsaConfiguration: null }).expect(200);
      expect(reset.body.defaultPsaConfiguration).toBeNull();
    });

    it.each([
      [{ readinessWindowDays: 0 }, 'body.readinessWindowDays'],
      [{ readinessWindowDays: 91 }, 'body.readinessWindowDays'],
      [{ readinessWindowDays: 7.5 }, 'body.readinessWindowDays'],
      [{ auditRetentionDays: 401 }, 'body.auditRetentionDays'],
      [{ auditRetentionDays: 0 }, 'body.auditRetentionDays'],
      [{ privilegedNamespaceAllowlist: ['Kube_System'] }, 'body.privilegedNamespaceAllowlist[0]'],
      [{ privilegedNamespaceAllowlist: ['kube-system', 'kube-system'] }, 'body.privilegedNamespaceAllowlist[1]'],
      [{ privilegedNamespaceAllowlist: Array.from({ length: 257 }, (_, i) => `ns-${i}`) }, 'body.privilegedNamespaceAllowlist'],
      [{ defaultPsaConfiguration: { defaults: { enforce: 'strict' } } }, 'body.defaultPsaConfiguration.defaults.enforce'],
      [{ defaultPsaConfiguration: { defaults: { 'enforce-version': 'v2.0' } } }, 'body.defaultPsaConfiguration.defaults["enforce-version"]'],
      [{ defaultPsaConfiguration: { exemptions: { usernames: ['a', 'a'] } } }, 'body.defaultPsaConfiguration.exemptions.usernames'],
      [{ windowDays: 3 }, 'body'],
      [{}, 'body'],
      [{ readinessWindowDays: 3, auditRetentionDays: 1000 }, 'body.auditRetentionDays'],
    ])('refuses %j with a 400 naming %s and stores nothing', async (body, field) => {
      const tenant = await createTenant(sut.database.url);
      const before = await request(sut.http).get(SETTINGS).set(tenant.owner.headers).expect(200);
      const response = await request(sut.http).patch(SETTINGS).set(tenant.owner.headers).send(body).expect(400);
      expect(response.body.code).toBe('validation_failed');
      const paths = (response.body.details.issues as { path: string }[]).map((issue) => issue.path);
      expect(paths.some((path) => path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`))).toBe(true);
      const after = await request(sut.http).get(SETTINGS).set(tenant.owner.headers).expect(200);
      expect(after.body).toEqual(before.body);
    });

    it("changes only the caller's organization", async () => {
      const a = await createTenant(sut.database.url);
      const b = await createTenant(sut.database.url);
      await request(sut.http).patch(SETTINGS).set(b.owner.headers).send({ readinessWindowDays: 2, privilegedNamespaceAllowlist: [] }).expect(200);
      const ofA = await request(sut.http).get(SETTINGS).set(a.owner.headers).expect(200);
      expect(ofA.body).toMatchObject({ readinessWindowDays: 7, privilegedNamespaceAllowlist: ['kube-system', 'kube-public', 'kube-node-lease'] });
      await request(sut.http).patch(SETTINGS).set({ ...b.owner.headers, 'X-Ratchet-Org': a.orgId }).send({ readinessWindowDays: 3 }).expect(404);
      await request(sut.http).get(SETTINGS).set({ ...b.owner.headers, 'X-Ratchet-Org': a.orgId }).expect(404);
      expect((await request(sut.http).get(SETTINGS).set(a.owner.headers).expect(200)).body.readinessWindowDays).toBe(7);
    });

    it('re-queues readiness for every cluster when the window or default PSA configuration changes, not for the allowlist or retention', async () => {
      const tenant = await createTenant(sut.database.url);
      const clusters = [await createCluster(sut.database.url, tenant.orgId), await createCluster(sut.database.url, tenant.orgId)];
      for (const cluster of clusters) {
        const shop = await createNamespace(sut.database.url, { orgId: tenant.orgId, clusterId: cluster.clusterId }, { name: 'shop' });
        await createWorkload(sut.database.url, shop, { name: 'web' });
        await createNamespace(sut.database.url, { orgId: tenant.orgId, clusterId: cluster.clusterId }, { name: 'gone', deletedAt: new Date() });
      }
      await clearMarks(tenant.orgId);

      await request(sut.http).patch(SETTINGS).set(tenant.owner.headers).send({ privilegedNamespaceAllowlist: ['kube-system'], auditRetentionDays: 60 }).expect(200);
      expect([await namespaceMarks(tenant.orgId, clusters[0]!.clusterId), await namespaceMarks(tenant.orgId, clusters[1]!.clusterId)]).toEqual([0, 0]);

      await request(sut.http).patch(SETTINGS).set(tenant.owner.headers).send({ readinessWindowDays: 7 }).expect(200);
      expect(await namespaceMarks(tenant.orgId, clusters[0]!.clusterId)).toBe(0);

      await request(sut.http).patch(SETTINGS).set(tenant.owner.headers).send({ readinessWindowDays: 30 }).expect(200);
      // The live namespace of each cluster is marked (the deleted one is not), and one readiness job per cluster queued.
      expect([await namespaceMarks(tenant.orgId, clusters[0]!.clusterId), await namespaceMarks(tenant.orgId, clusters[1]!.clusterId)]).toEqual([1, 1]);
      await eventually(() => db().outboxJob.count({ where: { orgId: tenant.orgId } }), (count) => count === 0);
      const queued = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
      const readinessJobs = queued
        .filter((job) => job.name === JOB_NAMES.recomputeReadiness && (job.data as { orgId: string }).orgId === tenant.orgId)
        .map((job) => (job.data as { clusterId: string }).clusterId)
        .sort();
      expect(readinessJobs).toEqual(clusters.map((c) => c.clusterId).sort());
      // The window changes readiness only: no workload is marked for findings.
      expect(await workloadMarks(tenant.orgId)).toBe(0);

      // The default PSA configuration's versions are versions findings use: workloads are marked too.
      await clearMarks(tenant.orgId);
      await request(sut.http).patch(SETTINGS).set(tenant.owner.headers).send({ defaultPsaConfiguration: BASELINE_DEFAULTS }).expect(200);
      expect(await namespaceMarks(tenant.orgId, clusters[1]!.clusterId)).toBe(1);
      expect(await workloadMarks(tenant.orgId)).toBe(2);
      await eventually(() => db().outboxJob.count({ where: { orgId: tenant.orgId } }), (count) => count === 0);
      const evaluations = (await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active'])).filter(
        (job) => job.name === JOB_NAMES.evaluateProjections && (job.data as { orgId: string }).orgId === tenant.orgId,
      );
      expect(evaluations).toHaveLength(2);
    });
  });

  describe("a cluster's PSA configuration", () => {
    async function heartbeat(cluster: TestCluster, psaConfiguration?: object) {
      await request(sut.http)
        .post(INGEST_PATHS.heartbeat)
        .set(cluster.agentHeaders)
        .set('Idempotency-Key', randomUUID())
        .send(heartbeatBody({ auditSource: 'webhook', ...(psaConfiguration ? { psaConfiguration } : {}) }))
        .expect(202);
    }
    const get = async (headers: Record<string, string>, clusterId: string) =>
      ClusterSummary.parse((await request(sut.http).get(`/api/v1/clusters/${clusterId}`).set(headers).expect(200)).body);

    it('is the API-set one over the agent-reported one over the organization default over upstream', async () => {
      const tenant = await createTenant(sut.database.url);
      const cluster = await createCluster(sut.database.url, tenant.orgId);
      expect((await get(tenant.owner.headers, cluster.clusterId)).effectivePsaConfiguration).toEqual({ source: 'upstream', configuration: UPSTREAM });

      await request(sut.http).patch(SETTINGS).set(tenant.owner.headers).send({ defaultPsaConfiguration: { defaults: { enforce: 'baseline' } } }).expect(200);
      expect((await get(tenant.owner.headers, cluster.clusterId)).effectivePsaConfiguration.source).toBe('organization');

      await heartbeat(cluster, { defaults: { enforce: 'restricted' } });
      const reported = await get(tenant.owner.headers, cluster.clusterId);
      expect(reported.effectivePsaConfiguration).toEqual({ source: 'agent', configuration: { ...UPSTREAM, defaults: { ...UPSTREAM.defaults, enforce: 'restricted' } } });

      const patched = await request(sut.http).patch(`/api/v1/clusters/${cluster.clusterId}`).set(tenant.owner.headers).send({ psaConfiguration: BASELINE_DEFAULTS }).expect(200);
      const summary = ClusterSummary.parse(patched.body);
      expect(summary.psaConfigurationOverride).toEqual(BASELINE_DEFAULTS);
      expect(summary.psaConfiguration?.defaults.enforce).toBe('restricted');
      expect(summary.effectivePsaConfiguration).toEqual({ source: 'api', configuration: BASELINE_DEFAULTS });
      expect(summary.name).toBe(cluster.name);

      // A heartbeat does not undo what was set through the API.
      await heartbeat(cluster, { defaults: { enforce: 'privileged' } });
      expect((await get(tenant.owner.headers, cluster.clusterId)).effectivePsaConfiguration.source).toBe('api');

      const removed = ClusterSummary.parse(
        (await request(sut.http).patch(`/api/v1/clusters/${cluster.clusterId}`).set(tenant.owner.headers).send({ psaConfiguration: null }).expect(200)).body,
      );
      expect([removed.psaConfigurationOverride, removed.effectivePsaConfiguration.source]).toEqual([null, 'agent']);
    });

    it('re-queues the cluster readiness when the API-set configuration changes, not when it is set again unchanged', async () => {
      const tenant = await createTenant(sut.database.url);
      const cluster = await createCluster(sut.database.url, tenant.orgId);
      await createNamespace(sut.database.url, { orgId: tenant.orgId, clusterId: cluster.clusterId }, { name: 'shop' });
      await clearMarks(tenant.orgId);
      const patch = () => request(sut.http).patch(`/api/v1/clusters/${cluster.clusterId}`).set(tenant.owner.headers).send({ psaConfiguration: BASELINE_DEFAULTS }).expect(200);
      await patch();
      expect(await namespaceMarks(tenant.orgId, cluster.clusterId)).toBe(1);
      await clearMarks(tenant.orgId);
      await patch();
      expect(await namespaceMarks(tenant.orgId, cluster.clusterId)).toBe(0);
      await request(sut.http).patch(`/api/v1/clusters/${cluster.clusterId}`).set(tenant.owner.headers).send({ name: 'renamed' }).expect(200);
      expect(await namespaceMarks(tenant.orgId, cluster.clusterId)).toBe(0);
    });

    it('re-queues readiness when a heartbeat reports a new PSA configuration or audit source', async () => {
      const tenant = await createTenant(sut.database.url);
      const cluster = await createCluster(sut.database.url, tenant.orgId);
      await createNamespace(sut.database.url, { orgId: tenant.orgId, clusterId: cluster.clusterId }, { name: 'shop' });
      await heartbeat(cluster);
      await clearMarks(tenant.orgId);
      await heartbeat(cluster);
      expect(await namespaceMarks(tenant.orgId, cluster.clusterId)).toBe(0);
      await heartbeat(cluster, BASELINE_DEFAULTS);
      expect(await namespaceMarks(tenant.orgId, cluster.clusterId)).toBe(1);
    });

    it.each([
      [{ psaConfiguration: { defaults: { enforce: 'strict' } } }, 'body.psaConfiguration.defaults.enforce'],
      [{ psaConfiguration: { defaults: { Enforce: 'baseline' } } }, 'body.psaConfiguration.defaults'],
      [{ psaConfiguration: { exemptions: { namespaces: ['Not_A_Name'] } } }, 'body.psaConfiguration.exemptions.namespaces[0]'],
      [{ psaConfiguration: { exemptions: { runtimeClasses: ['kata', 'kata'] } } }, 'body.psaConfiguration.exemptions.runtimeClasses'],
      [{ psaConfiguration: { exemptions: { usernames: [''] } } }, 'body.psaConfiguration.exemptions.usernames[0]'],
      [{}, 'body'],
    ])('refuses %j with a 400 naming %s', async (body, field) => {
      const tenant = await createTenant(sut.database.url);
      const cluster = await createCluster(sut.database.url, tenant.orgId);
      const response = await request(sut.http).patch(`/api/v1/clusters/${cluster.clusterId}`).set(tenant.owner.headers).send(body).expect(400);
      const paths = (response.body.details.issues as { path: string }[]).map((issue) => issue.path);
      expect(paths.some((path) => path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`))).toBe(true);
      expect((await get(tenant.owner.headers, cluster.clusterId)).psaConfigurationOverride).toBeNull();
    });

    it('lets only owners and admins set it, and only in their own organization', async () => {
      const tenant = await createTenant(sut.database.url);
      const other = await createTenant(sut.database.url);
      const viewer = await createMember(sut.database.url, tenant.orgId, 'viewer');
      const cluster = await createCluster(sut.database.url, tenant.orgId);
      await request(sut.http).patch(`/api/v1/clusters/${cluster.clusterId}`).set(viewer.headers).send({ psaConfiguration: BASELINE_DEFAULTS }).expect(403);
      await request(sut.http).patch(`/api/v1/clusters/${cluster.clusterId}`).set(other.owner.headers).send({ psaConfiguration: BASELINE_DEFAULTS }).expect(404);
      expect((await get(tenant.owner.headers, cluster.clusterId)).psaConfigurationOverride).toBeNull();
    });

    it('shows the contradictions the worker stored, once per namespace', async () => {
      const tenant = await createTenant(sut.database.url);
      const cluster = await createCluster(sut.database.url, tenant.orgId);
      const ns = await createNamespace(sut.database.url, { orgId: tenant.orgId, clusterId: cluster.clusterId }, { name: 'shop' });
      const contradiction = { namespace: 'shop', kind: 'enforce-policy', expected: 'privileged:latest', observed: 'baseline:latest', events: 3, lastSeenAt: new Date(Date.now() - 3_600_000).toISOString() };
      for (const level of ['baseline', 'restricted'] as const) {
        await db().namespaceReadiness.create({
          data: { orgId: tenant.orgId, clusterId: cluster.clusterId, namespaceId: ns.id, level, version: 'latest', status: 'ready', windowDays: 7, psaContradictions: [contradiction] },
        });
      }
      expect((await get(tenant.owner.headers, cluster.clusterId)).psaContradictions).toEqual([contradiction]);
    });
  });

  describe('readiness in the namespace answers', () => {
    it("shows an unlabeled namespace's readiness at the cluster's default enforce-version, with provisional, observedSince, auditSource and exempt", async () => {
      const tenant = await createTenant(sut.database.url);
      const cluster = await createCluster(sut.database.url, tenant.orgId);
      const ns = await createNamespace(sut.database.url, { orgId: tenant.orgId, clusterId: cluster.clusterId }, { name: 'shop' });
      const observedSince = new Date('2026-11-28T00:00:00Z');
      const row = (level: 'baseline' | 'restricted', version: string, extra: object) =>
        db().namespaceReadiness.create({
          data: { orgId: tenant.orgId, clusterId: cluster.clusterId, namespaceId: ns.id, level, version, status: 'ready', windowDays: 7, observedSince, auditSource: 'webhook', ...extra },
        });
      await row('baseline', 'v1.30', { provisional: true });
      await row('restricted', 'v1.30', { status: 'blocked', atRisk: true, blockingWorkloadCount: 1 });
      const readiness = async () => NamespaceSummary.parse((await request(sut.http).get(`/api/v1/namespaces/${ns.id}`).set(tenant.owner.headers).expect(200)).body).readiness;

      // Without a configuration, latest applies: nothing computed there.
      expect((await readiness()).baseline).toMatchObject({ status: 'unknown', version: 'latest' });
      await request(sut.http).patch(`/api/v1/clusters/${cluster.clusterId}`).set(tenant.owner.headers).send({ psaConfiguration: BASELINE_DEFAULTS }).expect(200);
      expect(await readiness()).toEqual({
        baseline: {
          status: 'ready',
          version: 'v1.30',
          blockingWorkloads: 0,
          computedAt: expect.any(String),
          provisional: true,
          observedSince: observedSince.toISOString(),
          auditSource: 'webhook',
          exempt: false,
          auditBlockedUntil: null,
        },
        restricted: {
          status: 'at-risk',
          version: 'v1.30',
          blockingWorkloads: 1,
          computedAt: expect.any(String),
          provisional: false,
          observedSince: observedSince.toISOString(),
          auditSource: 'webhook',
          exempt: false,
          auditBlockedUntil: null,
        },
      });

      // Observed for longer than the window since the worker stored it: firm now, without a recompute.
      const where = { orgId: tenant.orgId, namespaceId: ns.id, level: 'baseline' as const };
      await db().namespaceReadiness.updateMany({ where, data: { observedSince: new Date(Date.now() - 8 * 86_400_000) } });
      expect((await readiness()).baseline).toMatchObject({ status: 'ready', provisional: false });
      // Without an audit source it stays provisional however long it was observed.
      await db().namespaceReadiness.updateMany({ where, data: { auditSource: 'none' } });
      expect((await readiness()).baseline).toMatchObject({ status: 'ready', provisional: true, auditSource: 'none' });
    });
  });

  describe('GET /api/v1/clusters/:clusterId/coverage', () => {
    it('reports unlabeled, invalid, allowlisted, privileged-outside-allowlist, exempt and unreported namespaces, never as compliance', async () => {
      const tenant = await createTenant(sut.database.url);
      const viewer = await createMember(sut.database.url, tenant.orgId, 'viewer');
      const cluster = await createCluster(sut.database.url, tenant.orgId);
      const ref = { orgId: tenant.orgId, clusterId: cluster.clusterId };
      await createNamespace(sut.database.url, ref, { name: 'kube-system' });
      await createNamespace(sut.database.url, ref, { name: 'shop' });
      await createNamespace(sut.database.url, ref, { name: 'ingress', enforceLevel: 'privileged' });
      await createNamespace(sut.database.url, ref, { name: 'typo', enforceLevel: 'baseline ', auditVersion: 'v1.030' });
      await createNamespace(sut.database.url, ref, { name: 'payments', enforceLevel: 'restricted', enforceVersion: 'v1.30' });
      await createNamespace(sut.database.url, ref, { name: 'istio-system', enforceLevel: 'privileged' });
      await createNamespace(sut.database.url, ref, { name: 'early', uid: null });
      await createNamespace(sut.database.url, ref, { name: 'removed', deletedAt: new Date() });

      const coverage = async () => ClusterCoverage.parse((await request(sut.http).get(`/api/v1/clusters/${cluster.clusterId}/coverage`).set(viewer.headers).expect(200)).body);
      const upstream = await coverage();
      const kinds = (report: ClusterCoverage) => Object.fromEntries(report.namespaces.map((n) => [n.name, n.reasons.map((r) => r.kind)]));
      expect(upstream.psaConfiguration.source).toBe('upstream');
      expect(kinds(upstream)).toEqual({
        early: ['unreported'],
        ingress: ['privileged-outside-allowlist'],
        'istio-system': ['privileged-outside-allowlist'],
        'kube-system': ['unlabeled', 'allowlisted'],
        shop: ['unlabeled', 'privileged-outside-allowlist'],
        typo: ['invalid-label', 'invalid-label'],
      });
      const typo = upstream.namespaces.find((n) => n.name === 'typo')!;
      expect(typo.reasons.map((r) => [r.label, r.value, r.fallback])).toEqual([
        ['enforce', 'baseline ', 'restricted'],
        ['auditVersion', 'v1.030', 'latest'],
      ]);
      expect(typo.enforcement).toEqual({ level: 'restricted', version: 'latest', source: 'fallback' });
      expect(typo.flagged).toBe(true);
      expect(upstream.namespaces.find((n) => n.name === 'shop')!.reasons[0]!.message).toContain('privileged at latest');
      expect(upstream.counts).toEqual({
        namespaces: 7,
        unlabeled: 2,
        'invalid-label': 1,
        allowlisted: 1,
        'privileged-outside-allowlist': 3,
        exempt: 0,
        unreported: 1,
        flagged: 4,
      });

      // The cluster enforces baseline on unlabeled namespaces and exempts istio-system: shop is covered now.
      await request(sut.http).patch(`/api/v1/clusters/${cluster.clusterId}`).set(tenant.owner.headers).send({ psaConfiguration: BASELINE_DEFAULTS }).expect(200);
      const configured = await coverage();
      expect(configured.psaConfiguration.source).toBe('api');
      expect(kinds(configured)).toEqual({
        early: ['unreported'],
        ingress: ['privileged-outside-allowlist'],
        'istio-system': ['exempt'],
        'kube-system': ['unlabeled', 'allowlisted'],
        shop: ['unlabeled'],
        typo: ['invalid-label', 'invalid-label'],
      });
      expect(configured.namespaces.find((n) => n.name === 'shop')!.enforcement).toEqual({ level: 'baseline', version: 'v1.30', source: 'default' });
      expect(configured.namespaces.find((n) => n.name === 'istio-system')!).toMatchObject({ enforcement: { source: 'exempt' }, flagged: false });

      // The allowlist is the organization's: emptied, kube-system is flagged too.
      await request(sut.http).patch(SETTINGS).set(tenant.owner.headers).send({ privilegedNamespaceAllowlist: ['ingress'] }).expect(200);
      const allowlisted = await coverage();
      expect(kinds(allowlisted)['ingress']).toEqual(['allowlisted']);
      expect(kinds(allowlisted)['kube-system']).toEqual(['unlabeled']);
    });

    it("answers 404 for another organization's cluster and an unknown one", async () => {
      const a = await createTenant(sut.database.url);
      const b = await createTenant(sut.database.url);
      const cluster = await createCluster(sut.database.url, a.orgId);
      await request(sut.http).get(`/api/v1/clusters/${cluster.clusterId}/coverage`).set(b.owner.headers).expect(404);
      await request(sut.http).get(`/api/v1/clusters/${randomUUID()}/coverage`).set(a.owner.headers).expect(404);
    });
  });
});
