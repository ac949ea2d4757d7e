// What-if latency for a whole cluster of 10,000 workloads, through the real API and worker processes.
//   npm run bench:what-if        (builds first)
// Makes a fresh database and migrates it, starts a private redis-server (else REDIS_URL), `node apps/api/dist/main.js`
// and `node apps/worker/dist/main.js`, registers one organization with a v1.30 cluster, an agent token and an API
// token, then seeds the cluster through the real ingest API: one full resync of 10,000 workloads (Deployments from
// 60 realistic templates, bench/realistic-pods.ts) with 3 pods each in 200 namespaces. It waits until the worker
// has evaluated every projection and refreshed every mark, then times, over RATCHET_BENCH_RUNS (20) runs each:
//   - POST what-if at latest (= v1.30, verdicts stored by the worker), every namespace, both levels;
//   - POST what-if at v1.33, which the worker has not evaluated: the first call evaluates on demand and stores;
//   - GET gate at latest, every namespace.
// Prints p50/p95/max per call and the answer's size. Goal: what-if under 1 s for 10,000 workloads. Figures only.
// Environment: RATCHET_BENCH_ADMIN_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
// RATCHET_BENCH_WORKLOADS (10000), RATCHET_BENCH_RUNS (20), REDIS_URL (used only without redis-server).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';

import getPort from 'get-port';
import { migrate } from '@ratchet/db';
import { projectPod, projectionHash } from '@ratchet/pss';
import pg from 'pg';

import { realisticPods } from './realistic-pods.ts';
import { ADMIN_URL, admin, startRedis, waitFor } from './support/local-services.ts';

