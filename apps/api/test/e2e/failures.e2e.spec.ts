import { Writable } from 'node:stream';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import request from 'supertest';

import { parseApiEnv } from '../../src/config/env.schema.js';
import { createApp } from '../../src/create-app.js';
import { BootCheckError } from '../../src/infra/database-boot-check.js';
import { disconnectOwnerClients } from '../factories/db.factory.js';
import { createTenant } from '../factories/tenant.factory.js';
import type { TestTenant } from '../factories/tenant.factory.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const ADMIN_URL = process.env.RATCHET_TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

function urlOf(database: string, password?: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  if (password) url.password = password;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function bootError(databaseUrl: string): Promise<BootCheckError> {
  const config = parseApiEnv({ DATABASE_URL: databaseUrl, REDIS_URL: 'redis://127.0.0.1:6379', RATCHET_LOG_LEVEL: 'silent', RATCHET_METRICS_PORT: '0' });
  try {
    const { app } = await createApp(config);
    await app.close();
  } catch (error) {
    if (error instanceof BootCheckError) return error;
    throw error;
  }
  throw new Error('the API started');
}

describe('boot refuses a database it could not serve from, naming the problem', () => {
  it('a database that does not exist', async () => {
    const error = await bootError(urlOf('ratchet_missing_db_for_boot_test', 'hunter2'));
    expect(error.message).toMatch(/database "ratchet_missing_db_for_boot_test" on 127\.0\.0\.1:5432 does not exist.*npm run db:migrate/);
    expect(error.message).not.toContain('hunter2');
    expect(error.exitCode).toBe(78);
  });

  it('a database that is not migrated', async () => {
    const name = `ratchet_api_test_unmigrated_${Date.now()}`;
    await admin(`CREATE DATABASE ${name}`);
    try {
      const error = await bootError(urlOf(name));
      expect(error.message).toMatch(/is not migrated: \d+ migration\(s\) pending \(20261126000000_init, .*\); run npm run db:migrate/);
    } finally {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });

  it('a server that does not answer', async () => {
    const error = await bootError('postgresql://postgres@127.0.0.1:1/ratchet');
    expect(error.message).toMatch(/cannot reach database "ratchet" on 127\.0\.0\.1:1/);
    expect(error.exitCode).toBe(69);
  });
});

// A bug inside the server (here: a column the code reads is gone) must not leak, and must be findable in the log.
describe('an internal error', () => {
  let sut: TestApp;
  let tenant: TestTenant;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    sut = await startTestApp({ RATCHET_LOG_LEVEL: 'info' }, { logDestination: destination });
    tenant = await createTenant(sut.database.url);
    await ownerQuery(sut.database.url, 'ALTER TABLE users RENAME COLUMN display_name TO display_name_gone');
  });
  afterAll(async () => {
    await sut.close();
    await disconnectOwnerClients();
  });

  async function ownerQuery(url: string, sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  it('answers 500 in the error shape, leaking nothing, and logs the stack under the request id', async () => {
    const response = await request(sut.http).get('/api/v1/me').set('Cookie', tenant.owner.cookie).set('X-Request-Id', 'req-500-test').expect(500);
    expect(response.body).toEqual({ code: 'internal', message: expect.stringContaining('request id'), details: {} });
    const text = JSON.stringify(response.body);
    for (const internal of ['display_name', 'prisma', 'Prisma', 'at ', 'postgres', '.ts:', '.js:']) {
      expect(text).not.toContain(internal);
    }
    expect(response.headers['x-request-id']).toBe('req-500-test');
    const logged = lines.filter((line) => line.reqId === 'req-500-test');
    const error = logged.find((line) => line.msg === 'unhandled error') as { err?: { stack?: string } } | undefined;
    expect(error?.err?.stack).toMatch(/display_name/);
    const access = logged.find((line) => (line.res as { statusCode?: number } | undefined)?.statusCode === 500);
    expect(access).toMatchObject({ reqId: 'req-500-test', level: 50 });
  });

  it('writes the request id and the orgId on every line logged while serving a tenant request', async () => {
    await request(sut.http).get('/api/v1/clusters').set(tenant.owner.headers).set('X-Request-Id', 'req-org-test').expect(200);
    const access = lines.find((line) => line.reqId === 'req-org-test' && line.res !== undefined);
    expect(access).toMatchObject({ reqId: 'req-org-test', orgId: tenant.orgId, req: { method: 'GET', url: '/api/v1/clusters' }, res: { statusCode: 200 } });
  });

  it('stays alive on /healthz', async () => {
    await request(sut.http).get('/healthz').expect(200);
  });
});
