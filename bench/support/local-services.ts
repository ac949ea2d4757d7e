// Local services for benchmarks that drive real processes: free ports, a private redis-server, Postgres admin
// statements. Shared by the ingest and overload benchmarks so both set up the same way.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

import getPort from 'get-port';
import { Redis } from 'ioredis';
import pg from 'pg';

/** A superuser connection the benchmarks create and drop their databases with. */
export const ADMIN_URL = process.env.RATCHET_BENCH_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${what} did not start within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function hasRedisServer(): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => existsSync(`${dir}/redis-server`));
}

export async function startRedis(): Promise<{ url: string; stop(): void }> {
  if (!hasRedisServer()) return { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', stop() {} };
  const port = await getPort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor(
    'redis-server',
    async () => {
      const client = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      // Refused connections are expected until redis-server listens; connect() rejects with them.
      client.on('error', () => undefined);
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } finally {
        client.disconnect();
      }
    },
    10_000,
    child,
  );
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}
