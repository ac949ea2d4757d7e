// Ingest throughput of the real API process on loopback, and the same rows inserted straight into Postgres.
//   npm run build && npm run bench:ingest
// Makes a fresh database and migrates it, starts `node apps/api/dist/main.js` on a free loopback port (with a
// private redis-server when one is installed, else REDIS_URL), registers 16 clusters with agent tokens, then
// 16 concurrent agents send batches of 500 audit events for 30 s, then resync chunks of 500 objects for 30 s.
// Prints items/s with p50/p99 batch latency, then the rate of a plain multi-row INSERT of the same rows by 16
// pg connections, and the ratio API/raw. Figures only, no asserts. Goals: >= 10,000 audit events/s, ratio >= 0.5.
// Environment: RATCHET_BENCH_ADMIN_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
// RATCHET_BENCH_SECONDS (30), REDIS_URL (used only without redis-server).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Agent as HttpAgent, request } from 'node:http';

import getPort from 'get-port';
import { migrate } from '@ratchet/db';
import pg from 'pg';

import { AUDIT_COLUMNS, AuditBatches, InventoryChunks, NAMESPACES } from './ingest-payloads.ts';
import type { InventoryObject } from './ingest-payloads.ts';
import { ADMIN_URL, admin, startRedis, waitFor } from './support/local-services.ts';

const SECONDS = Number(process.env.RATCHET_BENCH_SECONDS ?? 30);
const WARMUP_SECONDS = 3;
const AGENTS = 16;
const BATCH = 500;
const API_MAIN = new URL('../apps/api/dist/main.js', import.meta.url);

interface Agent {
  orgId: string;
  clusterId: string;
  token: string;
}

interface Run {
  items: number;
  batches: number;
  errors: number;
  firstError?: string;
  seconds: number;
  latenciesMs: number[];
}

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function startApi(database: string, redis: string): Promise<{ url: string; child: ChildProcess }> {
  if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN.pathname} is missing: run npm run build first`);
  const port = await getPort();
  const child = spawn(process.execPath, [API_MAIN.pathname], {
    env: {
      ...process.env,
      DATABASE_URL: database,
      REDIS_URL: redis,
      PORT: String(port),
      RATCHET_LOG_LEVEL: 'warn',
      RATCHET_INGEST_RATE_PER_MINUTE: '100000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the API', async () => (await fetch(`${url}/readyz`)).ok, 30_000, child);
  return { url, child };
}

/** An organization per agent, each with one cluster and a live agent token, written as the database owner. */
async function registerAgents(pool: pg.Pool, count: number): Promise<Agent[]> {
  const agents: Agent[] = [];
  for (let i = 0; i < count; i++) {
    const { rows: orgs } = await pool.query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [`bench-${i}`]);
    const orgId = orgs[0]!.id;
    const { rows: clusters } = await pool.query<{ id: string }>('INSERT INTO clusters (org_id, name) VALUES ($1, $2) RETURNING id', [orgId, `cluster-${i}`]);
    const token = `rag_${randomBytes(32).toString('base64url')}`;
    await pool.query('INSERT INTO agent_tokens (org_id, cluster_id, name, token_hash, token_prefix) VALUES ($1, $2, $3, $4, $5)', [
      orgId,
      clusters[0]!.id,
      'bench',
      createHash('sha256').update(token).digest('hex'),
      token.slice(0, 10),
    ]);
    agents.push({ orgId, clusterId: clusters[0]!.id, token });
  }
  return agents;
}

// node:http rather than fetch: it writes the string body without the copies fetch makes, so the agents take
// less of the CPU the API and Postgres share with them.
const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: AGENTS });

function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const call = request(url, { method: 'POST', agent: keepAlive, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    call.on('error', reject);
    call.end(body);
  });
}

/** Every agent sends batches back to back for `seconds`; returns what the API accepted and how fast. */
async function drive(api: string, path: string, agents: Agent[], seconds: number, next: (agent: number) => { body: string; items: number }): Promise<Run> {
  const run: Run = { items: 0, batches: 0, errors: 0, seconds, latenciesMs: [] };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    agents.map(async (agent, index) => {
      while (performance.now() < deadline) {
        const { body, items } = next(index);
        const sent = performance.now();
        const headers = { Authorization: `Bearer ${agent.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': randomBytes(12).toString('hex') };
        // A connection the API reset (overloaded, or a keep-alive socket it closed as this request went out) is
        // an error of the run to count and show, not a reason to lose the figures.
        const response = await post(`${api}${path}`, headers, body).catch((error: Error) => ({ status: 0, text: `${error.message}` }));
        run.latenciesMs.push(performance.now() - sent);
        if (response.status === 202) {
          run.batches += 1;
          run.items += items;
        } else {
          run.errors += 1;
          run.firstError ??= `${response.status} ${response.text.slice(0, 300)}`;
        }
      }
    }),
  );
  run.seconds = (performance.now() - started) / 1000;
  return run;
}

