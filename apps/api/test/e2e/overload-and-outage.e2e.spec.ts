import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';

import { MetricsServer } from '../../src/modules/metrics/metrics.server.js';
import { disconnectOwnerClients } from '../factories/db.factory.js';
import { createCluster } from '../factories/cluster.factory.js';
import { createTenant } from '../factories/tenant.factory.js';
import type { TestTenant } from '../factories/tenant.factory.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import type { TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

describe('a Postgres outage', () => {
  let proxy: TcpProxy;
  let sut: TestApp;
  let tenant: TestTenant;
  let agentHeaders: Record<string, string>;

  beforeAll(async () => {
    proxy = await startTcpProxy('127.0.0.1', 5432);
    sut = await startTestApp({}, { routeDatabase: (url) => proxy.route(url) });
    tenant = await createTenant(sut.database.url);
    ({ agentHeaders } = await createCluster(sut.database.url, tenant.orgId));
  });
  afterAll(async () => {
    await sut.close();
    await proxy.close();
    await disconnectOwnerClients();
  });

  it('answers 503 unavailable with Retry-After (never 500) while the database is unreachable, and serves again after', async () => {
    await request(sut.http).get('/api/v1/clusters').set(tenant.owner.headers).expect(200);
    proxy.cut();
    try {
      for (const call of [
        () => request(sut.http).get('/api/v1/clusters').set(tenant.owner.headers),
        () => request(sut.http).get('/api/v1/me').set('Cookie', tenant.owner.cookie),
        () => request(sut.http).post('/api/v1/ingest/heartbeat').set(agentHeaders).set('Idempotency-Key', 'hb-outage').send({
          agentVersion: '0.1.0',
          kubernetesVersion: 'v1.31.2',
          counts: { namespaces: 1, workloads: 1, pods: 1 },
          startedAt: new Date().toISOString(),
        }),
      ]) {
        const response = await call();
        expect({ status: response.status, code: response.body.code }).toEqual({ status: 503, code: 'unavailable' });
        expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(JSON.stringify(response.body)).not.toMatch(/ECONNRESET|ECONNREFUSED|127\.0\.0\.1|prisma/i);
      }
      const readiness = await request(sut.http).get('/readyz').expect(503);
      expect(readiness.body).toEqual({ status: 'unavailable' });
      await request(sut.http).get('/healthz').expect(200);
    } finally {
      proxy.restore();
    }
    await request(sut.http).get('/readyz').expect(200);
    await request(sut.http).get('/api/v1/clusters').set(tenant.owner.headers).expect(200);
  });
});

describe('a burst beyond what the pool can take', () => {
  let sut: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    // One connection: two requests run, fifty wait, the rest are refused at once.
    sut = await startTestApp({ RATCHET_DB_POOL_SIZE: '1' });
    tenant = await createTenant(sut.database.url);
  });
  afterAll(async () => {
    await sut.close();
    await disconnectOwnerClients();
  });

  it('answers every request 200 or 503 unavailable with Retry-After, never 500', async () => {
    const responses = await Promise.all(
      Array.from({ length: 300 }, () => request(sut.http).get('/api/v1/clusters').set(tenant.owner.headers).then((r) => r)),
    );
    const statuses = new Map<number, number>();
    for (const response of responses) statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    expect([...statuses.keys()].filter((status) => status !== 200 && status !== 503)).toEqual([]);
    // At least the first admitted ones are served; how many more depends on the machine (the queue waits 5 s).
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    for (const refused of responses.filter((r) => r.status === 503)) {
      expect(refused.body).toEqual({ code: 'unavailable', message: expect.stringContaining('capacity'), details: { retryAfterSeconds: 1 } });
      expect(refused.headers['retry-after']).toBe('1');
    }
    // Probes are outside the limit: the replica stays in the balancer while it sheds load.
    await request(sut.http).get('/readyz').expect(200);
    const metrics = await request(`http://127.0.0.1:${sut.app.get(MetricsServer).port}`).get('/metrics').expect(200);
    const rejected = [...metrics.text.matchAll(/^ratchet_admission_rejected_total\{reason="[a-z_]+"\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(rejected).toBe(statuses.get(503));
    expect(metrics.text).toMatch(/^ratchet_admission_requests\{state="waiting"\} 0$/m);
  });
});