const WORKLOADS = Number(process.env.RATCHET_BENCH_WORKLOADS ?? 10_000);
const RUNS = Number(process.env.RATCHET_BENCH_RUNS ?? 20);
const PODS_PER_WORKLOAD = 3;
const NAMESPACES = 200;
const TEMPLATES = 60;
// The first chunk also carries the namespaces; a batch holds at most 2000 objects.
const CHUNK_OBJECTS = 1600;
const API_MAIN = new URL('../apps/api/dist/main.js', import.meta.url);
const WORKER_MAIN = new URL('../apps/worker/dist/main.js', import.meta.url);

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function start(main: URL, env: Record<string, string>): ChildProcess {
  if (!existsSync(main)) throw new Error(`${main.pathname} is missing: run npm run build first`);
  return spawn(process.execPath, [main.pathname], { env: { ...process.env, RATCHET_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** An organization with a v1.30 cluster, its agent token, a user and an API token, written as the database owner. */
async function register(pool: pg.Pool): Promise<{ clusterId: string; agentToken: string; apiToken: string }> {
  const { rows: orgs } = await pool.query<{ id: string }>(`INSERT INTO organizations (name, slug) VALUES ('bench', 'bench') RETURNING id`);
  const orgId = orgs[0]!.id;
  const { rows: clusters } = await pool.query<{ id: string }>(
    `INSERT INTO clusters (org_id, name, kubernetes_version) VALUES ($1, 'bench', 'v1.30.4') RETURNING id`,
    [orgId],
  );
  const clusterId = clusters[0]!.id;
  const agentToken = `rag_${randomBytes(32).toString('base64url')}`;
  await pool.query(`INSERT INTO agent_tokens (org_id, cluster_id, name, token_hash, token_prefix) VALUES ($1, $2, 'bench', $3, 'rag_')`, [orgId, clusterId, sha256(agentToken)]);
  const { rows: users } = await pool.query<{ id: string }>(`INSERT INTO users (email, display_name, password_hash) VALUES ('bench@example.test', 'Bench', 'x') RETURNING id`);
  await pool.query(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'viewer')`, [orgId, users[0]!.id]);
  const apiToken = `rat_${randomBytes(32).toString('base64url')}`;
  await pool.query(
    `INSERT INTO api_tokens (org_id, name, token_hash, token_prefix, role, created_by_user_id) VALUES ($1, 'bench', $2, 'rat_', 'viewer', $3)`,
    [orgId, sha256(apiToken), users[0]!.id],
  );
  return { clusterId, agentToken, apiToken };
}

/** One full resync of the synthetic cluster, as chunk bodies. */
function resyncChunks(): string[] {
  const templates = realisticPods(TEMPLATES, 42).map((pod) => {
    const projection = projectPod(pod);
    return { hash: projectionHash(projection), projection };
  });
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => ({ uid: randomUUID(), name: `team-${i}`, labels: {}, createdAt: '2026-01-01T00:00:00Z' }));
  const perChunk = Math.floor(CHUNK_OBJECTS / (1 + PODS_PER_WORKLOAD));
  const total = Math.ceil(WORKLOADS / perChunk);
  const syncId = randomUUID();
  const chunks: string[] = [];
  for (let c = 0; c < total; c++) {
    const workloads = [];
    const pods = [];
    const used = new Map<string, unknown>();
    for (let w = c * perChunk; w < Math.min(WORKLOADS, (c + 1) * perChunk); w++) {
      const template = templates[w % TEMPLATES]!;
      used.set(template.hash, template.projection);
      const uid = randomUUID();
      const namespace = `team-${w % NAMESPACES}`;
      workloads.push({ uid, kind: 'Deployment', namespace, name: `app-${w}`, ownerChain: [], replicas: PODS_PER_WORKLOAD, podCount: PODS_PER_WORKLOAD, projectionHash: template.hash });
      for (let p = 0; p < PODS_PER_WORKLOAD; p++) {
        pods.push({ uid: randomUUID(), namespace, name: `app-${w}-${p}`, workloadUid: uid, projectionHash: template.hash, phase: 'Running' });
      }
    }
    chunks.push(
      JSON.stringify({
        syncId,
        chunk: c + 1,
        totalChunks: total,
        namespaces: c === 0 ? namespaces : [],
        workloads,
        pods,
        projections: Object.fromEntries(used),
      }),
    );
  }
  return chunks;
}

async function call(url: string, init: RequestInit): Promise<{ status: number; ms: number; bytes: number; body: string }> {
  const started = performance.now();
  const response = await fetch(url, init);
  const body = await response.text();
  return { status: response.status, ms: performance.now() - started, bytes: body.length, body };
}

function summary(label: string, times: number[], bytes: number): void {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  console.log(`${label.padEnd(58)} p50 ${at(0.5).toFixed(0).padStart(5)} ms  p95 ${at(0.95).toFixed(0).padStart(5)} ms  max ${sorted.at(-1)!.toFixed(0).padStart(5)} ms  (${(bytes / 1e6).toFixed(1)} MB)`);
}

async function main(): Promise<void> {
  const name = `ratchet_bench_whatif_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = databaseUrl(name);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  let redis: { url: string; stop(): void } | undefined;
  const children: ChildProcess[] = [];
  try {
    await migrate({ connectionString: url });
    redis = await startRedis();
    const port = await getPort();
    const api = `http://127.0.0.1:${port}`;
    children.push(start(API_MAIN, { DATABASE_URL: url, REDIS_URL: redis.url, PORT: String(port), RATCHET_METRICS_PORT: '0', RATCHET_INGEST_RATE_PER_MINUTE: '100000000' }));
    children.push(start(WORKER_MAIN, { DATABASE_URL: url, REDIS_URL: redis.url, RATCHET_METRICS_PORT: String(await getPort()) }));
    await waitFor('the API', async () => (await fetch(`${api}/readyz`)).ok, 30_000, children[0]);
    const { clusterId, agentToken, apiToken } = await register(pool);

    const seedStarted = performance.now();
    for (const body of resyncChunks()) {
      // As the agent does: a 503 (a write collided with the worker's) is retried with the same Idempotency-Key.
      const key = randomUUID();
      for (let attempt = 1; ; attempt++) {
        const response = await call(`${api}/api/v1/ingest/inventory/resync`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${agentToken}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
          body,
        });
        if (response.status === 202) break;
        if (response.status !== 503 || attempt === 10) throw new Error(`resync chunk answered ${response.status}: ${response.body.slice(0, 300)}`);
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
    const ingested = performance.now();
    await waitFor(
      'the worker',
      async () => {
        const { rows } = await pool.query<{ pending: number; marks: number }>(
          `SELECT (SELECT count(*) FROM security_projections WHERE evaluated_at IS NULL)::int AS pending, (SELECT count(*) FROM inventory_marks)::int AS marks`,
        );
        return rows[0]!.pending === 0 && rows[0]!.marks === 0;
      },
      600_000,
      children[1],
    );
    const { rows: counts } = await pool.query<{ workloads: number; pods: number; projections: number }>(
      `SELECT (SELECT count(*) FROM workloads)::int AS workloads, (SELECT count(*) FROM pods)::int AS pods, (SELECT count(*) FROM security_projections)::int AS projections`,
    );
    console.log(
      `what-if benchmark: node ${process.version}; ${counts[0]!.workloads} workloads, ${counts[0]!.pods} pods, ${counts[0]!.projections} distinct projections in ${NAMESPACES} namespaces; ` +
        `ingest ${((ingested - seedStarted) / 1000).toFixed(1)} s, worker done ${((performance.now() - ingested) / 1000).toFixed(1)} s later; ${RUNS} runs per call. ` +
        'The machine is shared and loaded: figures vary between runs.',
    );

    const headers = { Authorization: `Bearer ${apiToken}`, 'Content-Type': 'application/json' };
    const whatIf = (body: object) => call(`${api}/api/v1/clusters/${clusterId}/what-if`, { method: 'POST', headers, body: JSON.stringify(body) });
    const measure = async (label: string, run: () => Promise<{ status: number; ms: number; bytes: number; body: string }>) => {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < RUNS; i++) {
        const response = await run();
        if (response.status !== 200) throw new Error(`${label} answered ${response.status}: ${response.body.slice(0, 300)}`);
        times.push(response.ms);
        bytes = response.bytes;
      }
      summary(label, times, bytes);
    };
    const first = await whatIf({ level: 'restricted', version: 'latest', namespaces: 'all' });
    const result = JSON.parse(first.body) as { summary: Record<string, number> };
    console.log(`restricted at latest rejects ${result.summary.rejectedWorkloads} of ${result.summary.workloads} workloads (${result.summary.rejectedPods} pods)`);
    await measure('what-if restricted latest (v1.30, stored), all namespaces', () => whatIf({ level: 'restricted', version: 'latest', namespaces: 'all' }));
    await measure('what-if baseline latest (v1.30, stored), all namespaces', () => whatIf({ level: 'baseline', version: 'latest', namespaces: 'all' }));
    const cold = await whatIf({ level: 'restricted', version: 'v1.33', namespaces: 'all' });
    if (cold.status !== 200) throw new Error(`what-if v1.33 answered ${cold.status}: ${cold.body.slice(0, 300)}`);
    console.log(`${'what-if restricted v1.33, first call (evaluated on demand)'.padEnd(58)} ${cold.ms.toFixed(0).padStart(9)} ms`);
    await measure('what-if restricted v1.33 after (stored by the first)', () => whatIf({ level: 'restricted', version: 'v1.33', namespaces: 'all' }));
    await measure('gate restricted latest, all namespaces', () => call(`${api}/api/v1/clusters/${clusterId}/gate?level=restricted`, { headers }));
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    await pool.end();
    redis?.stop();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

await main();
