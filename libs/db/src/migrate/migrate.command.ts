import { parseArgs } from 'node:util';

import { readDatabaseUrl } from './database-url.util.js';
import { migrate } from './migrate.js';

export interface MigrateCommandIo {
  argv: string[];
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * `db:migrate [--migrations-dir <dir>]`: applies pending migrations to the database named by DATABASE_URL.
 * Returns the exit code; errors are printed, not thrown.
 */
export async function runMigrateCommand(io: MigrateCommandIo): Promise<number> {
  try {
    const { values } = parseArgs({ args: io.argv, options: { 'migrations-dir': { type: 'string' } }, strict: true });
    const connectionString = readDatabaseUrl(io.env);
    await migrate({ connectionString, migrationsDir: values['migrations-dir'], log: io.out });
    return 0;
  } catch (error) {
    io.err(`db:migrate: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
