// `npm start`: one command to a live demo. Checks Postgres and Redis, creates the database when absent, applies
// migrations, builds what is not built, then runs the API, the worker and the dashboard (the one public origin) as
// child processes, with a demo organization and login created through the API; then the cluster simulator (in this
// process, so it can be driven: kubeconfig in .ratchet/demo/kubeconfig) replays a week of history through the real
// ingest API, worker and rollups (scripts/demo/history.ts), goes live (evolving) and an agent is pointed at it.
// Ctrl-C or SIGTERM stops everything. (scripts/start.mjs has checked the Node version and imports this.)
//
// Environment: DATABASE_URL (default postgresql://ratchet:ratchet@127.0.0.1:5432/ratchet, the compose database),
// REDIS_URL (default redis://127.0.0.1:6379), PORT (the dashboard, default 3000), RATCHET_API_PORT (default 3001),
// RATCHET_DEMO_EMAIL / RATCHET_DEMO_PASSWORD, RATCHET_SIM_PORT (default 6443; 0 = any free port),
// RATCHET_SIM_PODS / RATCHET_SIM_NAMESPACES / RATCHET_SIM_SEED, RATCHET_DEMO_HISTORY_DAYS (days of history replayed
// on the first start, default 7, 0 = none), RATCHET_DEMO_DIR (default .ratchet/demo), RATCHET_DEMO_SKIP_BUILD=true.
// Erasable TypeScript only: Node runs this file directly.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import getPort from 'get-port';
import type { ClusterSimulator } from '@ratchet/cluster-sim';

import { AGENT_ENTRY, AGENT_ENV, AGENT_NODE_FLAGS } from './agent-runtime.ts';
import { DemoAccountError, DemoApi, ensureDemoAccount, markHistorySeeded, readinessProgress } from './demo/demo-account.ts';
import { HistoryError, replayHistory } from './demo/history.ts';
import { PreflightError, checkRedis, ensureDatabase } from './demo/preflight.ts';
import { Supervisor } from './demo/supervisor.ts';
import type { ChildSpec } from './demo/supervisor.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const databaseUrl = env.DATABASE_URL ?? 'postgresql://ratchet:ratchet@127.0.0.1:5432/ratchet';
const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const dashboardPort = Number(env.PORT ?? 3000);
const apiPort = Number(env.RATCHET_API_PORT ?? 3001);
const demoDir = resolve(root, env.RATCHET_DEMO_DIR ?? '.ratchet/demo');
const kubeconfig = join(demoDir, 'kubeconfig');
const email = env.RATCHET_DEMO_EMAIL ?? 'demo@ratchet.dev';
const DAY_MS = 86_400_000;
const password = env.RATCHET_DEMO_PASSWORD ?? 'staged-rollout-demo-2026';

// The dashboard is the one public origin: it serves PORT and forwards /api to the API, which listens on
// RATCHET_API_PORT and checks cookie requests' Origin against the dashboard's URL.
const apiUrl = `http://127.0.0.1:${apiPort}`;
const publicUrl = `http://localhost:${dashboardPort}`;

const BUILT = [
  'apps/api/dist/main.js',
  'apps/worker/dist/main.js',
  'apps/agent/dist/main.js',
  'apps/cluster-sim/dist/index.js',
  'libs/collector/dist/index.js',
  'libs/db/dist/migrate/migrate.cli.js',
  'apps/web/dist/BUILD_ID',
];
const PROJECTS = ['@ratchet/api', '@ratchet/worker', '@ratchet/agent', '@ratchet/cluster-sim', '@ratchet/collector', '@ratchet/db', '@ratchet/web'];

/** A whole number from the environment, or the default; anything else stops the demo naming the variable. */
function envInt(name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new PreflightError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

const started = Date.now();
function progress(line: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  process.stdout.write(`[${seconds}s] ${line}\n`);
}

function run(command: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolveRun() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.trim().split('\n').slice(-30).join('\n')}`))));
  });
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, abort: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failure = abort();
    if (failure) throw new Error(failure);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
}

const supervisor = new Supervisor(join(demoDir, 'logs'), root);
let crashed: string | undefined;
supervisor.onUnexpectedExit = (name, code, signal) => {
  crashed = `${name} exited (${signal ?? `code ${code}`}); its last lines:\n${supervisor.tail(name)}`;
  if (ready) void shutdown(1, crashed);
};
let ready = false;
let shuttingDown: Promise<void> | undefined;
let simulator: ClusterSimulator | undefined;

function shutdown(code: number, reason?: string): Promise<void> {
  shuttingDown ??= (async () => {
    if (reason) process.stderr.write(`\n${reason}\n`);
    progress('stopping');
    // The agent first (the supervisor stops children in reverse order), then the cluster it watches.
    await supervisor.stopAll(10_000, progress);
    await simulator?.stop();
    progress('stopped');
    process.exit(code);
  })();
  return shuttingDown;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(0));
// `kill <npm's pid>` ends npm without forwarding the signal: when the parent is gone, stop as if signalled,
// rather than leave the API, worker, simulator and agent running with no one to stop them.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown(0);
}, 500).unref();

