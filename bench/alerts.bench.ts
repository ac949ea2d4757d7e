// Alert fan-in: 2,000 namespaces of one cluster change state at once; how long until every grouped message is
// accepted by a local receiver, and how many messages that took (grouping must make it one per rule and cluster).
//   npm run bench:alerts        (builds the worker first)
// Makes a fresh database, seeds one organization with one cluster of 2,000 namespaces that enforce baseline, each
// with a Deployment (2 pods) that passes it, as ingest writes them (marks included). Two rules
// (namespace_at_risk, readiness_regressed) send to one signed webhook on loopback. Starts the real worker
// (`node apps/worker/dist/main.js`, private redis-server when one is installed, else REDIS_URL) and lets it compute
// readiness (all ready) and evaluate once. Then every Deployment's template changes to one failing baseline
// (hostNetwork), written as an ingest batch would, and recompute-readiness is enqueued as the API does after it:
// from that enqueue, it measures readiness stored for every namespace, the alert evaluation written, and every
// grouped message accepted by the receiver. Figures only, no asserts; the machine is shared.
// Environment: RATCHET_BENCH_ADMIN_DATABASE_URL, RATCHET_BENCH_NAMESPACES (2000), REDIS_URL (without redis-server).
import { spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { createPrismaClient, insertProjections, migrate, upsertInventory, withTenant } from '@ratchet/db';
import { JOB_NAMES, JobProducer } from '@ratchet/jobs';
import { projectionHash } from '@ratchet/pss';
import { Redis } from 'ioredis';
import pg from 'pg';

import { ADMIN_URL, admin, startRedis, waitFor } from './support/local-services.ts';

const NAMESPACES = Number(process.env.RATCHET_BENCH_NAMESPACES ?? 2000);
const WORKER_MAIN = new URL('../apps/worker/dist/main.js', import.meta.url);
const SECRET = `whsec_${randomBytes(32).toString('base64url')}`;
const PASSING = { metadata: {}, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } };
const FAILING = { metadata: {}, spec: { hostNetwork: true, containers: [{ name: 'agent', image: 'agent:1' }] } };
const RULES = ['namespace_at_risk', 'readiness_regressed'] as const;

interface Accepted {
  at: number;
  bytes: number;
  firing: number;
  trigger: string;
  signatureOk: boolean;
}

async function startReceiver(): Promise<{ url: string; accepted: Accepted[]; close(): void }> {
  const accepted: Accepted[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['x-ratchet-timestamp']);
      const expected = `v1=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
      const message = JSON.parse(body) as { firing: unknown[]; rule: { trigger: string } };
      accepted.push({ at: performance.now(), bytes: body.length, firing: message.firing.length, trigger: message.rule.trigger, signatureOk: expected === req.headers['x-ratchet-signature'] });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ratchet`, accepted, close: () => server.close() };
}

interface Inventory {
  scope: { orgId: string; clusterId: string };
  names: string[];
  workloadUids: string[];
  podUids: string[];
}

/** Writes the cluster's inventory with every Deployment and pod on `projection`, as an ingest batch would. */
async function writeInventory(databaseUrl: string, inventory: Inventory, projection: object): Promise<void> {
  const prisma = createPrismaClient({ connectionString: databaseUrl, poolSize: 1 });
  try {
    await withTenant(
      prisma,
      inventory.scope.orgId,
      async (tx) => {
        const hash = projectionHash(projection as never);
        await insertProjections(tx, inventory.scope, { [hash]: projection as never });
        const workloads = inventory.names.map((namespace, i) => ({
          uid: inventory.workloadUids[i]!,
          kind: 'Deployment' as const,
          namespace,
          name: 'node-agent',
          ownerChain: [],
          replicas: 2,
          podCount: 2,
          projectionHash: hash,
        }));
        await upsertInventory(tx, inventory.scope, {
          namespaces: inventory.names.map((name) => ({ uid: uidOf(name), name, labels: { enforce: 'baseline' }, createdAt: '2026-01-01T00:00:00.000Z' })),
          workloads,
          pods: workloads.flatMap((w, i) => [0, 1].map((p) => ({ uid: inventory.podUids[2 * i + p]!, namespace: w.namespace, name: `${w.name}-${p}`, workloadUid: w.uid, projectionHash: hash, phase: 'Running' as const }))),
        });
      },
      { timeout: 300_000, maxWait: 10_000 },
    );
  } finally {
    await prisma.$disconnect();
  }
}

const namespaceUids = new Map<string, string>();
const uidOf = (name: string) => namespaceUids.get(name) ?? namespaceUids.set(name, randomUUID()).get(name)!;

