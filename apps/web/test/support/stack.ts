import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import getPort from 'get-port';
import pg from 'pg';

// The whole product as a user meets it, each part its real built program: a private redis-server (so no other
// test's worker takes these jobs), a fresh migrated database, the API and worker from their dist/, and the web app
// with `next start`. Nothing is seeded in the database: the tests sign up and ingest over HTTP.

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const WEB_DIR = fileURLToPath(new URL('../../', import.meta.url));
const API_MAIN = `${ROOT}apps/api/dist/main.js`;
const WORKER_MAIN = `${ROOT}apps/worker/dist/main.js`;
const MIGRATE_CLI = `${ROOT}libs/db/dist/migrate/migrate.cli.js`;
const NEXT_BIN = `${ROOT}node_modules/next/dist/bin/next`;
const ADMIN_URL = process.env['RATCHET_TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface Stack {
  /** The web app's origin: the one the browser sees (RATCHET_PUBLIC_URL). */
  webUrl: string;
  apiUrl: string;
  /** The stack's private redis-server, whose queues only this stack's API and worker use. */
  redisUrl: string;
  logs(): string;
  stop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function run(command: string, args: string[], env: Record<string, string>, cwd: string, log: string[]): ChildProcess {
  const child = spawn(command, args, { cwd, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const name = args[0]?.split('/').slice(-3).join('/') ?? command;
  child.stdout?.on('data', (chunk: Buffer) => log.push(`[${name}] ${chunk.toString()}`));
  child.stderr?.on('data', (chunk: Buffer) => log.push(`[${name}] ${chunk.toString()}`));
  return child;
}

async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * Starts redis, a database, the API, the worker and the web app; `stop()` ends them and drops the database.
 * `apiEnv` adds to the API's environment (e.g. a what-if evaluation limit of 0, so a question at a new version queues).
 */
export async function startStack(apiEnv: Record<string, string> = {}): Promise<Stack> {
  for (const file of [API_MAIN, WORKER_MAIN, MIGRATE_CLI, `${WEB_DIR}dist/BUILD_ID`]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: build first (npx nx run-many -t build)`);
  }
  const log: string[] = [];
  const children: ChildProcess[] = [];
  const database = `ratchet_web_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${database}`);
  const databaseUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).toString();
  const stop = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited(child);
    }
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  };
  try {
    const migrate = run(process.execPath, [MIGRATE_CLI], { DATABASE_URL: databaseUrl }, ROOT, log);
    if ((await exited(migrate)) !== 0) throw new Error(`migration failed: ${log.join('')}`);

    const redisPort = await getPort();
    children.push(spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
    const redisUrl = `redis://127.0.0.1:${redisPort}`;

    const [apiPort, webPort] = [await getPort(), await getPort()];
    const webUrl = `http://127.0.0.1:${webPort}`;
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await until('redis', async () => {
      const socket = await import('node:net').then(({ connect }) => connect(redisPort, '127.0.0.1'));
      return new Promise<boolean>((resolve) => {
        socket.once('connect', () => (socket.end(), resolve(true)));
        socket.once('error', () => resolve(false));
      });
    });
    // Alert channels may reach the tests' local receivers (loopback is refused otherwise), in the API and the worker.
    const common = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, RATCHET_METRICS_PORT: '0', RATCHET_LOG_LEVEL: 'warn', RATCHET_ALERT_ALLOWED_HOSTS: '127.0.0.1,localhost' };
    children.push(
      run(
        process.execPath,
        [API_MAIN],
        { ...common, PORT: String(apiPort), RATCHET_PUBLIC_URL: webUrl, RATCHET_TRUSTED_PROXIES: 'loopback', RATCHET_LOGIN_RATE_PER_MINUTE: '1000', ...apiEnv },
        ROOT,
        log,
      ),
    );
    children.push(run(process.execPath, [WORKER_MAIN], common, ROOT, log));
    children.push(run(process.execPath, [NEXT_BIN, 'start', '-H', '127.0.0.1'], { PORT: String(webPort), RATCHET_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1' }, WEB_DIR, log));
    await until('the API', async () => (await fetch(`${apiUrl}/readyz`)).ok);
    await until('the web app', async () => (await fetch(`${webUrl}/login`)).ok);
    return { webUrl, apiUrl, redisUrl, logs: () => log.join(''), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
