// What `npm start` needs before it starts anything: Postgres and Redis reachable, the database present.
// Erasable TypeScript only: Node runs this file directly.
import { Redis } from 'ioredis';
import pg from 'pg';

/** A failed precondition, with the exact command that fixes it; start.ts prints it and exits 1. */
export class PreflightError extends Error {
  override readonly name = 'PreflightError';
}

const START_BOTH = 'cp -n .env.example .env; docker compose up -d --wait postgres redis';

function where(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol.startsWith('redis') ? '6379' : '5432')}`;
}

/** Quoted as a Postgres identifier (the database name comes from DATABASE_URL, which the user controls). */
function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Connects to the server of `databaseUrl` through its `postgres` maintenance database and creates the database
 * when it is absent. Resolves true when it created it.
 * @throws PreflightError when Postgres is unreachable or refuses the user, saying how to fix it.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new PreflightError(`DATABASE_URL names no database: ${url.origin}/<database>`);
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || /timeout/i.test((error as Error).message)) {
      throw new PreflightError(
        `Postgres is not reachable at ${where(url)} (${(error as Error).message}).\n` +
          `  Start it:  ${START_BOTH}\n` +
          '  or point DATABASE_URL at yours, e.g. DATABASE_URL=postgresql://ratchet:ratchet@127.0.0.1:5432/ratchet npm start',
      );
    }
    throw new PreflightError(
      `Postgres at ${where(url)} refused ${url.username || 'the user'}: ${(error as Error).message}.\n` +
        "  Create the user once:  psql -h 127.0.0.1 -U postgres -c \"CREATE ROLE ratchet LOGIN SUPERUSER PASSWORD 'ratchet'\"\n" +
        '  or set DATABASE_URL to a user that can create databases.',
    );
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE ${identifier(name)}`);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '42P04') return false; // created by a concurrent start
    throw new PreflightError(`cannot create database ${name} at ${where(url)}: ${(error as Error).message}`);
  } finally {
    await client.end();
  }
}

/**
 * PINGs Redis once, without the client's endless reconnects.
 * @throws PreflightError when it does not answer, saying how to start it.
 */
export async function checkRedis(redisUrl: string): Promise<void> {
  const url = new URL(redisUrl);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5000, enableOfflineQueue: false });
  redis.on('error', () => undefined); // reported below, once
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new PreflightError(
      `Redis is not reachable at ${where(url)} (${(error as Error).message}).\n` +
        `  Start it:  ${START_BOTH}\n` +
        '  or: redis-server --daemonize yes --port 6379    or point REDIS_URL at yours.',
    );
  } finally {
    redis.disconnect();
  }
}