/** Every connection inserts batches back to back for `seconds` with one multi-row INSERT per table. */
async function rawInsert(pool: pg.Pool, seconds: number, insert: (client: pg.PoolClient, connection: number) => Promise<number>): Promise<Run> {
  const run: Run = { items: 0, batches: 0, errors: 0, seconds, latenciesMs: [] };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: AGENTS }, async (_, connection) => {
      const client = await pool.connect();
      try {
        while (performance.now() < deadline) {
          const sent = performance.now();
          const rows = await insert(client, connection);
          run.items += rows;
          run.batches += 1;
          run.latenciesMs.push(performance.now() - sent);
        }
      } finally {
        client.release();
      }
    }),
  );
  run.seconds = (performance.now() - started) / 1000;
  return run;
}

function multiRowInsert(table: string, columns: readonly string[], casts: readonly string[], rows: unknown[][]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    const placeholders = row.map((value, column) => {
      values.push(value);
      return `$${values.length}${casts[column] ?? ''}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  return { text: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const rate = (run: Run) => run.items / run.seconds;
const number = (value: number) => Math.round(value).toLocaleString('en-US').padStart(8);

function report(label: string, unit: string, api: Run, raw: Run): void {
  const latencies = [...api.latenciesMs].sort((a, b) => a - b);
  const rawLatencies = [...raw.latenciesMs].sort((a, b) => a - b);
  console.log(`\n${label}`);
  console.log(
    `  API  ${number(rate(api))} ${unit}/s   p50 ${percentile(latencies, 0.5).toFixed(0)} ms, p99 ${percentile(latencies, 0.99).toFixed(0)} ms per batch` +
      `   (${api.batches} batches in ${api.seconds.toFixed(1)} s, ${api.errors} errors${api.firstError ? `, first: ${api.firstError}` : ''})`,
  );
  console.log(
    `  raw  ${number(rate(raw))} ${'rows'.padEnd(unit.length)}/s   p50 ${percentile(rawLatencies, 0.5).toFixed(0)} ms, p99 ${percentile(rawLatencies, 0.99).toFixed(0)} ms per batch` +
      `   (multi-row INSERT by ${AGENTS} pg connections, ${raw.batches} batches)`,
  );
  console.log(`  ratio API/raw ${(rate(api) / rate(raw)).toFixed(2)}`);
}

async function main(): Promise<void> {
  const name = `ratchet_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = databaseUrl(name);
  const pool = new pg.Pool({ connectionString: url, max: AGENTS });
  // pool.end() resolves once it has asked its clients to close, not once they are closed: a backend still open
  // when the database is dropped below is terminated (57P01), and that error, raised on a client the pool no
  // longer listens to, would kill the process after the figures are printed. Wait for every client's end, and
  // keep a late error from a client the pool has let go of from going unhandled.
  const clientsEnded: Promise<void>[] = [];
  pool.on('connect', (client) => {
    clientsEnded.push(new Promise((resolve) => client.once('end', () => resolve())));
    client.on('error', (error: Error & { code?: string }) => {
      if (error.code !== '57P01') console.error(`bench pool client: ${error.message}`);
    });
  });
  pool.on('error', (error: Error) => console.error(`bench pool: ${error.message}`));
  let redis: { url: string; stop(): void } | undefined;
  let api: { url: string; child: ChildProcess } | undefined;
  try {
    await migrate({ connectionString: url });
    redis = await startRedis();
    api = await startApi(url, redis.url);
    const agents = await registerAgents(pool, AGENTS);
    const { rows: version } = await pool.query<{ server_version: string }>('SHOW server_version');
    console.log(
      `ingest benchmark: node ${process.version}, Postgres ${version[0]!.server_version}, API pid ${api.child.pid} on ${api.url}, ` +
        `${AGENTS} agents, batches of ${BATCH}, ${SECONDS} s per phase (after ${WARMUP_SECONDS} s of warm-up)`,
    );

    const audit = agents.map(() => new AuditBatches(BATCH));
    const nextAudit = (agent: number) => ({ body: audit[agent]!.next(), items: BATCH });
    await drive(api.url, '/api/v1/ingest/audit-events', agents, WARMUP_SECONDS, nextAudit);
    const auditRun = await drive(api.url, '/api/v1/ingest/audit-events', agents, SECONDS, nextAudit);

    const inventory = agents.map(() => new InventoryChunks(BATCH));
    const nextChunk = (agent: number) => ({ body: inventory[agent]!.next(), items: BATCH });
    await drive(api.url, '/api/v1/ingest/inventory/resync', agents, WARMUP_SECONDS, nextChunk);
    const inventoryRun = await drive(api.url, '/api/v1/ingest/inventory/resync', agents, SECONDS, nextChunk);

    // The baseline has the machine to itself, as the API had it.
    api.child.kill('SIGTERM');
    await new Promise((resolve) => api!.child.once('exit', resolve));
    api = undefined;

    const auditCasts = AUDIT_COLUMNS.map((column) => (column === 'level' ? '::pss_level' : column === 'checks' ? '::jsonb' : ''));
    const rawAudit = await rawInsert(pool, SECONDS, async (client, connection) => {
      const rows = audit[connection]!.rows().map((row) => [agents[connection]!.orgId, agents[connection]!.clusterId, ...row]);
      const { text, values } = multiRowInsert('audit_events', ['org_id', 'cluster_id', ...AUDIT_COLUMNS], ['', '', ...auditCasts], rows);
      await client.query(text, values);
      return rows.length;
    });

    const ids = await Promise.all(
      agents.map(async (agent) => {
        const namespaces = await pool.query<{ id: string; name: string }>('SELECT id, name FROM namespaces WHERE org_id = $1 AND cluster_id = $2', [agent.orgId, agent.clusterId]);
        const projections = await pool.query<{ id: string; content_hash: string }>('SELECT id, content_hash FROM security_projections WHERE org_id = $1', [agent.orgId]);
        return {
          namespace: new Map(namespaces.rows.map((row) => [row.name, row.id])),
          projection: new Map(projections.rows.map((row) => [row.content_hash, row.id])),
        };
      }),
    );
    if (ids.some((known) => NAMESPACES.some((ns) => !known.namespace.has(ns)))) throw new Error('the inventory phase stored no namespaces');
    const rawInventory = await rawInsert(pool, SECONDS, async (client, connection) => {
      const agent = agents[connection]!;
      const known = ids[connection]!;
      const objects: InventoryObject[] = inventory[connection]!.objects();
      const scope = (o: InventoryObject) => [agent.orgId, agent.clusterId, known.namespace.get(o.namespace), o.name, o.uid, known.projection.get(o.projectionHash)];
      // The bench's workloads are top controllers: each is its own top-level workload, and its pods'.
      const workloads = objects.filter((o) => o.kind === 'workload').map((o) => [...scope(o), 'Deployment', 9, 9, o.uid]);
      const pods = objects.filter((o) => o.kind === 'pod').map((o) => [...scope(o), o.workloadUid, 'Running', o.workloadUid]);
      const common = ['org_id', 'cluster_id', 'namespace_id', 'name', 'uid', 'projection_id'];
      const workloadInsert = multiRowInsert('workloads', [...common, 'kind', 'replicas', 'pod_count', 'top_level_uid'], ['', '', '', '', '', '', '::workload_kind'], workloads);
      const podInsert = multiRowInsert('pods', [...common, 'workload_uid', 'phase', 'top_level_workload_uid'], ['', '', '', '', '', '', '', '::pod_phase'], pods);
      await client.query(workloadInsert.text, workloadInsert.values);
      await client.query(podInsert.text, podInsert.values);
      return objects.length;
    });

    report('audit events (goal >= 10,000 events/s, and >= 0.5 of raw)', 'events', auditRun, rawAudit);
    report('inventory objects (resync chunks: 1 workload and 9 pods in ten)', 'objects', inventoryRun, rawInventory);
  } finally {
    if (api) {
      api.child.kill('SIGTERM');
      await new Promise((resolve) => api!.child.once('exit', resolve));
    }
    keepAlive.destroy();
    redis?.stop();
    await pool.end();
    await Promise.all(clientsEnded);
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

await main();
