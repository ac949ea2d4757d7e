/** A missing or malformed database URL; the message names the variable and never echoes its value. */
export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

const POSTGRES_PROTOCOLS = new Set(['postgres:', 'postgresql:']);

/**
 * Reads a Postgres connection URL from the environment (`DATABASE_URL` unless told otherwise) and checks that it
 * is one, so a bad setting stops a process with a message naming the variable.
 */
export function readDatabaseUrl(env: NodeJS.ProcessEnv = process.env, variable = 'DATABASE_URL'): string {
  const value = env[variable]?.trim();
  if (!value) {
    throw new DatabaseUrlError(`${variable} is not set: set it to a postgresql://user:password@host:5432/database URL`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DatabaseUrlError(`${variable} is not a valid URL: expected postgresql://user:password@host:5432/database`);
  }
  if (!POSTGRES_PROTOCOLS.has(url.protocol)) {
    throw new DatabaseUrlError(`${variable} must be a postgres:// or postgresql:// URL, not ${url.protocol}//`);
  }
  return value;
}
