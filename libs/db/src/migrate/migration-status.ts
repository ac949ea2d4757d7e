import pg from 'pg';

import { readMigrationFiles } from './migration-files.util.js';
import { APP_ROLE } from '../tenant-transaction.js';
import { DEFAULT_MIGRATIONS_DIR } from './migrate.js';

export interface MigrationStatusOptions {
  connectionString: string;
  /** Defaults to the repository's `prisma/migrations`. */
  migrationsDir?: string;
  /** Gives up connecting after this long (ms); default 5 s. */
  connectTimeoutMs?: number;
}

/** What a service needs to know before it serves: migrations on disk the database has not finished. */
export interface MigrationStatus {
  /** Migration names on disk that are not applied (or are recorded as failed), in order. */
  pending: string[];
  /** Whether the connecting user may `SET ROLE ratchet_app`, which every transaction does. */
  appRoleGranted: boolean;
}

/**
 * Reads `_prisma_migrations` read-only (no lock, no table created) and lists the migrations on disk that the
 * database has not applied. A database without the history table has every migration pending. Throws the
 * driver's error when the database cannot be reached or does not exist.
 */
export async function migrationStatus(options: MigrationStatusOptions): Promise<MigrationStatus> {
  const files = await readMigrationFiles(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const client = new pg.Client({ connectionString: options.connectionString, connectionTimeoutMillis: options.connectTimeoutMs ?? 5000 });
  await client.connect();
  try {
    const probe = await client.query<{ exists: boolean; granted: boolean }>(
      `SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists,
              EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AND pg_has_role(current_user, $1, 'MEMBER') AS granted`,
      [APP_ROLE],
    );
    const appRoleGranted = probe.rows[0]?.granted ?? false;
    if (!probe.rows[0]?.exists) return { pending: files.map((file) => file.name), appRoleGranted };
    const rows = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Set(rows.rows.map((row) => row.migration_name));
    return { pending: files.map((file) => file.name).filter((name) => !applied.has(name)), appRoleGranted };
  } finally {
    await client.end().catch(() => undefined);
  }
}
