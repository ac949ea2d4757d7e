import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { migrate } from '../../src/migrate/migrate.js';

/**
 * The server tests create their databases on: a superuser connection to its maintenance database. Override with
 * RATCHET_TEST_POSTGRES_URL.
 */
export const ADMIN_URL = process.env['RATCHET_TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  /** Connection URL as the admin (superuser) role. */
  url: string;
  /** The same database as another login role. */
  urlAs(user: string): string;
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply the repository's migrations (default true). */
  migrate?: boolean;
  /** Owner of the new database (default: the admin role). */
  owner?: string;
}

/** Runs SQL on the admin connection; for databases and roles, which live outside any one test database. */
export async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A fresh database `ratchet_test_<random>`, migrated unless told otherwise; drop it in afterAll. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const name = uniqueName('ratchet_test');
  const owner = options.owner === undefined ? '' : ` OWNER ${pg.escapeIdentifier(options.owner)}`;
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)}${owner}`);
  const urlAs = (user?: string): string => {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    if (user !== undefined) {
      url.username = user;
      url.password = '';
    }
    return url.toString();
  };
  const url = urlAs();
  const database: TestDatabase = {
    name,
    url,
    urlAs,
    // FORCE ends connections a test left open (a Prisma pool), so cleanup never hangs.
    drop: async () => void (await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)),
  };
  if (options.migrate ?? true) {
    try {
      await migrate({ connectionString: url });
    } catch (error) {
      await database.drop();
      throw error;
    }
  }
  return database;
}

/** Runs `fn` with a plain pg client on `url`, closing it afterwards. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
