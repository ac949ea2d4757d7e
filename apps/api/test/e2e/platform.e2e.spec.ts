import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';

import { MetricsServer } from '../../src/modules/metrics/metrics.server.js';

import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

describe('platform endpoints', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(async () => {
    await sut.close();
  });

  it('answers /healthz while the process runs', async () => {
    const response = await request(sut.http).get('/healthz').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('says ready on /readyz and nothing internal to an anonymous caller', async () => {
    const response = await request(sut.http).get('/readyz').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const given = await request(sut.http).get('/healthz').set('X-Request-Id', 'abc-123').expect(200);
    expect(given.headers['x-request-id']).toBe('abc-123');
    const invented = await request(sut.http).get('/healthz').set('X-Request-Id', 'no spaces allowed').expect(200);
    expect(invented.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Prometheus metrics on the metrics port only, never on the API port', async () => {
    await request(sut.http).get('/healthz');
    await request(sut.http).get('/metrics').expect(404);
    const metricsPort = sut.app.get(MetricsServer).port;
    const response = await request(`http://127.0.0.1:${metricsPort}`).get('/metrics').expect(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.text).toContain('ratchet_http_request_duration_seconds_bucket');
    expect(response.text).toMatch(/route="\/healthz"/);
    await request(`http://127.0.0.1:${metricsPort}`).get('/api/v1/me').expect(404);
  });

  it('sends security headers on every response and no-store on API answers', async () => {
    const health = await request(sut.http).get('/healthz').expect(200);
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect(health.headers['content-security-policy']).toContain("default-src 'self'");
    expect(health.headers['x-frame-options']).toBe('SAMEORIGIN');
    const api = await request(sut.http).get('/api/v1/me').expect(401);
    expect(api.headers['cache-control']).toBe('no-store');
    expect(api.headers['strict-transport-security']).toBeDefined();
  });

  it('serves an OpenAPI 3.1 document covering every declared route, and Swagger UI', async () => {
    const response = await request(sut.http).get('/api/openapi.json').expect(200);
    expect(response.body.openapi).toBe('3.1.0');
    for (const route of sut.routes.filter((r) => r.spec)) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(response.body.paths[path]?.[route.method.toLowerCase()]).toBeDefined();
    }
    const ui = await request(sut.http).get('/api/docs/').expect(200);
    expect(ui.text).toContain('swagger');
  });

  it('answers unknown routes with the error shape', async () => {
    const response = await request(sut.http).get('/api/v1/nope').expect(404);
    expect(response.body).toEqual({ code: 'not_found', message: expect.any(String), details: {} });
  });

  it('rejects malformed JSON with a 400 in the error shape', async () => {
    const response = await request(sut.http)
      .post('/api/v1/nope')
      .set('Content-Type', 'application/json')
      .send('{"broken": ')
      .expect(400);
    expect(response.body).toEqual({ code: 'bad_request', message: 'request body is not valid JSON', details: {} });
  });

  it('declares an Endpoint spec on every route, so validation, auth and OpenAPI cover them all', () => {
    const undeclared = sut.routes.filter((route) => !route.spec).map((route) => `${route.method} ${route.path}`);
    expect(undeclared).toEqual([]);
  });
});
