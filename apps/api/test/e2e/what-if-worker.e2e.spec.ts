import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import getPort from 'get-port';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClusterDrift, GateResult, NamespaceRecommendation, WhatIfResult } from '@ratchet/contracts';
import type { ProjectionContent } from '@ratchet/contracts';
import { evaluatePod, projectionHash, violationMessage } from '@ratchet/pss';
import type { PodLike } from '@ratchet/pss';
import request from 'supertest';

import { createCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { namespaceBody, podBody, workloadBody } from '../factories/ingest-body.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant, TestUser } from '../factories/tenant.factory.js';
import { startRedisServer } from '../support/redis-server.js';
import type { TestRedisServer } from '../support/redis-server.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

// Through the real API and the real worker process (apps/worker/dist, `npx nx run @ratchet/worker:build`) on a
// private redis-server: the agent's batches go in through ingest, the worker evaluates and stores verdicts,
// readiness and drift, and what-if, gate, drift and recommendation read them, asserted against libs/pss.
const WORKER = fileURLToPath(new URL('../../../worker/dist/main.js', import.meta.url));

const POD: Record<'tcpTuned' | 'plain' | 'hostNetwork', ProjectionContent> = {
  tcpTuned: { metadata: {}, spec: { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem' }] }, containers: [{ name: 'app', image: 'app:1' }] } },
  plain: { metadata: {}, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
  hostNetwork: { metadata: {}, spec: { hostNetwork: true, containers: [{ name: 'agent', image: 'agent:1' }] } },
};
const hashOf = (name: keyof typeof POD) => projectionHash({ metadata: POD[name].metadata, spec: POD[name].spec });

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('what-if, gate, drift and recommendation over what the real worker computed', () => {
  let redis: TestRedisServer;
  let sut: TestApp;
  let limited: TestApp;
  let worker: ChildProcess;
  let tenant: TestTenant;
  let viewer: TestUser;
  let cluster: TestCluster;
  const ids = new Map<string, string>();

  const agentPost = (path: string, body: object) =>
    request(sut.http).post(`/api/v1/ingest/${path}`).set({ ...cluster.agentHeaders, 'Idempotency-Key': randomUUID() }).send(body).expect(202);
  const whatIf = (app: TestApp, body: object) => request(app.http).post(`/api/v1/clusters/${cluster.clusterId}/what-if`).set(viewer.headers).send(body);
  const verdictRows = () => ownerClient(sut.database.url).projectionEvaluation.count({ where: { orgId: tenant.orgId } });

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: build it with npx nx run @ratchet/worker:build`);
    redis = await startRedisServer();
    sut = await startTestApp({ REDIS_URL: redis.url });
    const url = sut.database.url;
    worker = spawn(process.execPath, [WORKER], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: url, REDIS_URL: redis.url, RATCHET_METRICS_PORT: String(await getPort()), RATCHET_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    tenant = await createTenant(url);
    viewer = await createMember(url, tenant.orgId, 'viewer');
    cluster = await createCluster(url, tenant.orgId, { name: 'v130' });

    await agentPost('heartbeat', { agentVersion: '0.1.0', kubernetesVersion: 'v1.30.4', counts: { namespaces: 3, workloads: 3, pods: 3 }, startedAt: new Date().toISOString() });
    const namespaces = [
      namespaceBody('tuning', { labels: {} }),
      namespaceBody('pinned', { labels: { enforce: 'baseline', enforceVersion: 'v1.32' } }),
      namespaceBody('web', { labels: {} }),
    ];
    const tuned = workloadBody('tuning', 'tuned', hashOf('tcpTuned'));
    const pinned = workloadBody('pinned', 'tuned', hashOf('tcpTuned'));
    const frontend = workloadBody('web', 'frontend', hashOf('plain'));
    await agentPost('inventory/resync', {
      syncId: randomUUID(),
      chunk: 1,
      totalChunks: 1,
      namespaces,
      workloads: [tuned, pinned, frontend],
      pods: [
        podBody('tuning', 'tuned-1', tuned.uid, hashOf('tcpTuned')),
        podBody('pinned', 'tuned-1', pinned.uid, hashOf('tcpTuned')),
        podBody('web', 'frontend-1', frontend.uid, hashOf('plain')),
      ],
      projections: { [hashOf('tcpTuned')]: POD.tcpTuned, [hashOf('plain')]: POD.plain },
    });
    const db = ownerClient(url);
    await until('the worker', async () => {
      const pending = await db.securityProjection.count({ where: { orgId: tenant.orgId, evaluatedAt: null } });
      const marks = await db.inventoryMark.count({ where: { orgId: tenant.orgId } });
      const readiness = await db.namespaceReadiness.count({ where: { orgId: tenant.orgId, status: { not: 'unknown' } } });
      return pending === 0 && marks === 0 && readiness === 6 ? true : undefined;
    });
    for (const namespace of await db.namespace.findMany({ where: { orgId: tenant.orgId } })) ids.set(namespace.name, namespace.id);
  });

  afterAll(async () => {
    worker?.kill('SIGTERM');
    if (worker && worker.exitCode === null) await new Promise((resolve) => worker.once('exit', resolve));
    await disconnectOwnerClients();
    await limited?.close();
    await sut?.close();
    await redis?.stop();
  });

  it("answers what-if at latest (v1.30) from the worker's stored verdicts, as libs/pss evaluates the same pods", async () => {
    const before = await verdictRows();
    expect(before).toBeGreaterThan(0);
    const result = WhatIfResult.parse((await whatIf(sut, { level: 'baseline', version: 'latest', namespaces: 'all' }).expect(200)).body);
    // Nothing was evaluated on demand: the worker had stored every verdict at the cluster's release.
    expect(await verdictRows()).toBe(before);
    const expected = evaluatePod(POD.tcpTuned, 'baseline', 'v1.30');
    expect(expected.allowed).toBe(false);
    expect(result.workloads.map((w) => `${w.namespace}/${w.name}`)).toEqual(['pinned/tuned', 'tuning/tuned']);
    for (const workload of result.workloads) {
      expect(workload.checks.map((c) => c.id)).toEqual(expected.checks.map((c) => c.id));
      expect(workload.warning).toBe(`Warning: ${violationMessage({ ...expected, version: 'latest' })}`);
    }
    // At v1.37 (evaluated on demand) the sysctl is allowed, as libs/pss says.
    expect(evaluatePod(POD.tcpTuned as unknown as PodLike, 'baseline', 'v1.37').allowed).toBe(true);
    const later = WhatIfResult.parse((await whatIf(sut, { level: 'baseline', version: 'v1.37', namespaces: ['tuning'] }).expect(200)).body);
    expect(later.workloads).toEqual([]);
  });

  it('closes the gate at latest and opens it at v1.37', async () => {
    const gate = (query: Record<string, string>) => request(sut.http).get(`/api/v1/clusters/${cluster.clusterId}/gate`).set(viewer.headers).query(query).expect(200);
    const closed = GateResult.parse((await gate({ level: 'baseline', namespaces: 'tuning' })).body);
    expect(closed).toMatchObject({ verdict: 'not_ready', evaluatedVersion: 'v1.30', blockers: [{ namespace: 'tuning', workloads: [{ name: 'tuned', checks: ['sysctls'] }] }] });
    expect(GateResult.parse((await gate({ level: 'baseline', version: 'v1.37', namespaces: 'tuning' })).body).verdict).toBe('ready');
  });

  it('lists the drift the worker stored for the namespace pinned to v1.32', async () => {
    const drift = ClusterDrift.parse((await request(sut.http).get(`/api/v1/clusters/${cluster.clusterId}/drift?level=baseline`).set(viewer.headers).expect(200)).body);
    expect(drift.namespaces).toEqual([
      expect.objectContaining({ namespace: 'pinned', pinnedVersion: 'v1.32', latestVersion: 'v1.30', workloads: [expect.objectContaining({ name: 'tuned', checks: [expect.objectContaining({ id: 'sysctls', detail: 'net.ipv4.tcp_rmem' })] })] }),
    ]);
  });

  it("recommends from the worker's readiness: observe baseline where it fails, enforce it where it passes", async () => {
    const recommend = async (name: string) =>
      NamespaceRecommendation.parse((await request(sut.http).get(`/api/v1/namespaces/${ids.get(name)}/recommendation`).set(viewer.headers).expect(200)).body);
    expect((await recommend('tuning')).stage).toBe('observe-baseline');
    const web = await recommend('web');
    expect(web.stage).toBe('enforce-baseline');
    expect(web.kubectlCommand).toContain('pod-security.kubernetes.io/enforce=baseline');
    // It enforces baseline at v1.32, where the sysctl is allowed (readiness is at the pinned version): next is restricted.
    expect((await recommend('pinned')).stage).toBe('fix-restricted');
  });

  it('past the on-demand limit: 503, the worker evaluates the queued versions, and the retry succeeds', async () => {
    limited = await startTestApp({ REDIS_URL: redis.url, RATCHET_WHAT_IF_EVALUATION_LIMIT: '0' }, { routeDatabase: () => sut.database.url });
    const body = { level: 'restricted', version: 'v1.34', namespaces: 'all' };
    const refused = await whatIf(limited, body).expect(503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const answered = await until('the queued evaluation', async () => {
      const response = await whatIf(limited, body);
      return response.status === 200 ? WhatIfResult.parse(response.body) : undefined;
    });
    expect(answered.evaluatedVersion).toBe('v1.34');
    const rejected = (['tcpTuned', 'plain'] as const).filter((name) => !evaluatePod(POD[name] as unknown as PodLike, 'restricted', 'v1.34').allowed);
    expect(rejected).toEqual(['tcpTuned', 'plain']);
    expect(answered.workloads.map((w) => `${w.namespace}/${w.name}`)).toEqual(['pinned/tuned', 'tuning/tuned', 'web/frontend']);
  });
});
