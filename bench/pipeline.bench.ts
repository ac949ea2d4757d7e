// The whole pipeline on one machine: a 100,000-pod cluster ingested as a full resync through the real API, with
// the real worker running, until every namespace's readiness is computed; and libs/pss alone on the distinct
// projections, the floor under it.
//   npm run bench:pipeline                      (builds, then runs; goal: readiness of every namespace < 60 s)
//   npm run bench:pipeline -- --audit-events=10000000
//                                               (also seeds audit events straight into the partitions with SQL and
//                                                times the namespace list: p95 goal < 50 ms; prints the disk used;
//                                                not part of CI: 10 million rows take minutes and gigabytes)
// Makes a fresh database, a private redis-server (REDIS_URL when none is installed), starts
// `apps/api/dist/main.js` and `apps/worker/dist/main.js`, registers one cluster (heartbeat v1.33), then sends
// 2,000 namespaces x 10 workloads x 5 pods in resync chunks of whole namespaces, CHUNK_CONCURRENCY at a time.
// Pod templates come from bench/realistic-pods.ts: 20,000 workloads share a few dozen distinct projections (most
// teams' Deployments look alike), one in ten runs pods with an injected sidecar.
// Environment: RATCHET_BENCH_ADMIN_DATABASE_URL, RATCHET_BENCH_WORKER_CONCURRENCY (default 2),
// RATCHET_BENCH_NAMESPACES (2000), RATCHET_BENCH_KEEP_DATABASE=1 to keep the database for inspection,
// RATCHET_BENCH_AUTO_EXPLAIN_MS=<ms> to log the plans of slower statements (auto_explain) to the Postgres log.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';

import getPort from 'get-port';
import { migrate } from '@ratchet/db';
import { evaluatePod, projectPod, projectionHash } from '@ratchet/pss';
import type { PodLike, PodProjection } from '@ratchet/pss';
import pg from 'pg';

import { random, realisticPods } from './realistic-pods.ts';
import { ADMIN_URL, admin, startRedis, waitFor } from './support/local-services.ts';

const NAMESPACES = Number(process.env.RATCHET_BENCH_NAMESPACES ?? 2000);
const WORKLOADS_PER_NAMESPACE = 10;
const PODS_PER_WORKLOAD = 5;
const NAMESPACES_PER_CHUNK = 32; // 32 x (1 + 10 + 50) = 1,952 objects, under the 2,000 a batch may hold
const CHUNK_CONCURRENCY = 4;
const WORKER_CONCURRENCY = Number(process.env.RATCHET_BENCH_WORKER_CONCURRENCY ?? 2);
const KUBERNETES_VERSION = 'v1.33.1';
const AUDIT_EVENTS = Number(process.argv.find((arg) => arg.startsWith('--audit-events='))?.split('=')[1] ?? 0);
const API_MAIN = new URL('../apps/api/dist/main.js', import.meta.url).pathname;
const WORKER_MAIN = new URL('../apps/worker/dist/main.js', import.meta.url).pathname;

interface Content {
  metadata: { annotations?: Record<string, string> };
  spec: PodProjection['spec'];
}

/** What travels in a batch: the projection without identity, and its hash. */
function content(pod: PodLike): { hash: string; content: Content } {
  const projected = projectPod(pod);
  const annotations = projected.metadata.annotations;
  const body: Content = { metadata: annotations && Object.keys(annotations).length > 0 ? { annotations } : {}, spec: projected.spec };
  return { hash: projectionHash(body), content: body };
}

/** Distinct projections the cluster is built from, and which one each workload's template and pods use. */
function clusterTemplates() {
  const rng = random(20261130);
  // 400 Deployment-shaped templates as teams write them; projected, they collapse to a few dozen.
  const templates = realisticPods(400, 7).map(content);
  const withSidecar = realisticPods(400, 7).map((pod) => {
    pod.spec!.containers!.push({ name: 'istio-proxy', image: 'istio/proxyv2:1.24' });
    return content(pod);
  });
  const pick = () => Math.floor(rng() ** 2 * templates.length); // skewed: the first templates are the common ones
  return { templates, withSidecar, pick, rng };
}

