import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiTokenCreated, GateResult } from '@ratchet/contracts';
import type { Prisma } from '@ratchet/db';
import request from 'supertest';

import { createCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { createNamespace, createPod, createProjection, createWorkload } from '../factories/inventory.factory.js';
import { createTenant } from '../factories/tenant.factory.js';
import type { TestTenant } from '../factories/tenant.factory.js';
import { startRedisServer } from '../support/redis-server.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

// The built CLI (`npx nx run @ratchet/cli:build`) against the real API listening on loopback, with an API token the
// api-tokens module issued.
const CLI = fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url));

const TCP_TUNED = {
  metadata: {},
  spec: { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }] }, containers: [{ name: 'app', image: 'app:1' }] },
};
const PLAIN = { metadata: {}, spec: { containers: [{ name: 'web', image: 'web:1' }] } };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ratchet(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe('ratchet gate (built CLI against the API on loopback)', () => {
  let sut: TestApp;
  let tenant: TestTenant;
  let cluster: TestCluster;
  let env: Record<string, string>;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build it with npx nx run @ratchet/cli:build`);
    sut = await startTestApp();
    await sut.app.listen(0, '127.0.0.1');
    const { port } = sut.http.address() as AddressInfo;
    const url = sut.database.url;
    tenant = await createTenant(url);
    cluster = await createCluster(url, tenant.orgId, { name: 'prod' });
    await ownerClient(url).cluster.update({ where: { orgId_id: { orgId: tenant.orgId, id: cluster.clusterId } }, data: { kubernetesVersion: 'v1.30.2' } });
    const ref = { orgId: tenant.orgId, clusterId: cluster.clusterId };
    for (const [ns, pod] of [['tuning', TCP_TUNED], ['web', PLAIN]] as const) {
      const projection = await createProjection(url, tenant.orgId, { projection: pod as unknown as Prisma.InputJsonValue });
      const workload = await createWorkload(url, await createNamespace(url, ref, { name: ns }), { name: ns === 'tuning' ? 'tuned' : 'frontend', projectionId: projection.id });
      await createPod(url, workload, { projectionId: projection.id });
    }
    const created = await request(sut.http).post('/api/v1/api-tokens').set(tenant.owner.headers).send({ name: 'ci', access: 'read-only' }).expect(201);
    env = { RATCHET_API_URL: `http://127.0.0.1:${port}`, RATCHET_API_TOKEN: ApiTokenCreated.parse(created.body).secret };
  });

  afterAll(async () => {
    await disconnectOwnerClients();
    await sut?.close();
  });

  it('exits 0 when ready and 1 when not, naming the workloads with the kubectl warning', async () => {
    const restricted = await ratchet(['gate', '--cluster', cluster.clusterId, '--level', 'restricted', '--namespaces', 'tuning', '--version', 'v1.37'], env);
    expect(restricted.code).toBe(1);
    const baseline = await ratchet(['gate', '-c', cluster.clusterId, '-l', 'baseline', '-n', 'web'], env);
    expect(baseline).toMatchObject({ code: 0, stderr: '' });
    expect(baseline.stdout).toMatch(/^READY {2}baseline:latest \(v1\.30\) on cluster /);

    const blocked = await ratchet(['gate', '-c', cluster.clusterId, '-l', 'baseline'], env);
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/^NOT READY {2}baseline:latest \(v1\.30\)/);
    expect(blocked.stdout).toContain('  Deployment/tuned  sysctls\n    Warning: would violate PodSecurity "baseline:latest": forbidden sysctls (net.ipv4.tcp_rmem)\n');

    // Allowed from v1.32 on, so a pipeline pinning v1.37 passes.
    expect((await ratchet(['gate', '-c', cluster.clusterId, '-l', 'baseline', '-v', 'v1.37'], env)).code).toBe(0);
  });

  it('prints the API answer with --output json', async () => {
    const run = await ratchet(['gate', '-c', cluster.clusterId, '-l', 'baseline', '-o', 'json'], env);
    expect(run.code).toBe(1);
    const result = GateResult.parse(JSON.parse(run.stdout));
    expect(result).toMatchObject({ verdict: 'not_ready', evaluatedVersion: 'v1.30', blockers: [{ namespace: 'tuning' }] });
  });

  it('exits 2 on a bad environment, a refused token, an unknown cluster, a bad option, or no API', async () => {
    const unset = await ratchet(['gate', '-c', cluster.clusterId], { RATCHET_API_URL: env.RATCHET_API_URL! });
    expect(unset).toMatchObject({ code: 2, stdout: '' });
    expect(unset.stderr).toBe('ratchet gate: RATCHET_API_TOKEN is not set\n');
    const badUrl = await ratchet(['gate', '-c', cluster.clusterId], { ...env, RATCHET_API_URL: 'ftp://x' });
    expect(badUrl.stderr).toMatch(/RATCHET_API_URL must be an http/);
    expect(badUrl.stderr).not.toContain(env.RATCHET_API_TOKEN!);

    const refused = await ratchet(['gate', '-c', cluster.clusterId], { ...env, RATCHET_API_TOKEN: `rat_${'x'.repeat(40)}` });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^ratchet gate: the API answered 401: unauthenticated: /);

    const other = await createTenant(sut.database.url);
    const foreign = await createCluster(sut.database.url, other.orgId);
    const notFound = await ratchet(['gate', '-c', foreign.clusterId], env);
    expect(notFound).toMatchObject({ code: 2, stderr: 'ratchet gate: the API answered 404: not_found: cluster not found\n' });

    const badOption = await ratchet(['gate', '-c', cluster.clusterId, '-l', 'privileged'], env);
    expect(badOption.code).toBe(2);
    const invalid = await ratchet(['gate', '-c', 'not-a-uuid'], env);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/400: validation_failed/);

    // Past the API's on-demand bound with no worker to run the queued evaluation: a 503 that --wait 0 does not retry.
    const redis = await startRedisServer();
    const limited = await startTestApp({ REDIS_URL: redis.url, RATCHET_WHAT_IF_EVALUATION_LIMIT: '0' }, { routeDatabase: () => sut.database.url });
    try {
      await limited.app.listen(0, '127.0.0.1');
      const limitedUrl = `http://127.0.0.1:${(limited.http.address() as AddressInfo).port}`;
      const busy = await ratchet(['gate', '-c', cluster.clusterId, '-v', 'v1.35', '--wait', '0'], { ...env, RATCHET_API_URL: limitedUrl });
      expect(busy.code).toBe(2);
      expect(busy.stderr).toMatch(/^ratchet gate: the API answered 503: unavailable: \d+ projections have not been evaluated at v1\.35 yet/);
    } finally {
      await limited.close();
      await redis.stop();
    }

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const down = await ratchet(['gate', '-c', cluster.clusterId], { ...env, RATCHET_API_URL: `http://127.0.0.1:${port}` });
    expect(down.code).toBe(2);
    expect(down.stderr).toBe(`ratchet gate: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n`);
  });
});