/** Every child carries the demo directory in its environment, and so do the processes it forks (Next's workers),
 * so anything left after a stop can be found by it (the smoke test does). */
function startChild(spec: ChildSpec): void {
  supervisor.start({ ...spec, env: { ...spec.env, RATCHET_DEMO_DIR: demoDir } });
}

async function main(): Promise<void> {
  progress(`Ratchet demo (Node ${process.version})`);
  await mkdir(join(demoDir, 'logs'), { recursive: true });

  progress(`checking Postgres (${new URL(databaseUrl).host}) and Redis (${new URL(redisUrl).host})`);
  await checkRedis(redisUrl);
  if (await ensureDatabase(databaseUrl)) progress(`created database ${new URL(databaseUrl).pathname.slice(1)}`);

  if (env.RATCHET_DEMO_SKIP_BUILD === 'true' && BUILT.every((file) => existsSync(join(root, file)))) {
    progress('build skipped (RATCHET_DEMO_SKIP_BUILD=true)');
  } else {
    progress('building (nx; unchanged projects come from its cache)');
    await run('npx', ['nx', 'run-many', '-t', 'build', `--projects=${PROJECTS.join(',')}`], { NX_DAEMON: 'false', NX_NO_CLOUD: 'true' });
  }

  progress('applying migrations (npm run db:migrate)');
  await run('npm', ['run', '--silent', 'db:migrate'], { DATABASE_URL: databaseUrl });

  const service = { PATH: env.PATH, HOME: env.HOME, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, RATCHET_LOG_LEVEL: env.RATCHET_LOG_LEVEL ?? 'info' };
  const specs: ChildSpec[] = [
    {
      name: 'api',
      args: ['apps/api/dist/main.js'],
      // The web app on this machine forwards every browser request: believe its X-Forwarded-For (loopback).
      env: { ...service, PORT: String(apiPort), RATCHET_PUBLIC_URL: publicUrl, RATCHET_TRUSTED_PROXIES: 'loopback', RATCHET_METRICS_PORT: env.RATCHET_API_METRICS_PORT ?? '0' },
    },
    { name: 'worker', args: ['apps/worker/dist/main.js'], env: { ...service, RATCHET_METRICS_PORT: env.RATCHET_WORKER_METRICS_PORT ?? '0' } },
  ];
  // The dashboard: `next start` on PORT (what `npm run start:web` runs), reaching the API at RATCHET_API_URL.
  specs.push({
    name: 'web',
    args: ['node_modules/next/dist/bin/next', 'start', 'apps/web', '--port', String(dashboardPort)],
    env: { PATH: env.PATH, HOME: env.HOME, PORT: String(dashboardPort), RATCHET_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1' },
  });
  for (const spec of specs) {
    progress(`starting ${spec.name}`);
    startChild(spec);
  }
  const failed = () => crashed;
  await waitUntil('the API answering /readyz', async () => (await fetch(`${apiUrl}/readyz`)).status === 200, 60_000, failed);
  progress(`API ready on ${apiUrl}`);
  await waitUntil('the dashboard answering', async () => (await fetch(`${publicUrl}/login`)).status === 200, 60_000, failed);
  progress(`dashboard up on ${publicUrl}`);

  const api = new DemoApi(apiUrl, publicUrl);
  const statePath = join(demoDir, 'state.json');
  const account = await ensureDemoAccount({ api, email, password, databaseUrl, statePath });
  progress(`demo organization ready (cluster ${account.clusterId})`);

  // The simulated cluster runs in this process, so the history can be driven on its clock. A first start replays
  // the week before now; a restart (history recorded in state.json) goes straight to live.
  const historyDays = account.historySeededAt ? 0 : envInt('RATCHET_DEMO_HISTORY_DAYS', 7, 0, 30);
  const startMs = Math.floor((Date.now() - historyDays * DAY_MS) / 1000) * 1000;
  const auditPort = await getPort();
  const { startClusterSimulator, SimulatorOptionsSchema } = await import('@ratchet/cluster-sim');
  const simulatorOptions = SimulatorOptionsSchema.safeParse({
    port: envInt('RATCHET_SIM_PORT', 6443, 0, 65535),
    kubeconfigPath: kubeconfig,
    startTime: new Date(startMs).toISOString(),
    auditWebhook: { url: `http://127.0.0.1:${auditPort}/` },
    evolve: historyDays === 0,
    ...(env.RATCHET_SIM_PODS ? { pods: envInt('RATCHET_SIM_PODS', 600, 0, 200_000) } : {}),
    ...(env.RATCHET_SIM_NAMESPACES ? { namespaces: envInt('RATCHET_SIM_NAMESPACES', 40, 1, 5000) } : {}),
    ...(env.RATCHET_SIM_SEED ? { seed: envInt('RATCHET_SIM_SEED', 42, 0, 2 ** 31 - 1) } : {}),
  });
  if (!simulatorOptions.success) {
    const issue = simulatorOptions.error.issues[0]!;
    throw new PreflightError(`invalid simulated cluster setting ${issue.path.join('.')}: ${issue.message}`);
  }
  const sim = await startClusterSimulator(simulatorOptions.data);
  simulator = sim;
  progress(`simulated cluster up on ${sim.url} (kubectl --kubeconfig ${kubeconfig} get pods -A)`);

  // The agent reports the cluster's PodSecurityConfiguration as a Helm value would: the simulator's own (its
  // defaults exempt a break-glass user), so Ratchet does not flag that user's exemptions as unexpected.
  const psaConfiguration = sim.psaConfiguration;
  const announce = () => {
    const pids = Object.entries(supervisor.pids())
      .map(([name, pid]) => `${name}=${pid}`)
      .join(' ');
    process.stdout.write(
      [
        '',
        `Ratchet is running: ${publicUrl}  (dashboard: ${publicUrl}/clusters/${account.clusterId})`,
        `  sign in as ${email} / ${password}`,
        `  API: ${publicUrl}/api/v1 (OpenAPI ${publicUrl}/api/openapi.json, Swagger UI ${publicUrl}/api/docs)`,
        `  simulated cluster: kubectl --kubeconfig ${kubeconfig} get pods -A`,
        `  logs: ${join(demoDir, 'logs')}    processes: ${pids}`,
        '  Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
  };

  if (historyDays > 0) {
    progress(`replaying ${historyDays} days of the cluster's history through the ingest API, the worker and the rollups`);
    const agentVersion = (JSON.parse(await readFile(join(root, 'apps/agent/package.json'), 'utf8')) as { version: string }).version;
    const summary = await replayHistory({
      simulator: sim,
      startMs,
      apiUrl,
      agentToken: account.agentToken,
      redisUrl,
      agentVersion,
      psaConfiguration,
      progress,
      // The namespaces are on the dashboard from the first hour on: say where it is while the week replays.
      onFirstSync: announce,
      aborted: failed,
    });
    await markHistorySeeded(statePath, new Date());
    progress(
      `history replayed: ${summary.steps} hours, ${summary.changes} changes, ${summary.auditEvents} audit violations, ${summary.batches} batches; trends: ${summary.trendBuckets.hour} hourly and ${summary.trendBuckets.day} daily buckets`,
    );
    sim.startEvolving();
  }

  startChild({
    name: 'agent',
    args: [...AGENT_NODE_FLAGS, AGENT_ENTRY],
    env: {
      PATH: env.PATH,
      ...AGENT_ENV,
      RATCHET_API_URL: apiUrl,
      RATCHET_AGENT_TOKEN: account.agentToken,
      RATCHET_CLUSTER_NAME: 'demo-cluster',
      KUBECONFIG: kubeconfig,
      RATCHET_SPOOL_DIR: join(demoDir, 'agent-spool'),
      RATCHET_HEALTH_LISTEN: `127.0.0.1:${env.RATCHET_AGENT_HEALTH_PORT ?? '0'}`,
      RATCHET_AUDIT_WEBHOOK_LISTEN: `127.0.0.1:${auditPort}`,
      RATCHET_DELTA_WINDOW_MS: '1000',
      RATCHET_PSA_CONFIGURATION: JSON.stringify(psaConfiguration),
      RATCHET_LOG_LEVEL: env.RATCHET_LOG_LEVEL ?? 'info',
    },
  });
  progress(`agent started (agent=${supervisor.pids().agent}): waiting for the namespaces to get their readiness`);
  let last = '';
  await waitUntil(
    'readiness for every namespace',
    async () => {
      const { namespaces, withReadiness } = await readinessProgress(api, account.clusterId);
      const line = `${withReadiness}/${namespaces} namespaces have readiness`;
      if (line !== last) progress(line);
      last = line;
      return namespaces > 0 && withReadiness === namespaces;
    },
    120_000,
    failed,
  );
  ready = true;
  if (historyDays === 0) announce();
  progress('demo ready');
}

main().catch((error: unknown) => {
  const known = error instanceof PreflightError || error instanceof DemoAccountError || error instanceof HistoryError;
  void shutdown(1, known ? (error as Error).message : `npm start failed: ${error instanceof Error ? error.message : String(error)}`);
});