interface Agent {
  orgId: string;
  clusterId: string;
  agentToken: string;
  apiToken: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function registerAgent(pool: pg.Pool): Promise<Agent> {
  const { rows: orgs } = await pool.query<{ id: string }>(`INSERT INTO organizations (name, slug) VALUES ('bench', 'bench') RETURNING id`);
  const orgId = orgs[0]!.id;
  const { rows: clusters } = await pool.query<{ id: string }>(`INSERT INTO clusters (org_id, name) VALUES ($1, 'bench') RETURNING id`, [orgId]);
  const clusterId = clusters[0]!.id;
  const agentToken = `rag_${randomBytes(32).toString('base64url')}`;
  await pool.query('INSERT INTO agent_tokens (org_id, cluster_id, name, token_hash, token_prefix) VALUES ($1, $2, $3, $4, $5)', [
    orgId,
    clusterId,
    'bench',
    sha256(agentToken),
    agentToken.slice(0, 10),
  ]);
  const { rows: users } = await pool.query<{ id: string }>(`INSERT INTO users (email, display_name, password_hash) VALUES ('bench@example.test', 'Bench', 'x') RETURNING id`);
  await pool.query(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'viewer')`, [orgId, users[0]!.id]);
  const apiToken = `rat_${randomBytes(32).toString('base64url')}`;
  await pool.query(`INSERT INTO api_tokens (org_id, name, token_hash, token_prefix, role, created_by_user_id) VALUES ($1, 'bench', $2, $3, 'viewer', $4)`, [
    orgId,
    sha256(apiToken),
    apiToken.slice(0, 10),
    users[0]!.id,
  ]);
  return { orgId, clusterId, agentToken, apiToken };
}

function startProcess(main: string, env: Record<string, string>): ChildProcess {
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
  return spawn(process.execPath, [main], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function post(url: string, agent: Agent, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${agent.agentToken}`, 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
    body: JSON.stringify(body),
  });
  if (response.status !== 202) throw new Error(`POST ${url}: ${response.status} ${(await response.text()).slice(0, 500)}`);
}

/** The resync: chunks of whole namespaces, and the distinct projections they use. */
function buildResync() {
  const { templates, withSidecar, pick, rng } = clusterTemplates();
  const syncId = randomUUID();
  const distinct = new Map<string, Content>();
  const chunks: { namespaces: unknown[]; workloads: unknown[]; pods: unknown[]; refs: Map<string, Content> }[] = [];
  let current: (typeof chunks)[number] | undefined;
  for (let n = 0; n < NAMESPACES; n++) {
    if (n % NAMESPACES_PER_CHUNK === 0) chunks.push((current = { namespaces: [], workloads: [], pods: [], refs: new Map() }));
    const ns = `team-${String(n).padStart(4, '0')}`;
    // One namespace in four already enforces baseline, one in eight pins a version.
    const labels = n % 4 === 0 ? { enforce: 'baseline' } : n % 8 === 1 ? { enforce: 'baseline', enforceVersion: 'v1.30', audit: 'restricted' } : {};
    current!.namespaces.push({ uid: randomUUID(), name: ns, labels, createdAt: '2026-01-01T00:00:00Z' });
    for (let w = 0; w < WORKLOADS_PER_NAMESPACE; w++) {
      const index = pick();
      const template = templates[index]!;
      const pods = rng() < 0.1 ? withSidecar[index]! : template;
      for (const p of [template, pods]) {
        current!.refs.set(p.hash, p.content);
        distinct.set(p.hash, p.content);
      }
      const uid = randomUUID();
      current!.workloads.push({ uid, kind: 'Deployment', namespace: ns, name: `app-${w}`, ownerChain: [], replicas: PODS_PER_WORKLOAD, podCount: PODS_PER_WORKLOAD, projectionHash: template.hash });
      for (let p = 0; p < PODS_PER_WORKLOAD; p++) {
        current!.pods.push({ uid: randomUUID(), namespace: ns, name: `app-${w}-${p}`, workloadUid: uid, projectionHash: pods.hash, phase: 'Running' });
      }
    }
  }
  const first = chunks[0]!;
  const bodies = chunks.map((chunk, i) => {
    const referred = [...chunk.refs.entries()];
    // The first chunk goes alone and carries its projections; later chunks go concurrently, naming the first
    // chunk's as known and carrying the rest (two chunks may both carry one: the API counts it a duplicate).
    const carried = i === 0 ? referred : referred.filter(([hash]) => !first.refs.has(hash));
    return {
      syncId,
      chunk: i + 1,
      totalChunks: chunks.length,
      namespaces: chunk.namespaces,
      workloads: chunk.workloads,
      pods: chunk.pods,
      projections: Object.fromEntries(carried),
      knownProjectionHashes: i === 0 ? [] : referred.filter(([hash]) => first.refs.has(hash)).map(([hash]) => hash),
    };
  });
  return { bodies, distinct };
}

