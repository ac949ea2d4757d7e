import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import getPort from 'get-port';
import { JOB_QUEUE } from '@ratchet/jobs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';

import { startRedisServer, type TestRedisServer } from '../../../../test/support/redis-server.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

// The pipeline as it runs in production, for end-to-end and fault tests: the built API and worker processes
// (`npx nx run-many -t build -p @ratchet/api @ratchet/worker`), spawned, never imported (apps do not import apps),
// talking over HTTP, a private Redis and a per-test database.
const API_MAIN = fileURLToPath(new URL('../../../api/dist/main.js', import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** Polls `probe` until it returns a value other than undefined; throws `what` after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError = '';
  for (;;) {
    const value = await probe().catch((error: Error) => {
      lastError = error.message;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError === '' ? '' : ` (last error: ${lastError})`}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A spawned service process with its output kept for assertions. */
export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  /** The JSON log lines (pino) it wrote so far. */
  logs(): Record<string, unknown>[];
  exited: Promise<number | null>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function spawnService(main: string, env: Record<string, string>): ServiceProcess {
  if (!existsSync(main)) throw new Error(`${main} is missing: build it with npx nx run-many -t build -p @ratchet/api @ratchet/worker`);
  const child = spawn(process.execPath, [main], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    logs: () =>
      text
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface ApiProcess extends ServiceProcess {
  url: string;
}

/** Starts the built API on a free port and waits for /readyz. */
export async function startApi(databaseUrl: string, redisUrl: string): Promise<ApiProcess> {
  const port = await getPort();
  const api = spawnService(API_MAIN, {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    PORT: String(port),
    RATCHET_METRICS_PORT: '0',
    RATCHET_LOG_LEVEL: 'warn',
    RATCHET_INGEST_RATE_PER_MINUTE: '1000000',
  });
  const url = `http://127.0.0.1:${port}`;
  await until('the API', async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined), 30_000, 100).catch((error: Error) => {
    api.child.kill('SIGKILL');
    throw new Error(`${error.message}: ${api.output().slice(-2000)}`);
  });
  return { ...api, url };
}

export interface WorkerOptions {
  concurrency?: number;
  /** RATCHET_WORKER_LOCK_MS: how soon a killed worker's job is taken up again. */
  lockMs?: number;
  logLevel?: string;
}

/** Starts the built worker and waits for its /healthz (connected to Redis, BullMQ worker running). */
export async function startWorker(databaseUrl: string, redisUrl: string, options: WorkerOptions = {}): Promise<ServiceProcess> {
  const port = await getPort();
  const worker = spawnService(WORKER_MAIN, {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    RATCHET_METRICS_PORT: String(port),
    RATCHET_WORKER_CONCURRENCY: String(options.concurrency ?? 2),
    RATCHET_WORKER_LOCK_MS: String(options.lockMs ?? 30_000),
    RATCHET_LOG_LEVEL: options.logLevel ?? 'info',
  });
  await until('the worker', async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined), 30_000, 100).catch((error: Error) => {
    worker.child.kill('SIGKILL');
    throw new Error(`${error.message}: ${worker.output().slice(-2000)}`);
  });
  return worker;
}

/** An organization with one cluster, its agent token and a viewer's API token. */
export interface Tenant {
  orgId: string;
  clusterId: string;
  agentToken: string;
  apiToken: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Writes an organization, a cluster with a live agent token, and a user with a viewer API token, as the database
 * owner (signing up over HTTP is the API's own tests' business). Ids can be fixed so two databases compare.
 */
export async function createTenant(databaseUrl: string, ids: { orgId?: string; clusterId?: string } = {}): Promise<Tenant> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const orgId = ids.orgId ?? randomUUID();
    const clusterId = ids.clusterId ?? randomUUID();
    const slug = `org-${orgId.slice(0, 8)}`;
    await client.query('INSERT INTO organizations (id, name, slug) VALUES ($1, $2, $2)', [orgId, slug]);
    await client.query('INSERT INTO clusters (org_id, id, name) VALUES ($1, $2, $3)', [orgId, clusterId, 'pipeline']);
    const agentToken = `rag_${randomBytes(32).toString('base64url')}`;
    await client.query('INSERT INTO agent_tokens (org_id, cluster_id, name, token_hash, token_prefix) VALUES ($1, $2, $3, $4, $5)', [
      orgId,
      clusterId,
      'e2e',
      sha256(agentToken),
      agentToken.slice(0, 10),
    ]);
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO users (email, display_name, password_hash) VALUES ($1, 'Viewer', 'no-login') RETURNING id`,
      [`viewer-${randomBytes(4).toString('hex')}@example.test`],
    );
    const userId = rows[0]!.id;
    await client.query(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'viewer')`, [orgId, userId]);
    const apiToken = `rat_${randomBytes(32).toString('base64url')}`;
    await client.query(
      `INSERT INTO api_tokens (org_id, name, token_hash, token_prefix, role, created_by_user_id) VALUES ($1, 'e2e', $2, $3, 'viewer', $4)`,
      [orgId, sha256(apiToken), apiToken.slice(0, 10), userId],
    );
    return { orgId, clusterId, agentToken, apiToken };
  } finally {
    await client.end();
  }
}

/** The agent's side of the API (Idempotency-Key per batch) and a viewer's reads. */
export class ApiClient {
  constructor(
    private readonly url: string,
    private readonly tenant: Tenant,
  ) {}

  /** POSTs an ingest batch; throws unless the API accepts it (202). Returns the answer. */
  async ingest(path: 'inventory/resync' | 'inventory/delta' | 'audit-events' | 'heartbeat', body: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.url}/api/v1/ingest/${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.tenant.agentToken}`, 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 202) throw new Error(`POST ${path}: ${response.status} ${text.slice(0, 1000)}`);
    return JSON.parse(text) as Record<string, unknown>;
  }

  /** Every item of a paginated list endpoint, e.g. `/api/v1/namespaces?clusterId=...`. */
  async list<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page: { items: T[]; nextCursor: string | null } = await this.get<{ items: T[]; nextCursor: string | null }>(
        `${path}${separator}limit=500${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return items;
  }

  async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`, { headers: { Authorization: `Bearer ${this.tenant.apiToken}` } });
    const text = await response.text();
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${text.slice(0, 1000)}`);
    return JSON.parse(text) as T;
  }
}

