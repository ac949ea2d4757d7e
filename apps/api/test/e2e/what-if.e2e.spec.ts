import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GateResult, WhatIfResult } from '@ratchet/contracts';
import type { Namespace, Prisma, Workload } from '@ratchet/db';
import { JOB_QUEUE } from '@ratchet/jobs';
import { evaluatePod, remediationFor, suggestPatch, violationMessage } from '@ratchet/pss';
import type { PodLike } from '@ratchet/pss';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import request from 'supertest';

import { createCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { createNamespace, createPod, createProjection, createWorkload } from '../factories/inventory.factory.js';
import { createAuditEvent } from '../factories/query-data.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant, TestUser } from '../factories/tenant.factory.js';
import { startRedisServer } from '../support/redis-server.js';
import type { TestRedisServer } from '../support/redis-server.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

// Pods as the agent projects them. tcpTuned sets a sysctl baseline allows only from v1.32 on; hostNetwork fails
// baseline everywhere; plain passes baseline and fails restricted; hardened passes both.
const PODS = {
  tcpTuned: {
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }] },
      containers: [{ name: 'app', image: 'app:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
  },
  hostNetwork: { metadata: {}, spec: { hostNetwork: true, containers: [{ name: 'agent', image: 'agent:1' }] } },
  plain: { metadata: {}, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
  // The plain template plus a privileged sidecar a mesh injected into the running pod.
  injected: {
    metadata: {},
    spec: { containers: [{ name: 'web', image: 'web:1' }, { name: 'mesh-proxy', image: 'mesh:1', securityContext: { privileged: true } }] },
  },
  hardened: {
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'db', image: 'db:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
  },
} as const;
type PodName = keyof typeof PODS;

const DAY = 86_400_000;
/** The API's clock (T): fixed, so the gate's audit window is decided by the test, not by when it runs. */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const daysFromNow = (days: number) => new Date(NOW.getTime() + days * DAY);

describe('what-if and gate', () => {
  let sut: TestApp;
  let limited: TestApp;
  let privateRedis: TestRedisServer | undefined;
  let tenant: TestTenant;
  let viewer: TestUser;
  let cluster: TestCluster;
  let fresh: TestCluster;
  const projections = new Map<PodName, string>();
  const namespaces = new Map<string, Namespace>();
  const workloads = new Map<string, Workload>();
  /** What the API's clock reads; a test that moves it puts it back. */
  let clock = NOW;

  const whatIf = (app: TestApp, clusterId: string, body: unknown, user: TestUser = viewer) =>
    request(app.http).post(`/api/v1/clusters/${clusterId}/what-if`).set(user.headers).send(body as object);
  const gate = (clusterId: string, query: Record<string, string>, user: TestUser = viewer) =>
    request(sut.http).get(`/api/v1/clusters/${clusterId}/gate`).set(user.headers).query(query);

  async function seed(app: TestApp): Promise<void> {
    const url = app.database.url;
    tenant = await createTenant(url);
    viewer = await createMember(url, tenant.orgId, 'viewer');
    cluster = await createCluster(url, tenant.orgId, { name: 'prod' });
    fresh = await createCluster(url, tenant.orgId, { name: 'fresh' });
    const db = ownerClient(url);
    await db.cluster.update({ where: { orgId_id: { orgId: tenant.orgId, id: cluster.clusterId } }, data: { kubernetesVersion: 'v1.30.4-eks-a737599' } });
    for (const name of Object.keys(PODS) as PodName[]) {
      projections.set(name, (await createProjection(url, tenant.orgId, { projection: PODS[name] as unknown as Prisma.InputJsonValue })).id);
    }
    const ref = { orgId: tenant.orgId, clusterId: cluster.clusterId };
    for (const name of ['tuning', 'edge', 'web', 'clean']) namespaces.set(name, await createNamespace(url, ref, { name }));
    namespaces.set('placeholder', await createNamespace(url, ref, { name: 'placeholder', uid: null }));
    const add = async (ns: string, kind: Workload['kind'], name: string, template: PodName, pods: PodName[]) => {
      const workload = await createWorkload(url, namespaces.get(ns)!, { kind, name, projectionId: projections.get(template)! });
      workloads.set(`${ns}/${name}`, workload);
      for (const [i, pod] of pods.entries()) await createPod(url, workload, { name: `${name}-${i}`, projectionId: projections.get(pod)! });
    };
    await add('tuning', 'Deployment', 'tuned', 'tcpTuned', ['tcpTuned', 'tcpTuned']);
    await add('edge', 'DaemonSet', 'node-agent', 'hostNetwork', ['hostNetwork']);
    await add('web', 'Deployment', 'frontend', 'plain', ['plain', 'injected']);
    await add('web', 'CronJob', 'report', 'plain', []);
    await add('clean', 'StatefulSet', 'db', 'hardened', ['hardened']);
    // The worker's stored verdicts at v1.30 for both levels, as it writes them; v1.31 and v1.37 are left to the API.
    for (const [name, id] of projections) {
      for (const level of ['baseline', 'restricted'] as const) {
        const evaluation = evaluatePod(PODS[name] as unknown as PodLike, level, 'v1.30');
        const checks = evaluation.checks.map((c) => ({ id: c.id, reason: c.reason, detail: c.detail }));
        await db.projectionEvaluation.create({ data: { orgId: tenant.orgId, projectionId: id, level, version: 'v1.30', allowed: evaluation.allowed, checks } });
      }
    }
  }

  beforeAll(async () => {
    sut = await startTestApp({}, { now: () => clock });
    await seed(sut);
  });

  afterAll(async () => {
    await disconnectOwnerClients();
    await limited?.close();
    await privateRedis?.stop();
    await sut?.close();
  });

  /** What libs/pss says of a named pod: the checks failing and PSA's warning at the label as asked. */
  const expected = (pod: PodName, level: 'baseline' | 'restricted', version: string, label = version) => {
    const evaluation = evaluatePod(PODS[pod] as unknown as PodLike, level, version);
    return { checks: evaluation.checks.map((c) => c.id), warning: `Warning: ${violationMessage({ ...evaluation, version: label })}` };
  };

  it('resolves latest to the cluster release (v1.30): the tcp_rmem sysctl is rejected for baseline there, as libs/pss says', async () => {
    const response = await whatIf(sut, cluster.clusterId, { level: 'baseline', version: 'latest', namespaces: 'all' }).expect(200);
    const result = WhatIfResult.parse(response.body);
    expect(result.evaluatedVersion).toBe('v1.30');
    expect(result.workloads.map((w) => `${w.namespace}/${w.kind}/${w.name}`)).toEqual(['edge/DaemonSet/node-agent', 'tuning/Deployment/tuned', 'web/Deployment/frontend']);
    const tuned = result.workloads.find((w) => w.name === 'tuned')!;
    const want = expected('tcpTuned', 'baseline', 'v1.30', 'latest');
    expect(tuned.checks.map((c) => c.id)).toEqual(want.checks);
    expect(tuned.checks[0]).toMatchObject({ id: 'sysctls', reason: 'forbidden sysctls', detail: 'net.ipv4.tcp_rmem', title: remediationFor('sysctls').title });
    // Byte-identical to what the apiserver prints for a namespace labelled baseline:latest.
    expect(tuned.warning).toBe(want.warning);
    expect(tuned.warning).toBe('Warning: would violate PodSecurity "baseline:latest": forbidden sysctls (net.ipv4.tcp_rmem)');
    expect(tuned).toMatchObject({ templateRejected: true, rejectedPods: ['tuned-0', 'tuned-1'], rejectedPodCount: 2 });
    // The frontend's template passes baseline; the injected sidecar in one pod does not.
    const frontend = result.workloads.find((w) => w.name === 'frontend')!;
    expect(frontend).toMatchObject({ templateRejected: false, rejectedPods: ['frontend-1'], rejectedPodCount: 1 });
    expect(frontend.warning).toBe(expected('injected', 'baseline', 'v1.30', 'latest').warning);
    expect(result.summary).toEqual({ namespaces: 4, workloads: 5, pods: 6, rejectedWorkloads: 3, rejectedPods: 4 });
    expect(result.namespaces.find((n) => n.name === 'web')).toMatchObject({ workloads: 2, pods: 2, rejectedWorkloads: 1, rejectedPods: 1 });
  });

  it('is not rejected at v1.32 or v1.37 (evaluated on demand and stored), and is at v1.31', async () => {
    for (const [version, rejected] of [['v1.31', true], ['v1.32', false], ['v1.37', false], ['v1.99', false]] as const) {
      const result = WhatIfResult.parse((await whatIf(sut, cluster.clusterId, { level: 'baseline', version, namespaces: ['tuning'] }).expect(200)).body);
      expect(result.workloads.map((w) => w.name)).toEqual(rejected ? ['tuned'] : []);
      expect(evaluatePod(PODS.tcpTuned as unknown as PodLike, 'baseline', version).allowed).toBe(!rejected);
    }
    const stored = await ownerClient(sut.database.url).projectionEvaluation.count({ where: { orgId: tenant.orgId, version: 'v1.37', level: 'baseline' } });
    expect(stored).toBeGreaterThan(0);
  });

  it('gives each rejected workload the fix: remediation per check and a patch that makes libs/pss allow the template', async () => {
    const result = WhatIfResult.parse((await whatIf(sut, cluster.clusterId, { level: 'restricted', namespaces: ['web', 'clean'] }).expect(200)).body);
    expect(result.workloads.map((w) => `${w.kind}/${w.name}`)).toEqual(['CronJob/report', 'Deployment/frontend']);
    const report = result.workloads[0]!;
    expect(report.checks.map((c) => c.id)).toEqual(expected('plain', 'restricted', 'v1.30').checks);
    for (const check of report.checks) expect(check.remediation).toBe(remediationFor(check.id).what);
    const patch = suggestPatch(PODS.plain as unknown as PodLike, 'restricted', 'v1.30');
    expect(report.patchYaml).toBe(patch.yaml);
    expect(report.manualCheckIds).toEqual(patch.manual.map((m) => m.checkId));
    expect(evaluatePod(patch.patchedPod, 'restricted', 'v1.30').allowed).toBe(patch.allowedAfter);
  });

  it('names the namespaces it does not know, refuses bad input naming the field, and 404s another tenant', async () => {
    const result = WhatIfResult.parse((await whatIf(sut, cluster.clusterId, { level: 'baseline', namespaces: ['clean', 'placeholder', 'nope'] }).expect(200)).body);
    expect(result.unknownNamespaces).toEqual(['nope', 'placeholder']);
    const bad = await whatIf(sut, cluster.clusterId, { level: 'privileged', version: 'v1.01' }).expect(400);
    expect(bad.body.details.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['body.level', 'body.version']));
    const other = await createTenant(sut.database.url);
    await whatIf(sut, cluster.clusterId, { level: 'baseline' }, other.owner).expect(404);
    // latest before the first heartbeat is unknown: ask for a version.
    const early = await whatIf(sut, fresh.clusterId, { level: 'baseline' }).expect(409);
    expect(early.body.message).toMatch(/has not reported/);
    await whatIf(sut, fresh.clusterId, { level: 'baseline', version: 'v1.30' }).expect(200);
  });

  it('gate: ready only where nothing is rejected and no audit violation is in the window; viewers may ask', async () => {
    const clean = GateResult.parse((await gate(cluster.clusterId, { level: 'restricted', namespaces: 'clean' }).expect(200)).body);
    expect(clean).toMatchObject({ verdict: 'ready', namespacesChecked: 1, blockers: [], windowDays: 7, evaluatedVersion: 'v1.30' });

    const all = GateResult.parse((await gate(cluster.clusterId, { level: 'baseline' }).expect(200)).body);
    expect(all.verdict).toBe('not_ready');
    expect(all.blockers.map((b) => b.namespace)).toEqual(['edge', 'tuning', 'web']);
    expect(all.blockers.find((b) => b.namespace === 'tuning')!.workloads[0]).toEqual({
      kind: 'Deployment',
      name: 'tuned',
      checks: ['sysctls'],
      warning: 'Warning: would violate PodSecurity "baseline:latest": forbidden sysctls (net.ipv4.tcp_rmem)',
    });
    const later = GateResult.parse((await gate(cluster.clusterId, { level: 'baseline', version: 'v1.37', namespaces: 'tuning' }).expect(200)).body);
    expect(later.verdict).toBe('ready');

    // An audit-mode violation 2 days ago blocks (a Job the inventory never saw); one 8 days ago is outside the window;
    // a dry run never blocks; a baseline violation blocks restricted too.
    const ref = { orgId: tenant.orgId, clusterId: cluster.clusterId };
    await createAuditEvent(sut.database.url, ref, { namespace: 'clean', level: 'baseline', time: daysFromNow(-8) });
    await createAuditEvent(sut.database.url, ref, { namespace: 'clean', level: 'restricted', time: daysFromNow(-1), dryRun: true });
    let result = GateResult.parse((await gate(cluster.clusterId, { level: 'restricted', namespaces: 'clean' }).expect(200)).body);
    expect(result.verdict).toBe('ready');
    await createAuditEvent(sut.database.url, ref, { namespace: 'clean', level: 'baseline', time: daysFromNow(-2) });
    result = GateResult.parse((await gate(cluster.clusterId, { level: 'restricted', namespaces: 'clean' }).expect(200)).body);
    expect(result).toMatchObject({ verdict: 'not_ready', blockers: [{ namespace: 'clean', workloads: [], auditViolations: 1 }] });
    expect(result.reasons[0]).toMatch(/clean: 1 audit-mode violation\(s\) in the last 7 day\(s\)/);

    const unknown = GateResult.parse((await gate(cluster.clusterId, { level: 'baseline', version: 'v1.37', namespaces: 'tuning,nope' }).expect(200)).body);
    expect(unknown).toMatchObject({ verdict: 'not_ready', unknownNamespaces: ['nope'] });
    const bad = await gate(cluster.clusterId, { level: 'baseline', namespaces: 'ok,Bad_Name' }).expect(400);
    expect(bad.body.details.issues[0].path).toBe('query.namespaces');
  });

  it("gate: the audit window ends at the API's clock: a violation at T-6 days blocks at T, not at T+2 days", async () => {
    const url = sut.database.url;
    const batch = await createCluster(url, tenant.orgId, { name: 'batch' });
    const ref = { orgId: tenant.orgId, clusterId: batch.clusterId };
    await createNamespace(url, ref, { name: 'jobs' });
    // A short-lived Job's pod the inventory never saw: only its audit-mode violation tells.
    await createAuditEvent(url, ref, { namespace: 'jobs', level: 'baseline', time: daysFromNow(-6) });
    const verdict = async () =>
      GateResult.parse((await gate(batch.clusterId, { level: 'baseline', version: 'v1.30', namespaces: 'jobs' }).expect(200)).body);
    try {
      expect(await verdict()).toMatchObject({ verdict: 'not_ready', windowDays: 7, blockers: [{ namespace: 'jobs', workloads: [], auditViolations: 1 }] });
      // T+2 days: the window (7 days) starts at T-5 days, after the violation.
      clock = daysFromNow(2);
      expect(await verdict()).toMatchObject({ verdict: 'ready', namespacesChecked: 1, blockers: [] });
      // T-6.5 days: the violation has not happened yet by the clock, so it cannot block either.
      clock = new Date(daysFromNow(-6).getTime() - DAY / 2);
      expect(await verdict()).toMatchObject({ verdict: 'ready', blockers: [] });
    } finally {
      clock = NOW;
    }
  });

  it('is described in the OpenAPI document: every new route, its parameters and its answer', async () => {
    const doc = (await request(sut.http).get('/api/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { summary?: string; description?: string; parameters?: { name: string; in: string; description?: string }[]; requestBody?: unknown; responses: Record<string, unknown> }>>;
    };
    const routes = [
      ['/api/v1/clusters/{clusterId}/what-if', 'post'],
      ['/api/v1/clusters/{clusterId}/gate', 'get'],
      ['/api/v1/clusters/{clusterId}/drift', 'get'],
      ['/api/v1/namespaces/{namespaceId}/recommendation', 'get'],
    ] as const;
    for (const [path, method] of routes) {
      const operation = doc.paths[path]?.[method];
      expect({ path, described: Boolean(operation?.summary ?? operation?.description), ok: Boolean(operation?.responses['200']) }).toEqual({ path, described: true, ok: true });
      const undescribed = (operation?.parameters ?? []).filter((p) => p.in === 'query' && !p.description).map((p) => p.name);
      expect({ path, undescribed }).toEqual({ path, undescribed: [] });
    }
    expect(doc.paths['/api/v1/clusters/{clusterId}/what-if']!.post!.requestBody).toBeDefined();
  });

  // Last: it seeds a second app's database, which replaces the fixtures above.
  it('past the on-demand limit answers 503 with Retry-After and queues evaluate-versions (once per version set)', async () => {
    // A private redis-server: no worker of anyone else takes the job before it is looked at.
    privateRedis = await startRedisServer();
    limited = await startTestApp({ REDIS_URL: privateRedis.url, RATCHET_WHAT_IF_EVALUATION_LIMIT: '1' });
    await seed(limited);
    const redis = new Redis(privateRedis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(JOB_QUEUE, { connection: redis });
    try {
      // v1.30 is stored: no evaluation needed, whatever the limit.
      await whatIf(limited, cluster.clusterId, { level: 'baseline', version: 'latest' }).expect(200);
      const response = await whatIf(limited, cluster.clusterId, { level: 'baseline', version: 'v1.33' }).expect(503);
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
      expect(response.body).toMatchObject({ code: 'unavailable', details: { versions: ['v1.33'] } });
      // A retry before the worker ran queues nothing more.
      await whatIf(limited, cluster.clusterId, { level: 'baseline', version: 'v1.33' }).expect(503);
      const jobs = await queue.getJobs(['wait']);
      expect(jobs.map((job) => ({ name: job.name, data: job.data as unknown }))).toEqual([
        { name: 'evaluate-versions', data: { version: 2, orgId: tenant.orgId, clusterId: cluster.clusterId, versions: ['v1.33'] } },
      ]);
    } finally {
      await queue.close();
      await redis.quit();
    }
  });
});
