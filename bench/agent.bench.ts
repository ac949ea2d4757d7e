// The agent (its built binary, as a separate process) against the cluster simulator at 10,000 pods: time to the
// first full sync delivered, peak RSS, CPU while idle and while the simulator churns 100 pod changes a second,
// bytes sent per pod, and RSS through a minute of API outage (503s) with the spool growing, then the time to drain it.
// Run: npm run bench:agent [pods] [namespaces] (builds the agent and the simulator first).
//
// The agent sends to a minimal local receiver, not the real API: the receiver validates every body against the
// ingest contracts and answers 202 as the API does, so the figures are the agent's own. With the API, Postgres
// and the worker on the same two loaded cores, "time to sync" would mostly measure the database (the API's
// ingest throughput is what `npm run bench:ingest` measures) and the agent's CPU would compete with them.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import getPort from 'get-port';

import { startClusterSimulator } from '../apps/cluster-sim/dist/index.js';
import { Heartbeat, INGEST_PATHS, AuditEventBatch, InventoryDelta, InventoryResyncChunk } from '../libs/contracts/dist/index.js';
import { AGENT_ENTRY, AGENT_ENV, AGENT_NODE_FLAGS } from '../scripts/agent-runtime.ts';

const pods = Number(process.argv[2] ?? 10_000);
const namespaces = Number(process.argv[3] ?? 300);
const IDLE_MS = 35_000; // longer than the 30 s heartbeat, so idle includes one
const CHURN_MS = 30_000;
const CHURN_RATE = 100;
// Then the API goes down (every POST answers 503) while the churn goes on, and comes back: RSS while the spool
// grows, and how long the agent takes to deliver the backlog. The agent's resync interval is set so that its first
// periodic full resync (about 6 MB) falls in the outage, which lasts until it is spooled.
// RATCHET_BENCH_AGENT_OUTAGE_SECONDS=0 skips it.
const OUTAGE_MS = 1000 * Number(process.env.RATCHET_BENCH_AGENT_OUTAGE_SECONDS ?? 60);
const SETTLE_MS = 3000;
// Counted from the end of the first resync, as the agent counts it: 30 s into the outage (or at its end).
const RESYNC_SECONDS = Math.ceil((SETTLE_MS + IDLE_MS + CHURN_MS + Math.min(OUTAGE_MS / 2, 30_000)) / 1000);
const GOALS = { firstSyncMs: 10_000, peakRssMb: 150, idleCpuPercent: 1 };

interface Received {
  resyncBytes: number;
  resyncPods: number;
  resyncChunks: Map<string, { received: Set<number>; total: number }>;
  deltaBytes: number;
  deltaBatches: number;
  deltaPods: number;
  otherBytes: number;
  syncedAt?: number;
  rejected: string[];
}
const received: Received = { resyncBytes: 0, resyncPods: 0, resyncChunks: new Map(), deltaBytes: 0, deltaBatches: 0, deltaPods: 0, otherBytes: 0, rejected: [] };
const SCHEMAS = {
  [INGEST_PATHS.inventoryResync]: InventoryResyncChunk,
  [INGEST_PATHS.inventoryDelta]: InventoryDelta,
  [INGEST_PATHS.auditEvents]: AuditEventBatch,
  [INGEST_PATHS.heartbeat]: Heartbeat,
} as const;

let batchSeq = 0;
let apiDown = false;
const receiver = createServer((request, response) => {
  if (apiDown) {
    request.resume();
    request.on('end', () => response.writeHead(503, { 'Content-Type': 'application/json' }).end('{"code":"unavailable","message":"bench outage"}'));
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const raw = Buffer.concat(chunks);
    const schema = SCHEMAS[request.url as keyof typeof SCHEMAS];
    const parsed = schema?.safeParse(JSON.parse(raw.toString('utf8')));
    if (!schema || !parsed?.success || request.headers.authorization !== 'Bearer rat_agent_bench_token') {
      const issue = parsed?.error?.issues[0];
      received.rejected.push(`${request.url}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown route or token'}`);
      console.error(`receiver refused ${received.rejected.at(-1)}`);
      response.writeHead(400, { 'Content-Type': 'application/json' }).end('{"code":"validation_failed","message":"bench receiver refused it","details":{}}');
      return;
    }
    if (request.url === INGEST_PATHS.inventoryResync) {
      const body = parsed.data as { syncId: string; chunk: number; totalChunks: number; pods: unknown[] };
      // Bytes per pod of the first full sync, which carries every projection (a later resync names them by hash).
      if (received.syncedAt === undefined) {
        received.resyncBytes += raw.length;
        received.resyncPods += body.pods.length;
      }
      const sync = received.resyncChunks.get(body.syncId) ?? { received: new Set<number>(), total: body.totalChunks };
      sync.received.add(body.chunk);
      received.resyncChunks.set(body.syncId, sync);
      if (received.syncedAt === undefined && sync.received.size === sync.total) received.syncedAt = performance.now();
    } else if (request.url === INGEST_PATHS.inventoryDelta) {
      const body = parsed.data as { upserts: { pods: unknown[] }; deletes: { pods: unknown[] } };
      received.deltaBytes += raw.length;
      received.deltaBatches += 1;
      received.deltaPods += body.upserts.pods.length + body.deletes.pods.length;
    } else {
      received.otherBytes += raw.length;
    }
    const zero = { namespaces: 0, workloads: 0, pods: 0, projections: 0, auditEvents: 0 };
    batchSeq += 1;
    response
      .writeHead(202, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ batchId: `00000000-0000-4000-8000-${String(batchSeq).padStart(12, '0')}`, accepted: zero, duplicates: zero, deleted: zero }));
  });
});