/** How far the pipeline is: queue counts (default prefix, as the API and worker use) and what Postgres still holds. */
export interface PipelineProgress {
  waiting: number;
  active: number;
  failed: number;
  completed: number;
  outbox: number;
  marks: number;
  pendingProjections: number;
}

export async function pipelineProgress(databaseUrl: string, redisUrl: string): Promise<PipelineProgress> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  connection.on('error', () => undefined);
  const queue = new Queue(JOB_QUEUE, { connection });
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'failed', 'completed');
    await client.connect();
    const { rows } = await client.query<{ outbox: number; marks: number; pending: number }>(
      `SELECT (SELECT count(*) FROM outbox_jobs)::int AS outbox, (SELECT count(*) FROM inventory_marks)::int AS marks,
              (SELECT count(*) FROM security_projections WHERE evaluated_at IS NULL)::int AS pending`,
    );
    const n = (state: string) => counts[state] ?? 0;
    return {
      waiting: n('wait') + n('delayed') + n('prioritized'),
      active: n('active'),
      failed: n('failed'),
      completed: n('completed'),
      outbox: rows[0]!.outbox,
      marks: rows[0]!.marks,
      pendingProjections: rows[0]!.pending,
    };
  } finally {
    await queue.close().catch(() => undefined);
    connection.disconnect();
    await client.end().catch(() => undefined);
  }
}

/**
 * Waits until the pipeline is idle: nothing in the outbox, no job waiting or running, no inventory mark and no
 * projection left to evaluate. Throws with the last progress after `ms`.
 */
export async function waitForIdle(databaseUrl: string, redisUrl: string, ms = 20_000): Promise<PipelineProgress> {
  let last: PipelineProgress | undefined;
  try {
    return await until(
      'the pipeline to be idle',
      async () => {
        last = await pipelineProgress(databaseUrl, redisUrl);
        const idle = last.waiting + last.active + last.outbox + last.marks + last.pendingProjections === 0 && last.completed > 0;
        return idle ? last : undefined;
      },
      ms,
      100,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last: ${JSON.stringify(last)}`, { cause: error });
  }
}

/** The ids and names of the jobs running now. */
export async function activeJobs(redisUrl: string): Promise<{ id: string; name: string; orgId: string }[]> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  connection.on('error', () => undefined);
  const queue = new Queue(JOB_QUEUE, { connection });
  try {
    const jobs = await queue.getActive();
    return jobs.map((job) => ({ id: job.id!, name: job.name, orgId: (job.data as { orgId: string }).orgId }));
  } finally {
    await queue.close().catch(() => undefined);
    connection.disconnect();
  }
}

/** What the pipeline e2e suites run against: their own database and redis-server, the built API and worker, a tenant. */
export interface PipelineStack {
  database: TestDatabase;
  redis: TestRedisServer;
  api: ApiProcess;
  worker: ServiceProcess;
  tenant: Tenant;
  /** The API as the tenant's owner. */
  client: ApiClient;
  stop(): Promise<void>;
}

/** Starts a PipelineStack (needs the built apps: npx nx run-many -t build -p @ratchet/api @ratchet/worker). */
export async function startPipelineStack(): Promise<PipelineStack> {
  const database = await createTestDatabase();
  const redis = await startRedisServer();
  const api = await startApi(database.url, redis.url);
  const worker = await startWorker(database.url, redis.url);
  const tenant = await createTenant(database.url);
  return {
    database,
    redis,
    api,
    worker,
    tenant,
    client: new ApiClient(api.url, tenant),
    async stop() {
      await worker.stop();
      await api.stop();
      await redis.stop();
      await database.drop();
    },
  };
}
