import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';

import { SESSION_COOKIE } from '../../src/common/auth/session-cookie.js';
import { TOKEN_PREFIX, issueToken } from '../../src/common/auth/token.util.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

// The API pointed at a database that does not exist: every query fails inside the server.
describe('when Postgres is unreachable', () => {
  let sut: TestApp;
  const missingDatabase = 'ratchet_missing_db_for_failure_test';

  beforeAll(async () => {
    sut = await startTestApp({ DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${missingDatabase}` });
  });
  afterAll(async () => {
    await sut.close();
  });

  it('answers a 500 in the error shape that leaks no internals', async () => {
    const cookie = `${SESSION_COOKIE}=${issueToken(TOKEN_PREFIX.session).token}`;
    const response = await request(sut.http).get('/api/v1/me').set('Cookie', cookie).expect(500);
    expect(response.body).toEqual({ code: 'internal', message: expect.any(String), details: {} });
    const text = JSON.stringify(response.body);
    for (const internal of [missingDatabase, 'prisma', 'Prisma', 'at ', 'postgres', '.ts:', '.js:']) {
      expect(text).not.toContain(internal);
    }
    expect(response.headers['x-request-id']).toBeDefined();
  });

  it('reports itself not ready on /readyz with 503, naming Postgres', async () => {
    const response = await request(sut.http).get('/readyz').expect(503);
    expect(response.body.status).toBe('unavailable');
    expect(response.body.checks.postgres.status).toBe('down');
    expect(response.body.checks.redis.status).toBe('ok');
  });

  it('stays alive on /healthz', async () => {
    await request(sut.http).get('/healthz').expect(200);
  });
});