/** utime + stime of a process, in seconds, and its peak resident set (VmHWM), in MB, from /proc. */
async function usage(pid: number): Promise<{ cpuSeconds: number; peakRssMb: number; rssMb: number }> {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]); // fields 14 and 15 of proc(5), counted after "pid (comm) "
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]);
  return { cpuSeconds: ticks / 100, peakRssMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

/** Bytes in the agent's spool directory (what it has not delivered yet). */
async function spoolBytes(): Promise<number> {
  let bytes = 0;
  for (const name of await readdir(join(dir, 'spool')).catch(() => [])) bytes += (await stat(join(dir, 'spool', name)).catch(() => ({ size: 0 }))).size;
  return bytes;
}

async function cpuPercentOver(pid: number, ms: number): Promise<number> {
  const before = await usage(pid);
  const t = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = await usage(pid);
  return (100 * (after.cpuSeconds - before.cpuSeconds)) / ((performance.now() - t) / 1000);
}

const dir = await mkdtemp(join(tmpdir(), 'ratchet-agent-bench-'));
let t = performance.now();
const sim = await startClusterSimulator({ seed: 42, pods, namespaces, startTime: '2026-11-30T00:00:00Z', kubeconfigPath: join(dir, 'kubeconfig') });
const simStartMs = performance.now() - t;
const receiverPort = await getPort();
await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
const healthPort = await getPort();
// The V8 flags and allocator setting the agent ships with (`npm run start:agent`, docker/agent.Dockerfile; why:
// docs/agent.md). Set RATCHET_BENCH_AGENT_NODE_FLAGS to measure other flags, or to "" to measure V8's defaults;
// RATCHET_BENCH_AGENT_MALLOC_ARENA_MAX="" measures glibc's default arenas. The agent is its bundle, as shipped.
const nodeFlags = (process.env.RATCHET_BENCH_AGENT_NODE_FLAGS ?? AGENT_NODE_FLAGS.join(' ')).split(' ').filter(Boolean);
const mallocArenaMax = process.env.RATCHET_BENCH_AGENT_MALLOC_ARENA_MAX ?? AGENT_ENV.MALLOC_ARENA_MAX;
const agent = spawn(process.execPath, [...nodeFlags, AGENT_ENTRY], {
  env: {
    PATH: process.env.PATH,
    ...(mallocArenaMax ? { MALLOC_ARENA_MAX: mallocArenaMax } : {}),
    RATCHET_API_URL: `http://127.0.0.1:${receiverPort}`,
    RATCHET_AGENT_TOKEN: 'rat_agent_bench_token',
    RATCHET_CLUSTER_NAME: 'bench',
    RATCHET_SPOOL_DIR: join(dir, 'spool'),
    RATCHET_HEALTH_LISTEN: `127.0.0.1:${healthPort}`,
    KUBECONFIG: sim.kubeconfigPath,
    RATCHET_LOG_LEVEL: 'warn',
    ...(OUTAGE_MS > 0 ? { RATCHET_RESYNC_INTERVAL_SECONDS: String(RESYNC_SECONDS) } : {}),
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
try {
  t = performance.now();
  const simCpuBefore = process.cpuUsage();
  const { counts } = sim.snapshot();
  while (received.syncedAt === undefined) {
    if (received.rejected.length) throw new Error(`the receiver refused a body: ${received.rejected[0]}`);
    if (agent.exitCode !== null) throw new Error(`the agent exited with ${agent.exitCode}`);
    if (performance.now() - t > 120_000) throw new Error('no full sync within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const firstSyncMs = received.syncedAt - t;
  const simCpu = process.cpuUsage(simCpuBefore);
  const pid = agent.pid!;
  const afterSync = await usage(pid);
  const syncCpuSeconds = afterSync.cpuSeconds;

  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS)); // let the sync's garbage settle
  const idleCpuPercent = await cpuPercentOver(pid, IDLE_MS);

  const deltaBytesBefore = received.deltaBytes;
  const deltaPodsBefore = received.deltaPods;
  const deltaBatchesBefore = received.deltaBatches;
  const stopChurn = sim.churn({ podsPerSecond: CHURN_RATE });
  const churnCpuPercent = await cpuPercentOver(pid, CHURN_MS);
  const afterChurn = await usage(pid);
  const churnFigures = {
    churnDeltaBatches: received.deltaBatches - deltaBatchesBefore,
    churnDeltaBytesPerPodChange: Math.round((received.deltaBytes - deltaBytesBefore) / Math.max(1, received.deltaPods - deltaPodsBefore)),
  };

  let outage: { rssBeforeMb: number; peakRssMb: number; spoolMb: number; drainMs: number; durationMs: number } | undefined;
  if (OUTAGE_MS > 0) {
    apiDown = true;
    const rssBeforeMb = afterChurn.rssMb;
    let peakRssMb = 0;
    const down = performance.now();
    // The first resync was delivered before, so a resync file in the spool now is the periodic one.
    const resyncSpooled = async () => (await readdir(join(dir, 'spool')).catch(() => [])).some((name) => name.endsWith('.resync.json'));
    while (performance.now() - down < OUTAGE_MS || !(await resyncSpooled())) {
      if (performance.now() - down > OUTAGE_MS + 120_000) throw new Error(`no periodic resync spooled within ${OUTAGE_MS / 1000 + 120} s of the outage`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      peakRssMb = Math.max(peakRssMb, (await usage(pid)).rssMb);
    }
    const durationMs = performance.now() - down;
    const spoolMb = (await spoolBytes()) / 1e6;
    stopChurn();
    apiDown = false;
    // The agent retries with backoff (at most a minute apart); drained when its spool directory is empty.
    const back = performance.now();
    while ((await spoolBytes()) > 0) {
      if (performance.now() - back > 180_000) throw new Error('the spool was not drained within 180 s of the API coming back');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    outage = { rssBeforeMb, peakRssMb, spoolMb, drainMs: performance.now() - back, durationMs };
  } else {
    stopChurn();
  }
  await new Promise((resolve) => setTimeout(resolve, 3000)); // the last delta window
  const end = await usage(pid);

  const figures = {
    agentNodeFlags: nodeFlags.join(' '),
    mallocArenaMax: mallocArenaMax || 'default',
    pods: counts.pods,
    namespaces: counts.namespaces,
    workloads: counts.deployments + counts.replicasets + counts.statefulsets + counts.daemonsets + counts.jobs + counts.cronjobs + counts.replicationcontrollers,
    simulatorStartMs: Math.round(simStartMs),
    firstSyncMs: Math.round(firstSyncMs),
    firstSyncCpuSeconds: Number(syncCpuSeconds.toFixed(2)),
    // The simulator and the receiver share this process: when this nears firstSyncMs, serving the lists was the limit.
    simulatorAndReceiverCpuSecondsDuringSync: Number(((simCpu.user + simCpu.system) / 1e6).toFixed(2)),
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
    resyncChunks: [...received.resyncChunks.values()][0]?.total,
    resyncBytesPerPod: Math.round(received.resyncBytes / received.resyncPods),
    peakRssMb: Math.round(end.peakRssMb),
    rssAfterChurnMb: Math.round(afterChurn.rssMb),
    idleCpuPercent: Number(idleCpuPercent.toFixed(2)),
    churnPodChangesPerSecond: CHURN_RATE,
    churnCpuPercent: Number(churnCpuPercent.toFixed(1)),
    ...churnFigures,
    ...(outage
      ? {
          outageSeconds: Math.round(outage.durationMs / 1000),
          outageRssBeforeMb: Math.round(outage.rssBeforeMb),
          outagePeakRssMb: Math.round(outage.peakRssMb),
          outageSpoolMb: Number(outage.spoolMb.toFixed(1)),
          outageDrainMs: Math.round(outage.drainMs),
        }
      : {}),
    rssAtEndMb: Math.round(end.rssMb),
    rejectedByContract: received.rejected.length,
  };
  console.log(JSON.stringify(figures));
  const misses = [
    figures.firstSyncMs > GOALS.firstSyncMs && `first sync ${figures.firstSyncMs} ms > ${GOALS.firstSyncMs} ms`,
    figures.peakRssMb > GOALS.peakRssMb && `peak RSS ${figures.peakRssMb} MB > ${GOALS.peakRssMb} MB`,
    figures.idleCpuPercent > GOALS.idleCpuPercent && `idle CPU ${figures.idleCpuPercent}% > ${GOALS.idleCpuPercent}%`,
    received.rejected.length > 0 && `the receiver refused ${received.rejected.length} bodies, first: ${received.rejected[0]}`,
  ].filter(Boolean);
  console.log(misses.length ? `goals missed: ${misses.join('; ')}` : `goals met: first sync < ${GOALS.firstSyncMs / 1000} s, peak RSS < ${GOALS.peakRssMb} MB, idle CPU < ${GOALS.idleCpuPercent}%`);
  if (misses.length) process.exitCode = 1;
} finally {
  agent.kill('SIGTERM');
  await new Promise((resolve) => agent.once('exit', resolve));
  receiver.close();
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
}
