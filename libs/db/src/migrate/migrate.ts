import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import pg from 'pg';

import { checksumMatches, readMigrationFiles, type MigrationFile } from './migration-files.util.js';

/** `prisma/migrations` at the repository root; the same relative path from `src/migrate` and `dist/migrate`. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../../prisma/migrations', import.meta.url));

// The advisory lock key Prisma Migrate takes, so this runner and `prisma migrate deploy` never run at once.
const MIGRATION_LOCK_KEY = 72707369;

// Prisma's own definition of its history table (schema-engine, sql-schema-connector).
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

export type MigrationErrorCode = 'CHECKSUM_MISMATCH' | 'UNRESOLVED_FAILED_MIGRATION' | 'MIGRATION_FAILED';

/** Why migrating stopped; `migrationName` names the migration at fault. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';

  constructor(
    readonly code: MigrationErrorCode,
    readonly migrationName: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface MigrateOptions {
  connectionString: string;
  /** Defaults to the repository's `prisma/migrations`. */
  migrationsDir?: string;
  /** Progress lines (what was applied, what is being waited for). */
  log?: (line: string) => void;
}

export interface MigrateResult {
  /** Migrations this run applied, in order. */
  applied: string[];
  /** Migrations that were already applied. */
  alreadyApplied: string[];
}

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

/**
 * Applies the pending migrations under `migrationsDir` in name order, each in its own transaction, and records
 * each in Prisma's `_prisma_migrations` table as Prisma does (so `prisma migrate deploy` accepts the history).
 * Holds Prisma's migration advisory lock throughout, so concurrent runners wait for each other. Refuses to run
 * when an applied migration's file changed or when the history holds a failed migration.
 *
 * A migration must not manage transactions itself, nor use statements that cannot run inside one
 * (`CREATE INDEX CONCURRENTLY`).
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const log = options.log ?? (() => undefined);
  const migrations = await readMigrationFiles(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const client = new pg.Client({ connectionString: options.connectionString });
  await client.connect();
  try {
    await acquireLock(client, log);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const rows = await appliedRows(client);
      const done = checkHistory(migrations, rows, log);
      const pending = migrations.filter((migration) => !done.has(migration.name));
      for (const migration of pending) {
        const started = performance.now();
        await apply(client, migration);
        log(`applied ${migration.name} (${Math.round(performance.now() - started)} ms)`);
      }
      log(
        pending.length === 0
          ? `database is up to date (${done.size} migrations applied)`
          : `applied ${pending.length} migration(s); ${done.size + pending.length} in total`,
      );
      return { applied: pending.map((m) => m.name), alreadyApplied: migrations.filter((m) => done.has(m.name)).map((m) => m.name) };
    } finally {
      // Ending the session releases the lock as well; unlocking first just frees it sooner.
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

async function acquireLock(client: pg.Client, log: (line: string) => void): Promise<void> {
  const attempt = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY]);
  if (attempt.rows[0]?.locked) return;
  log('another migration is running; waiting for it to finish');
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
}

async function appliedRows(client: pg.Client): Promise<MigrationRow[]> {
  const result = await client.query<MigrationRow>(
    `SELECT id, checksum, migration_name, finished_at, rolled_back_at, logs
     FROM _prisma_migrations ORDER BY started_at, migration_name`,
  );
  return result.rows;
}

// Validates the recorded history against the files and returns the names of the migrations already applied.
function checkHistory(migrations: MigrationFile[], rows: MigrationRow[], log: (line: string) => void): Set<string> {
  const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed) {
    throw new MigrationError(
      'UNRESOLVED_FAILED_MIGRATION',
      failed.migration_name,
      `migration ${failed.migration_name} is recorded as failed in _prisma_migrations` +
        `${failed.logs ? ` (${failed.logs.split('\n')[0]})` : ''}; fix the database, then mark it rolled back ` +
        `(prisma migrate resolve --rolled-back ${failed.migration_name}) before migrating again`,
    );
  }

  const files = new Map(migrations.map((migration) => [migration.name, migration]));
  const applied = new Set<string>();
  for (const row of rows) {
    if (row.rolled_back_at !== null || row.finished_at === null) continue;
    const file = files.get(row.migration_name);
    if (!file) {
      log(`warning: ${row.migration_name} is applied in the database but not found in the migrations directory`);
      continue;
    }
    if (!checksumMatches(file.sql, row.checksum)) {
      throw new MigrationError(
        'CHECKSUM_MISMATCH',
        row.migration_name,
        `migration ${row.migration_name} was modified after it was applied (recorded checksum ${row.checksum}, ` +
          `file checksum ${file.checksum}); restore the applied file and put the change in a new migration`,
      );
    }
    applied.add(row.migration_name);
  }
  return applied;
}

async function apply(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await client.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, clock_timestamp(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      'UPDATE _prisma_migrations SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    // A failed ROLLBACK means the connection is gone, which the migration's own error explains better.
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationError(
      'MIGRATION_FAILED',
      migration.name,
      `migration ${migration.name} failed and was rolled back: ${describeSqlError(error, migration.sql)}`,
      { cause: error },
    );
  }
}

// Points at the failing statement: a syntax error has a position in the script, an error inside a DO block or
// function has a PL/pgSQL context.
function describeSqlError(error: unknown, sql: string): string {
  if (!(error instanceof Error)) return String(error);
  if (!(error instanceof pg.DatabaseError)) return error.message;
  const where: string[] = [];
  if (error.position) where.push(`migration.sql line ${sql.slice(0, Number(error.position) - 1).split('\n').length}`);
  if (error.where) where.push(error.where.replaceAll('\n', '; '));
  return where.length === 0 ? error.message : `${error.message} (${where.join('; ')})`;
}
