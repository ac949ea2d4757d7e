// Overload behaviour of the real API process on loopback: bursts far beyond the Postgres pool must be answered
// 2xx or 503 + Retry-After, never 500.
//   npm run bench:overload          (builds what it measures)
// Makes a fresh database and migrates it, starts a private redis-server (else REDIS_URL) and
// `node apps/api/dist/main.js` on a free loopback port with its default pool (RATCHET_DB_POOL_SIZE, 10), signs a
// user up over HTTP, creates an API token and 16 clusters (agent tokens), then:
//   1. list burst: 2,000 GETs over 5 list endpoints (clusters, namespaces, workloads, findings, audit events) with
//      an API token, 200 concurrent connections;
//   2. ingest burst: 2,000 POSTs from the 16 agents (heartbeats and 20-event audit batches, alternating),
//      200 concurrent connections.
// Prints per burst: status counts, p50/p99/max latency, requests/s. Exits 1 when any answer is 5xx other than 503,
// or a 503 lacks Retry-After. Environment: RATCHET_BENCH_ADMIN_DATABASE_URL
// (default postgresql://postgres@127.0.0.1:5432/postgres), RATCHET_BENCH_REQUESTS (2000),
// RATCHET_BENCH_CONNECTIONS (200), RATCHET_DB_POOL_SIZE (passed to the API), REDIS_URL (without redis-server).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Agent as HttpAgent, request } from 'node:http';

import getPort from 'get-port';
import { migrate } from '@ratchet/db';

import { ADMIN_URL, admin, startRedis, waitFor } from './support/local-services.ts';

const REQUESTS = Number(process.env.RATCHET_BENCH_REQUESTS ?? 2000);
const CONNECTIONS = Number(process.env.RATCHET_BENCH_CONNECTIONS ?? 200);
const CLUSTERS = 16;
const API_MAIN = new URL('../apps/api/dist/main.js', import.meta.url);

interface Answer {
  status: number;
  retryAfter: string | undefined;
  setCookie: string[];
  text: string;
  ms: number;
}

async function startApi(database: string, redis: string): Promise<{ url: string; child: ChildProcess }> {
  if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN.pathname} is missing: run npm run build first`);
  const port = await getPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [API_MAIN.pathname], {
    env: {
      ...process.env,
      DATABASE_URL: database,
      REDIS_URL: redis,
      PORT: String(port),
      RATCHET_PUBLIC_URL: url,
      RATCHET_METRICS_PORT: String(await getPort()),
      RATCHET_LOG_LEVEL: 'error',
      RATCHET_INGEST_RATE_PER_MINUTE: '100000000',
      RATCHET_LOGIN_RATE_PER_MINUTE: '1000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor('the API', async () => (await fetch(`${url}/readyz`)).ok, 30_000, child);
  return { url, child };
}

const connections = new HttpAgent({ keepAlive: true, maxSockets: CONNECTIONS });

function call(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method, agent: connections, headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const retryAfter = response.headers['retry-after'];
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
            setCookie: response.headers['set-cookie'] ?? [],
            text,
            ms: performance.now() - started,
          });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function json<T>(answer: Promise<Answer>, expected: number): Promise<T> {
  const { status, text } = await answer;
  if (status !== expected) throw new Error(`setup call answered ${status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** `total` requests made by `CONNECTIONS` concurrent callers, each sending its share back to back. */
async function burst(total: number, next: (index: number) => Promise<Answer>): Promise<{ answers: Answer[]; seconds: number }> {
  const answers: Answer[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (issued < total) {
        const index = issued++;
        answers.push(await next(index));
      }
    }),
  );
  return { answers, seconds: (performance.now() - started) / 1000 };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** Prints the figures; returns the problems (a 5xx other than 503, a 503 without Retry-After). */
