import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';

import { signUp, testClientIp } from '../factories/account.factory.js';
import { createCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients } from '../factories/db.factory.js';
import { heartbeatBody } from '../factories/ingest-body.factory.js';
import { createTenant } from '../factories/tenant.factory.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const PUBLIC_URL = 'https://ratchet.example.test';

describe('browser safety: origin and JSON checks on cookie requests', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp({ RATCHET_PUBLIC_URL: PUBLIC_URL, RATCHET_LOGIN_RATE_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await sut.close();
    await disconnectOwnerClients();
  });

  it('refuses a form-encoded POST from another origin that would mint an agent token, and mints nothing', async () => {
    const tenant = await createTenant(sut.database.url);
    const cluster = await createCluster(sut.database.url, tenant.orgId);
    const tokensUrl = `/api/v1/clusters/${cluster.clusterId}/agent-tokens`;
    const before = (await request(sut.http).get(tokensUrl).set(tenant.owner.headers).expect(200)).body.items.length as number;
    const forged = await request(sut.http)
      .post(tokensUrl)
      .set({ Cookie: tenant.owner.cookie, 'X-Ratchet-Org': tenant.orgId, Origin: 'https://evil.example' })
      .type('form')
      .send({ name: 'stolen' })
      .expect(415);
    expect(forged.body.code).toBe('unsupported_media_type');
    const crossOrigin = await request(sut.http)
      .post(tokensUrl)
      .set({ Cookie: tenant.owner.cookie, 'X-Ratchet-Org': tenant.orgId, Origin: 'https://evil.example' })
      .send({ name: 'stolen' })
      .expect(403);
    expect(crossOrigin.body.message).toContain(`this API's origin is ${PUBLIC_URL}`);
    const noOrigin = await request(sut.http).post(tokensUrl).set({ Cookie: tenant.owner.cookie, 'X-Ratchet-Org': tenant.orgId }).send({ name: 'stolen' }).expect(403);
    expect(noOrigin.body.message).toContain(`must carry Origin: ${PUBLIC_URL}`);
    const textPlain = await request(sut.http).delete(`/api/v1/clusters/${cluster.clusterId}`).set(tenant.owner.headers).set('Content-Type', 'text/plain').send('x').expect(415);
    expect(textPlain.body.code).toBe('unsupported_media_type');
    expect((await request(sut.http).get(tokensUrl).set(tenant.owner.headers).expect(200)).body.items).toHaveLength(before);
    // From the public origin, as JSON, it works.
    await request(sut.http).post(tokensUrl).set(tenant.owner.headers).send({ name: 'legit' }).expect(201);
  });

  it('lets token-authenticated scripts through without an Origin, and reads stay unaffected', async () => {
    const user = await signUp(sut.http, testClientIp());
    const token = (await request(sut.http).post('/api/v1/api-tokens').set(user.headers).send({ name: 'ci', access: 'read-write' }).expect(201)).body.secret as string;
    await request(sut.http).post('/api/v1/clusters').set('Authorization', `Bearer ${token}`).send({ name: 'from-ci' }).expect(201);
    await request(sut.http).get('/api/v1/clusters').set('Cookie', user.cookie).expect(200);
  });

  it('refuses a cross-origin sign-in, and takes one from scripts without an Origin', async () => {
    const user = await signUp(sut.http, testClientIp());
    await request(sut.http).post('/api/v1/auth/login').set('Origin', 'https://evil.example').send({ email: user.email, password: user.password }).expect(403);
    await request(sut.http).post('/api/v1/auth/login').set('X-Forwarded-For', testClientIp()).send({ email: user.email, password: user.password }).expect(200);
  });

  it('marks the session cookie Secure because the public URL is https', async () => {
    const response = await request(sut.http)
      .post('/api/v1/auth/signup')
      .set('X-Forwarded-For', testClientIp())
      .send({ email: `secure-${Date.now()}@example.test`, password: 'tundra mosaic violin', name: 'S', organizationName: 'S' })
      .expect(201);
    expect((response.headers['set-cookie'] as unknown as string[])[0]).toMatch(/; Secure/);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('records when an agent token was last used', async () => {
    const tenant = await createTenant(sut.database.url);
    const cluster = await createCluster(sut.database.url, tenant.orgId);
    const tokensUrl = `/api/v1/clusters/${cluster.clusterId}/agent-tokens`;
    const [unused] = (await request(sut.http).get(tokensUrl).set(tenant.owner.headers).expect(200)).body.items as { lastUsedAt: string | null }[];
    expect(unused!.lastUsedAt).toBeNull();
    const before = Date.now();
    await request(sut.http).post('/api/v1/ingest/heartbeat').set(cluster.agentHeaders).set('Idempotency-Key', 'hb-last-used').send(heartbeatBody()).expect(202);
    const [used] = (await request(sut.http).get(tokensUrl).set(tenant.owner.headers).expect(200)).body.items as { lastUsedAt: string | null }[];
    expect(new Date(used!.lastUsedAt!).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });
});

describe('trusted proxies', () => {
  let sut: TestApp;

  beforeAll(async () => {
    // Loopback is not trusted here: X-Forwarded-For from it is ignored.
    sut = await startTestApp({ RATCHET_TRUSTED_PROXIES: '10.0.0.0/8', RATCHET_LOGIN_RATE_PER_MINUTE: '2' });
  });
  afterAll(async () => {
    await sut.close();
  });

  it('counts the login budget for the connecting address when the proxy is not trusted, whatever X-Forwarded-For claims', async () => {
    const attempt = () =>
      request(sut.http).post('/api/v1/auth/login').set('X-Forwarded-For', testClientIp()).send({ email: `p-${Date.now()}-${Math.random()}@example.test`, password: 'guess' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await attempt()).status);
    // Other suites may share 127.0.0.1's budget in Redis: at most two get through, the rest are limited.
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(2);
    expect(statuses.slice(2)).toEqual([429, 429, 429, 429]);
  });
});
