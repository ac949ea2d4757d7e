import { createHash } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { runMigrateCommand } from '../src/migrate/migrate.command.js';
import { DEFAULT_MIGRATIONS_DIR, MigrationError, migrate } from '../src/migrate/migrate.js';
import { createTestDatabase, withClient, type TestDatabase } from './support/test-database.util.js';

const databases: TestDatabase[] = [];
let migrationsDir: string;

// Each test gets an empty database and its own copy of the repository's migrations to tamper with.
async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase({ migrate: false });
  databases.push(database);
  return database;
}

async function repositoryMigrations(): Promise<string[]> {
  const entries = await readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function history(url: string) {
  return withClient(url, async (client) => {
    const result = await client.query(
      `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
       FROM _prisma_migrations ORDER BY started_at`,
    );
    return result.rows as {
      id: string;
      checksum: string;
      finished_at: Date | null;
      migration_name: string;
      logs: string | null;
      rolled_back_at: Date | null;
      started_at: Date;
      applied_steps_count: number;
    }[];
  });
}

async function tableExists(url: string, table: string): Promise<boolean> {
  return withClient(url, async (client) => {
    const result = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [table]);
    return result.rows[0]?.found !== null;
  });
}

async function addMigration(name: string, sql: string): Promise<void> {
  await mkdir(join(migrationsDir, name));
  await writeFile(join(migrationsDir, name, 'migration.sql'), sql);
}

beforeEach(async () => {
  migrationsDir = await mkdtemp(join(tmpdir(), 'ratchet-migrations-'));
  await cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
});

afterEach(async () => {
  await rm(migrationsDir, { recursive: true, force: true });
});

afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

