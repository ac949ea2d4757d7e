import { migrationStatus } from '@ratchet/db';

/** Why the API refuses to start; `exitCode` follows sysexits (69 unavailable, 78 configuration). */
export class BootCheckError extends Error {
  override readonly name = 'BootCheckError';

  constructor(
    message: string,
    readonly exitCode: 69 | 78,
  ) {
    super(message);
  }
}

// Where the database is, without the password: the URL may hold a secret, the host and name do not.
function describe(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `database "${decodeURIComponent(url.pathname.slice(1)) || '(default)'}" on ${url.hostname}:${url.port || '5432'}`;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Refuses to start an API that could not serve: the database is unreachable, does not exist, is not migrated
 * to this build's migrations, or its user cannot `SET ROLE ratchet_app`. Each failure names the fix. Without
 * it the process would start, say ready, and answer 500 to the first sign-up.
 */
export async function checkDatabaseAtBoot(databaseUrl: string, migrationsDir?: string): Promise<void> {
  const where = describe(databaseUrl);
  let status;
  try {
    status = await migrationStatus({ connectionString: databaseUrl, ...(migrationsDir ? { migrationsDir } : {}) });
  } catch (error) {
    const code = codeOf(error);
    if (code === '3D000') throw new BootCheckError(`${where} does not exist: create it (createdb), then run npm run db:migrate`, 78);
    if (code === '28P01' || code === '28000') throw new BootCheckError(`${where} refused the login: check the user and password in DATABASE_URL`, 78);
    throw new BootCheckError(`cannot reach ${where}: ${(error as Error).message || code || 'unknown error'}`, 69);
  }
  if (status.pending.length > 0) {
    throw new BootCheckError(
      `${where} is not migrated: ${status.pending.length} migration(s) pending (${status.pending.join(', ')}); run npm run db:migrate`,
      78,
    );
  }
  if (!status.appRoleGranted) {
    throw new BootCheckError(`the DATABASE_URL user cannot SET ROLE ratchet_app on ${where}: GRANT ratchet_app TO <that user>`, 78);
  }
}