/** libs/pss alone: every distinct projection at both levels and every version the worker evaluates. */
function evaluationFloor(distinct: Map<string, Content>, versions: string[]): { ms: number; evaluations: number } {
  const pods = [...distinct.values()] as PodLike[];
  const started = performance.now();
  let evaluations = 0;
  for (const pod of pods) {
    for (const version of versions) {
      for (const level of ['baseline', 'restricted'] as const) {
        evaluatePod(pod, level, version);
        evaluations += 1;
      }
    }
  }
  return { ms: performance.now() - started, evaluations };
}

async function pipelineDone(pool: pg.Pool, agent: Agent): Promise<{ readinessRows: number; marks: number; pending: number }> {
  const { rows } = await pool.query<{ readiness: number; marks: number; pending: number }>(
    `SELECT (SELECT count(*) FROM namespace_readiness WHERE org_id = $1)::int AS readiness,
            (SELECT count(*) FROM inventory_marks WHERE org_id = $1)::int AS marks,
            (SELECT count(*) FROM security_projections WHERE org_id = $1 AND evaluated_at IS NULL)::int AS pending`,
    [agent.orgId],
  );
  return { readinessRows: rows[0]!.readiness, marks: rows[0]!.marks, pending: rows[0]!.pending };
}

/** Seeds `count` audit events straight into audit_events (its partitions route them) over the last 30 days. */
async function seedAuditEvents(pool: pg.Pool, agent: Agent, count: number): Promise<number> {
  const { rows: months } = await pool.query<{ m: string }>(
    `SELECT to_char(d, 'YYYY-MM-DD') AS m FROM generate_series(date_trunc('month', now() - interval '31 days'), date_trunc('month', now()), interval '1 month') d`,
  );
  const client = await pool.connect();
  try {
    // The API creates a month's partition on first use; seeding bypasses the API, so it uses the same function.
    for (const { m } of months) await client.query(`SELECT ratchet_ensure_audit_partition($1::timestamptz)`, [m]);
  } finally {
    client.release();
  }
  const started = performance.now();
  const BATCH = 250_000;
  const annotation =
    'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)';
  const checks = JSON.stringify([
    { id: 'allowPrivilegeEscalation', reason: 'allowPrivilegeEscalation != false', detail: 'container "app" must set securityContext.allowPrivilegeEscalation=false' },
    { id: 'runAsNonRoot', reason: 'runAsNonRoot != true', detail: 'pod or container "app" must set securityContext.runAsNonRoot=true' },
  ]);
  for (let offset = 0; offset < count; offset += BATCH) {
    const n = Math.min(BATCH, count - offset);
    await pool.query(
      `INSERT INTO audit_events (org_id, cluster_id, audit_id, time, username, verb, object_resource, object_namespace, object_name,
                                 namespace_name, response_code, audit_violations, level, version, checks)
       SELECT $1::uuid, $2::uuid, 'bench-' || g, now() - (g % 2592000) * interval '1 second', 'system:serviceaccount:kube-system:job-controller',
              'create', 'pods', 'team-' || lpad((g % $3)::text, 4, '0'), 'job-' || g, 'team-' || lpad((g % $3)::text, 4, '0'), 201,
              $4, 'restricted', 'latest', $5::jsonb
       FROM generate_series($6::bigint, $7::bigint) g`,
      [agent.orgId, agent.clusterId, NAMESPACES, annotation, checks, offset, offset + n - 1],
    );
    process.stdout.write(`\r  seeded ${(offset + n).toLocaleString('en-US')} audit events`);
  }
  process.stdout.write('\n');
  await pool.query('ANALYZE audit_events');
  return (performance.now() - started) / 1000;
}