describe('migrate', () => {
  it('applies every migration to an empty database and records it as Prisma does', async () => {
    const database = await emptyDatabase();
    const names = await repositoryMigrations();
    const lines: string[] = [];

    const result = await migrate({ connectionString: database.url, migrationsDir, log: (line) => lines.push(line) });

    expect(result).toEqual({ applied: names, alreadyApplied: [] });
    expect(lines.filter((line) => line.startsWith('applied ')).length).toBe(names.length + 1);
    const rows = await history(database.url);
    expect(rows.map((row) => row.migration_name)).toEqual(names);
    for (const row of rows) {
      const file = await readFile(join(DEFAULT_MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        checksum: createHash('sha256').update(file).digest('hex'),
        finished_at: expect.any(Date),
        migration_name: row.migration_name,
        logs: null,
        rolled_back_at: null,
        started_at: expect.any(Date),
        applied_steps_count: 1,
      });
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
    expect(await tableExists(database.url, 'workloads')).toBe(true);
  });

  it("creates Prisma's history table with Prisma's column types", async () => {
    const database = await emptyDatabase();
    await migrate({ connectionString: database.url, migrationsDir });
    const columns = await withClient(database.url, async (client) => {
      const result = await client.query<Record<string, unknown>>(
        `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      return result.rows;
    });
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', character_maximum_length: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', character_maximum_length: 64, is_nullable: 'NO', column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', character_maximum_length: 255, is_nullable: 'NO', column_default: null },
      { column_name: 'logs', data_type: 'text', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'NO', column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', character_maximum_length: null, is_nullable: 'NO', column_default: '0' },
    ]);
  });

  it('does nothing on a second run', async () => {
    const database = await emptyDatabase();
    await migrate({ connectionString: database.url, migrationsDir });
    const before = await history(database.url);
    const lines: string[] = [];

    const result = await migrate({ connectionString: database.url, migrationsDir, log: (line) => lines.push(line) });

    expect(result).toEqual({ applied: [], alreadyApplied: await repositoryMigrations() });
    expect(await history(database.url)).toEqual(before);
    expect(lines).toEqual([`database is up to date (${before.length} migrations applied)`]);
  });

  it('applies only the migrations added since the last run, in order', async () => {
    const database = await emptyDatabase();
    await migrate({ connectionString: database.url, migrationsDir });
    await addMigration('29990102000000_second', 'CREATE TABLE "second_table" ("id" INTEGER);');
    await addMigration('29990101000000_first', 'CREATE TABLE "first_table" ("id" INTEGER);');

    const result = await migrate({ connectionString: database.url, migrationsDir });

    expect(result.applied).toEqual(['29990101000000_first', '29990102000000_second']);
    expect((await history(database.url)).slice(-2).map((row) => row.migration_name)).toEqual(result.applied);
  });

  it('refuses to run when an applied migration was changed, naming it', async () => {
    const database = await emptyDatabase();
    await migrate({ connectionString: database.url, migrationsDir });
    const [first] = await repositoryMigrations();
    await appendFile(join(migrationsDir, first!, 'migration.sql'), '\n-- an afterthought\n');
    await addMigration('29990101000000_next', 'CREATE TABLE "next_table" ("id" INTEGER);');

    const run = migrate({ connectionString: database.url, migrationsDir });

    await expect(run).rejects.toThrow(MigrationError);
    await expect(run).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH', migrationName: first });
    await expect(run).rejects.toThrow(new RegExp(`migration ${first} was modified after it was applied`));
    expect(await tableExists(database.url, 'next_table')).toBe(false);
  });

  it('accepts an applied migration whose line endings changed, as Prisma does', async () => {
    const database = await emptyDatabase();
    await migrate({ connectionString: database.url, migrationsDir });
    const [first] = await repositoryMigrations();
    const file = join(migrationsDir, first!, 'migration.sql');
    await writeFile(file, (await readFile(file, 'utf8')).replaceAll('\n', '\r\n'));

    await expect(migrate({ connectionString: database.url, migrationsDir })).resolves.toMatchObject({ applied: [] });
  });

  it('rolls a failing migration back entirely and records nothing for it', async () => {
    const database = await emptyDatabase();
    await migrate({ connectionString: database.url, migrationsDir });
    await addMigration('29990101000000_broken', 'CREATE TABLE "half_done" ("id" INTEGER);\n\nSELECT no_such_column FROM "half_done";\n');

    const run = migrate({ connectionString: database.url, migrationsDir });

    await expect(run).rejects.toMatchObject({ code: 'MIGRATION_FAILED', migrationName: '29990101000000_broken' });
    await expect(run).rejects.toThrow(/29990101000000_broken failed and was rolled back: .*no_such_column.*line 3/);
    expect(await tableExists(database.url, 'half_done')).toBe(false);
    expect((await history(database.url)).map((row) => row.migration_name)).not.toContain('29990101000000_broken');
  });

  it('refuses to run over a migration recorded as failed (by Prisma), until it is resolved', async () => {
    const database = await emptyDatabase();
    await migrate({ connectionString: database.url, migrationsDir });
    await withClient(database.url, (client) =>
      client.query(
        `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, applied_steps_count)
         VALUES (gen_random_uuid()::text, repeat('0', 64), '29990101000000_crashed', 'boom', now(), 0)`,
      ),
    );

    await expect(migrate({ connectionString: database.url, migrationsDir })).rejects.toMatchObject({
      code: 'UNRESOLVED_FAILED_MIGRATION',
      migrationName: '29990101000000_crashed',
    });

    await withClient(database.url, (client) =>
      client.query(`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '29990101000000_crashed'`),
    );
    await expect(migrate({ connectionString: database.url, migrationsDir })).resolves.toMatchObject({ applied: [] });
  });

  it('lets concurrent runners apply each migration exactly once', async () => {
    const database = await emptyDatabase();
    const logs: string[][] = [[], [], []];

    const results = await Promise.all(
      logs.map((lines) => migrate({ connectionString: database.url, migrationsDir, log: (line) => lines.push(line) })),
    );

    const names = await repositoryMigrations();
    expect(results.flatMap((result) => result.applied).sort()).toEqual(names);
    expect((await history(database.url)).map((row) => row.migration_name)).toEqual(names);
  });
});

describe('db:migrate command', () => {
  function io(env: NodeJS.ProcessEnv, argv: string[] = ['--migrations-dir', migrationsDir]) {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { argv, env, out: (line: string) => out.push(line), err: (line: string) => err.push(line) } };
  }

  it('prints what it applied and exits 0', async () => {
    const database = await emptyDatabase();
    const run = io({ DATABASE_URL: database.url });

    expect(await runMigrateCommand(run.io)).toBe(0);
    const names = await repositoryMigrations();
    expect(run.out).toEqual([
      ...names.map((name) => expect.stringMatching(new RegExp(`^applied ${name} \\(\\d+ ms\\)$`))),
      `applied ${names.length} migration(s); ${names.length} in total`,
    ]);
    expect(run.err).toEqual([]);
  });

  it('names DATABASE_URL when it is missing', async () => {
    const run = io({});
    expect(await runMigrateCommand(run.io)).toBe(1);
    expect(run.err).toEqual([expect.stringMatching(/^db:migrate: DATABASE_URL is not set/)]);
  });

  it('names DATABASE_URL when it is not a postgres URL, without printing it', async () => {
    const run = io({ DATABASE_URL: 'mysql://admin:s3cret@db.internal:3306/ratchet' });
    expect(await runMigrateCommand(run.io)).toBe(1);
    expect(run.err).toEqual([expect.stringMatching(/^db:migrate: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/)]);
    expect(run.err.join()).not.toContain('s3cret');
  });

  it('rejects unknown options', async () => {
    const run = io({ DATABASE_URL: 'postgresql://localhost/x' }, ['--dry-run']);
    expect(await runMigrateCommand(run.io)).toBe(1);
    expect(run.err).toEqual([expect.stringMatching(/Unknown option '--dry-run'/)]);
  });
});