function report(label: string, run: { answers: Answer[]; seconds: number }): string[] {
  const counts = new Map<number, number>();
  for (const answer of run.answers) counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
  const latencies = run.answers.map((answer) => answer.ms).sort((a, b) => a - b);
  const statuses = [...counts.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`).join(', ');
  console.log(`\n${label}`);
  console.log(`  status counts   ${statuses}`);
  console.log(
    `  latency         p50 ${percentile(latencies, 0.5).toFixed(0)} ms, p99 ${percentile(latencies, 0.99).toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`,
  );
  console.log(`  throughput      ${(run.answers.length / run.seconds).toFixed(0)} requests/s (${run.answers.length} in ${run.seconds.toFixed(1)} s, ${CONNECTIONS} connections)`);
  const problems: string[] = [];
  const bad = run.answers.find((answer) => answer.status >= 500 && answer.status !== 503);
  if (bad) problems.push(`${label}: ${bad.status} ${bad.text.slice(0, 200)}`);
  const unexpected = run.answers.find((answer) => answer.status < 500 && (answer.status >= 300 || answer.status < 200));
  if (unexpected) problems.push(`${label}: unexpected ${unexpected.status} ${unexpected.text.slice(0, 200)}`);
  if (run.answers.some((answer) => answer.status === 503 && !answer.retryAfter)) problems.push(`${label}: a 503 without Retry-After`);
  return problems;
}

function auditBatch(size: number): string {
  const namespace = 'shop';
  const violation =
    'would violate PodSecurity "restricted:latest": runAsNonRoot != true (pod or container "web" must set securityContext.runAsNonRoot=true)';
  const events = Array.from({ length: size }, () => ({
    auditId: randomUUID(),
    stage: 'ResponseComplete',
    time: new Date(Date.now() - 60_000).toISOString(),
    verb: 'create',
    user: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts'] },
    objectRef: { resource: 'pods', namespace, name: `web-${randomBytes(3).toString('hex')}`, apiVersion: 'v1' },
    namespace,
    annotations: { auditViolations: violation, enforcePolicy: 'privileged:latest', auditPolicy: 'restricted:latest' },
    violations: {
      level: 'restricted',
      version: 'latest',
      checks: [{ id: 'runAsNonRoot', reason: 'runAsNonRoot != true', detail: 'pod or container "web" must set securityContext.runAsNonRoot=true' }],
    },
    responseCode: 201,
  }));
  return JSON.stringify({ events });
}

async function main(): Promise<void> {
  const name = `ratchet_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  let redis: { url: string; stop(): void } | undefined;
  let api: { url: string; child: ChildProcess } | undefined;
  let failed = false;
  try {
    await migrate({ connectionString: url.toString() });
    redis = await startRedis();
    api = await startApi(url.toString(), redis.url);
    const v1 = `${api.url}/api/v1`;
    const signUp = call(`${v1}/auth/signup`, 'POST', {}, JSON.stringify({ email: `bench-${Date.now()}@example.test`, password: 'tundra mosaic violin 47', name: 'Bench', organizationName: 'Bench' }));
    const signed = await signUp;
    if (signed.status !== 201) throw new Error(`sign-up answered ${signed.status}: ${signed.text}`);
    // The session cookie from the sign-up, sent from the API's own public origin as a browser would.
    const session = /ratchet_session=[^;]+/.exec(signed.setCookie.join('\n'))?.[0];
    if (!session) throw new Error('sign-up set no session cookie');
    const browser = { Cookie: session, Origin: api.url };
    const token = (await json<{ secret: string }>(call(`${v1}/api-tokens`, 'POST', browser, JSON.stringify({ name: 'bench', access: 'read-write' })), 201)).secret;
    const bearer = { Authorization: `Bearer ${token}` };
    const agents: string[] = [];
    for (let i = 0; i < CLUSTERS; i += 1) {
      agents.push((await json<{ agentToken: string }>(call(`${v1}/clusters`, 'POST', bearer, JSON.stringify({ name: `bench-${i}` })), 201)).agentToken);
    }
    console.log(
      `overload benchmark: node ${process.version}, API pid ${api.child.pid} on ${api.url}, pool ${process.env.RATCHET_DB_POOL_SIZE ?? 10} (RATCHET_DB_POOL_SIZE), ` +
        `${REQUESTS} requests per burst over ${CONNECTIONS} connections`,
    );

    const lists = ['clusters', 'namespaces?limit=50', 'workloads?limit=50', 'findings?limit=50', 'audit-events?limit=50'];
    const listRun = await burst(REQUESTS, (index) => call(`${v1}/${lists[index % lists.length]}`, 'GET', bearer));
    const problems = report('list burst (GET, API token)', listRun);

    const ingestRun = await burst(REQUESTS, (index) => {
      const agent = { Authorization: `Bearer ${agents[index % CLUSTERS]}`, 'Idempotency-Key': `bench-${index}-${randomBytes(6).toString('hex')}` };
      return index % 2 === 0
        ? call(`${v1}/ingest/heartbeat`, 'POST', agent, JSON.stringify({ agentVersion: '0.1.0', kubernetesVersion: 'v1.31.2', counts: { namespaces: 3, workloads: 12, pods: 40 }, startedAt: new Date().toISOString() }))
        : call(`${v1}/ingest/audit-events`, 'POST', agent, auditBatch(20));
    });
    problems.push(...report('ingest burst (POST heartbeat / 20 audit events, agent tokens)', ingestRun));
    if (problems.length > 0) {
      failed = true;
      console.log(`\nFAILED:\n  ${problems.join('\n  ')}`);
    } else {
      console.log('\nno 5xx other than 503, and every 503 carried Retry-After');
    }
  } finally {
    if (api) {
      api.child.kill('SIGTERM');
      await new Promise((resolve) => api!.child.once('exit', resolve));
    }
    connections.destroy();
    redis?.stop();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  if (failed) process.exitCode = 1;
}

await main();