async function listLatencies(api: string, agent: Agent, requests: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < requests; i++) {
    // Pages of 50 from different places of the list, as the dashboard asks for them.
    const prefix = `team-${String(i % 20).padStart(2, '0')}`;
    const url = i % 2 === 0 ? `${api}/api/v1/namespaces?clusterId=${agent.clusterId}&limit=50` : `${api}/api/v1/namespaces?clusterId=${agent.clusterId}&namePrefix=${prefix}&limit=50`;
    const started = performance.now();
    const response = await fetch(url, { headers: { Authorization: `Bearer ${agent.apiToken}` } });
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  }
  return latencies.sort((a, b) => a - b);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function main(): Promise<void> {
  const name = `ratchet_bench_pipeline_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  pool.on('error', () => undefined);
  let redis: { url: string; stop(): void } | undefined;
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  try {
    await migrate({ connectionString: databaseUrl });
    if (process.env.RATCHET_BENCH_AUTO_EXPLAIN_MS) {
      // Plans of the API's and worker's slow statements, in the Postgres server log (superuser only).
      await admin(`ALTER DATABASE ${name} SET session_preload_libraries = 'auto_explain'`);
      await admin(`ALTER DATABASE ${name} SET auto_explain.log_min_duration = '${Number(process.env.RATCHET_BENCH_AUTO_EXPLAIN_MS)}ms'`);
      await admin(`ALTER DATABASE ${name} SET auto_explain.log_analyze = on`);
    }
    redis = await startRedis();
    const apiPort = await getPort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    api = startProcess(API_MAIN, {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      PORT: String(apiPort),
      RATCHET_METRICS_PORT: '0',
      RATCHET_LOG_LEVEL: 'warn',
      RATCHET_INGEST_RATE_PER_MINUTE: '100000000',
    });
    await waitFor('the API', async () => (await fetch(`${apiUrl}/readyz`)).ok, 30_000, api);
    worker = startProcess(WORKER_MAIN, {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      RATCHET_METRICS_PORT: '0',
      RATCHET_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
      RATCHET_LOG_LEVEL: 'warn',
    });
    const agent = await registerAgent(pool);
    const { bodies, distinct } = buildResync();
    const pods = NAMESPACES * WORKLOADS_PER_NAMESPACE * PODS_PER_WORKLOAD;
    const { rows: version } = await pool.query<{ server_version: string }>('SHOW server_version');
    console.log(
      `pipeline benchmark: node ${process.version}, Postgres ${version[0]!.server_version}, ${pods.toLocaleString('en-US')} pods, ` +
        `${(NAMESPACES * WORKLOADS_PER_NAMESPACE).toLocaleString('en-US')} workloads, ${NAMESPACES.toLocaleString('en-US')} namespaces, ` +
        `${distinct.size} distinct projections, ${bodies.length} resync chunks (${CHUNK_CONCURRENCY} at a time), worker concurrency ${WORKER_CONCURRENCY}`,
    );

    await post(`${apiUrl}/api/v1/ingest/heartbeat`, agent, {
      agentVersion: '1.0.0',
      kubernetesVersion: KUBERNETES_VERSION,
      counts: { namespaces: NAMESPACES, workloads: NAMESPACES * WORKLOADS_PER_NAMESPACE, pods },
      startedAt: new Date().toISOString(),
      auditSource: 'webhook',
    });
    const started = performance.now();
    await post(`${apiUrl}/api/v1/ingest/inventory/resync`, agent, bodies[0]);
    let next = 1;
    await Promise.all(
      Array.from({ length: CHUNK_CONCURRENCY }, async () => {
        while (next < bodies.length) await post(`${apiUrl}/api/v1/ingest/inventory/resync`, agent, bodies[next++]);
      }),
    );
    const ingested = performance.now();
    let done = await pipelineDone(pool, agent);
    while (!(done.readinessRows >= NAMESPACES * 2 && done.marks === 0 && done.pending === 0)) {
      if (worker.exitCode !== null) throw new Error(`the worker exited with ${worker.exitCode}`);
      if (performance.now() - started > 15 * 60_000) throw new Error(`not done after 15 minutes: ${JSON.stringify(done)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      done = await pipelineDone(pool, agent);
    }
    const ready = performance.now();
    const { rows: versions } = await pool.query<{ version: string }>(
      `SELECT DISTINCT version FROM projection_evaluations WHERE org_id = $1 ORDER BY version`,
      [agent.orgId],
    );
    const floor = evaluationFloor(distinct, versions.map((v) => v.version));
    const objects = bodies.reduce((sum, b) => sum + b.namespaces.length + b.workloads.length + b.pods.length, 0);
    const seconds = (ms: number) => (ms / 1000).toFixed(1).padStart(6);
    console.log(`  ingest through the API  ${seconds(ingested - started)} s   ${Math.round(objects / ((ingested - started) / 1000)).toLocaleString('en-US')} objects/s`);
    console.log(`  every namespace ready   ${seconds(ready - started)} s   (goal < 60 s; ${done.readinessRows} readiness rows, from the first chunk sent)`);
    console.log(`  worker after ingest     ${seconds(ready - ingested)} s`);
    console.log(`  libs/pss floor          ${(floor.ms / 1000).toFixed(3).padStart(6)} s   (${floor.evaluations} evaluations: ${distinct.size} projections x ${versions.length} versions [${versions.map((v) => v.version).join(', ')}] x 2 levels)`);

    if (AUDIT_EVENTS > 0) {
      console.log(`\naudit events: seeding ${AUDIT_EVENTS.toLocaleString('en-US')} straight into the partitions (SQL, not the API)`);
      const seedSeconds = await seedAuditEvents(pool, agent, AUDIT_EVENTS);
      const { rows: sizes } = await pool.query<{ events: string; database: string }>(
        `SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) AS events, pg_size_pretty(pg_database_size(current_database())) AS database
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit_events'::regclass`,
      );
      console.log(`  seeded in ${seedSeconds.toFixed(0)} s; audit_events partitions ${sizes[0]!.events} on disk, database ${sizes[0]!.database}`);
      await listLatencies(apiUrl, agent, 20); // warm-up
      const latencies = await listLatencies(apiUrl, agent, 200);
      console.log(
        `  GET /api/v1/namespaces (50 a page, 200 requests)  p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p95 ${percentile(latencies, 0.95).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms (goal p95 < 50 ms)`,
      );
    }
  } finally {
    await stop(worker);
    await stop(api);
    redis?.stop();
    await pool.end();
    if (process.env.RATCHET_BENCH_KEEP_DATABASE === '1') console.log(`database kept: ${databaseUrl}`);
    else await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

await main();
