import { randomBytes } from 'node:crypto';

import { migrate } from '@ratchet/db';
import pg from 'pg';

const ADMIN_URL = process.env['RATCHET_TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
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

/**
 * A fresh, migrated database for one test file, dropped afterwards. The worker connects as the admin login, but
 * every query it makes runs in withTenant (SET LOCAL ROLE ratchet_app), so row-level security applies.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `ratchet_worker_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const parsed = new URL(ADMIN_URL);
  parsed.pathname = `/${name}`;
  const url = parsed.toString();
  const drop = () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  try {
    await migrate({ connectionString: url });
  } catch (error) {
    await drop();
    throw error;
  }
  return { url, drop };
}
