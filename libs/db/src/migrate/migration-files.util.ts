import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One migration as found on disk: `<migrationsDir>/<name>/migration.sql`. */
export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of the file's bytes, as Prisma records it. */
  checksum: string;
}

export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/**
 * Whether a script still matches a recorded checksum. Like Prisma, line endings do not count (git may rewrite
 * them on checkout), so the script is also tried with LF and with CRLF endings.
 */
export function checksumMatches(script: string, checksum: string): boolean {
  const lf = script.replaceAll('\r\n', '\n');
  const candidates = [script, lf, lf.replaceAll('\n', '\r\n')];
  return candidates.some((candidate) => migrationChecksum(candidate) === checksum);
}

/** The migrations under a directory, in name (timestamp) order. */
export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = join(migrationsDir, name, 'migration.sql');
      let sql: string;
      try {
        sql = await readFile(file, 'utf8');
      } catch (error) {
        throw new Error(`migration ${name} has no readable migration.sql (${file})`, { cause: error });
      }
      return { name, sql, checksum: migrationChecksum(sql) };
    }),
  );
}