async function seed(databaseUrl: string, receiverUrl: string): Promise<Inventory> {
  const prisma = createPrismaClient({ connectionString: databaseUrl, poolSize: 1 });
  const orgId = randomUUID();
  let scope: Inventory['scope'];
  try {
    scope = await withTenant(prisma, orgId, async (tx) => {
      await tx.organization.create({ data: { id: orgId, name: 'Bench', slug: `bench-${orgId.slice(0, 8)}` } });
      const cluster = await tx.cluster.create({ data: { orgId, name: 'bench-cluster', kubernetesVersion: 'v1.30.4', lastSeenAt: new Date() } });
      const channel = await tx.alertChannel.create({ data: { orgId, name: 'bench hook', type: 'webhook', config: { url: receiverUrl, secret: SECRET } } });
      for (const trigger of RULES) {
        const rule = await tx.alertRule.create({ data: { orgId, name: trigger, trigger, parameters: { level: 'baseline' } } });
        await tx.alertRuleChannel.create({ data: { orgId, ruleId: rule.id, channelId: channel.id } });
      }
      return { orgId, clusterId: cluster.id };
    });
  } finally {
    await prisma.$disconnect();
  }
  const names = Array.from({ length: NAMESPACES }, (_, i) => `team-${String(i).padStart(4, '0')}`);
  const inventory = { scope, names, workloadUids: names.map(() => randomUUID()), podUids: names.flatMap(() => [randomUUID(), randomUUID()]) };
  await writeInventory(databaseUrl, inventory, PASSING);
  return inventory;
}

async function main(): Promise<void> {
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN.pathname} is missing: run npm run build first`);
  const name = `ratchet_bench_alerts_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const redis = await startRedis();
  const receiver = await startReceiver();
  let worker: ReturnType<typeof spawn> | undefined;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    await migrate({ connectionString: databaseUrl });
    const seeding = performance.now();
    const inventory = await seed(databaseUrl, receiver.url);
    const { scope } = inventory;
    console.log(`seeded ${NAMESPACES} namespaces, ${NAMESPACES} workloads, ${2 * NAMESPACES} pods in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

    worker = spawn(process.execPath, [WORKER_MAIN.pathname], {
      env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redis.url, RATCHET_METRICS_PORT: '0', RATCHET_LOG_LEVEL: 'warn', RATCHET_ALERT_ALLOWED_HOSTS: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null, enableOfflineQueue: false, lazyConnect: true });
    await connection.connect();
    const producer = new JobProducer(connection);
    const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql, [scope.orgId])).rows[0]!.n);
    const payload = { version: 2 as const, orgId: scope.orgId, clusterId: scope.clusterId };

    // Before: every namespace ready, seen so by one alert evaluation (nothing to send).
    await producer.enqueue(JOB_NAMES.recomputeReadiness, payload);
    await waitFor(
      'the first evaluation',
      async () => (await count("SELECT count(*) AS n FROM alert_readiness_observations WHERE org_id = $1 AND level = 'baseline' AND status = 'ready'")) === NAMESPACES,
      600_000,
      worker,
    );

    // The change: every template now fails baseline, written as one ingest batch; then the job the API enqueues.
    await writeInventory(databaseUrl, inventory, FAILING);
    const started = performance.now();
    await producer.enqueue(JOB_NAMES.recomputeReadiness, payload);
    let readinessMs = 0;
    let evaluatedMs = 0;
    await waitFor(
      'every grouped message',
      async () => {
        if (readinessMs === 0 && (await count("SELECT count(*) AS n FROM namespace_readiness WHERE org_id = $1 AND at_risk AND level = 'baseline'")) === NAMESPACES) {
          readinessMs = performance.now() - started;
        }
        if (evaluatedMs === 0 && (await count('SELECT count(*) AS n FROM alert_deliveries WHERE org_id = $1')) >= RULES.length) evaluatedMs = performance.now() - started;
        return receiver.accepted.length >= RULES.length && (await count("SELECT count(*) AS n FROM alert_deliveries WHERE org_id = $1 AND status = 'pending'")) === 0;
      },
      600_000,
      worker,
    );
    const doneMs = Math.max(...receiver.accepted.map((a) => a.at)) - started;
    // Let any stray extra message arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const states = await count("SELECT count(*) AS n FROM alert_states WHERE org_id = $1 AND status = 'firing'");

    console.log(`\nalerts bench: ${NAMESPACES} namespaces turning from ready to at risk at once on one cluster, ${RULES.length} rules, 1 webhook`);
    console.log('(loaded shared machine: 2 cores for 7 engineers; figures vary run to run)');
    console.log(`  readiness stored for every namespace:  ${(readinessMs / 1000).toFixed(2)} s after the readiness job was enqueued`);
    console.log(`  alert evaluation written:               ${(evaluatedMs / 1000).toFixed(2)} s`);
    console.log(`  every grouped message accepted:         ${(doneMs / 1000).toFixed(2)} s  (${((doneMs - readinessMs) / 1000).toFixed(2)} s after readiness was stored)`);
    console.log(`  messages received:                      ${receiver.accepted.length} (one per rule and cluster: ${RULES.length})`);
    for (const message of receiver.accepted) {
      console.log(`    ${message.trigger.padEnd(20)} ${String(message.firing).padStart(5)} alerts listed, ${(message.bytes / 1024).toFixed(0)} KiB, signature ${message.signatureOk ? 'verified' : 'WRONG'}`);
    }
    console.log(`  firing alerts stored:                   ${states}`);
    await producer.close();
  } finally {
    if (worker && worker.exitCode === null) {
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker!.once('exit', resolve));
    }
    receiver.close();
    await pool.end();
    redis.stop();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
