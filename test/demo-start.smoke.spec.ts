import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';

import { kubeBinary } from '../scripts/kube-binaries.js';

// Real processes on a shared, loaded machine; the demo's own deadline (readiness within a minute) is asserted below.
jest.setTimeout(240_000);

const ADMIN_URL = process.env.RATCHET_TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const ROOT = new URL('..', import.meta.url).pathname;
const run = promisify(execFile);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
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

/** Every live process that belongs to the demo in `demoDir`: its command line or its environment names the directory. */
async function processesOf(demoDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (cmdline.includes(demoDir) || environ.includes(`RATCHET_DEMO_DIR=${demoDir}`)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ').trim()}`);
  }
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * `npm start` headless, as a newcomer runs it (minus the build, which the rest of CI does first): its own database
 * and redis-server, free ports. The demo must come up with readiness for every simulated namespace within a minute,
 * a second start must find the same organization and cluster, and SIGTERM (to the
 * terminal's process group, or to npm alone) must leave no process behind.
 */
describe('npm start (the demo), headless', () => {
  const dbName = `ratchet_demo_smoke_${randomBytes(5).toString('hex')}`;
  let demoDir: string;
  let redis: ChildProcess;
  let env: NodeJS.ProcessEnv;
  let apiPort: number;

  beforeAll(async () => {
    for (const file of ['apps/api/dist/main.js', 'apps/worker/dist/main.js', 'apps/agent/dist/main.js', 'apps/cluster-sim/dist/main.js', 'libs/db/dist/migrate/migrate.cli.js']) {
      if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: run npm run build first`);
    }
    demoDir = await mkdtemp(join(tmpdir(), 'ratchet-demo-smoke-'));
    const redisPort = await freePort();
    redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    apiPort = await freePort();
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: url.toString(),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      PORT: String(await freePort()),
      RATCHET_API_PORT: String(apiPort),
      RATCHET_SIM_PORT: '0',
      RATCHET_DEMO_DIR: demoDir,
      RATCHET_DEMO_SKIP_BUILD: 'true',
      RATCHET_LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    redis?.kill('SIGTERM');
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    if (demoDir) await rm(demoDir, { recursive: true, force: true });
  });

  /** Starts `npm start` and resolves once it says the demo is ready, with what it printed. */
  async function startDemo(): Promise<{ npm: ChildProcess; output: () => string; readyMs: number }> {
    const startedAt = Date.now();
    // Its own process group, as a shell runs a foreground job, so the test can signal the group like Ctrl-C does.
    const npm = spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    while (!output.includes('demo ready')) {
      if (npm.exitCode !== null) throw new Error(`npm start exited with ${npm.exitCode}:\n${output}`);
      if (Date.now() - startedAt > 150_000) throw new Error(`the demo was not ready in 150 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { npm, output: () => output, readyMs: Date.now() - startedAt };
  }

  /**
   * Stops the demo as a terminal does (SIGTERM to npm's whole process group), or as a careless process manager
   * does (SIGTERM to npm alone, which does not forward it), and waits until nothing of the demo is left.
   */
  async function stopDemo(npm: ChildProcess, pids: number[], how: 'group' | 'npm-only'): Promise<string[]> {
    if (how === 'group') process.kill(-npm.pid!, 'SIGTERM');
    else npm.kill('SIGTERM');
    const deadline = Date.now() + 30_000;
    let left: string[];
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      left = [...pids.filter(alive).map(String), ...(await processesOf(demoDir))];
    } while (left.length > 0 && Date.now() < deadline);
    return left;
  }

  async function signIn(): Promise<{ cookie: string; orgId: string }> {
    const login = await fetch(`http://127.0.0.1:${apiPort}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: `http://localhost:${apiPort}` },
      body: JSON.stringify({ email: 'demo@ratchet.dev', password: 'staged-rollout-demo-2026' }),
    });
    expect(login.status).toBe(200);
    const me = (await login.json()) as { memberships: { organization: { id: string; name: string } }[] };
    expect(me.memberships.map((m) => m.organization.name)).toEqual(['Demo']);
    return { cookie: login.headers.get('set-cookie')!.split(';')[0]!, orgId: me.memberships[0]!.organization.id };
  }

  it('comes up with readiness for every simulated namespace within a minute, restarts into the same demo, and leaves nothing behind', async () => {
    const first = await startDemo();
    const pids = [...first.output().matchAll(/(api|worker|cluster-sim|agent)=(\d+)/g)].map((m) => Number(m[2]));
    expect(pids).toHaveLength(4);
    expect(first.readyMs).toBeLessThan(60_000 + 30_000); // a minute for readiness, after migrations and process starts

    // Through the API, as the dashboard reads it: every namespace kubectl lists has readiness at both levels.
    const { cookie, orgId } = await signIn();
    const page = await fetch(`http://127.0.0.1:${apiPort}/api/v1/namespaces?limit=100`, { headers: { Cookie: cookie, 'X-Ratchet-Org': orgId } });
    const namespaces = ((await page.json()) as { items: { name: string; readiness: Record<'baseline' | 'restricted', { status: string; computedAt: string | null }> }[] }).items;
    const kubectl = await kubeBinary('kubectl');
    const { stdout } = await run(kubectl, ['--kubeconfig', join(demoDir, 'kubeconfig'), 'get', 'namespaces', '-o', 'jsonpath={.items[*].metadata.name}']);
    expect(namespaces.map((n) => n.name).sort()).toEqual(stdout.split(' ').sort());
    for (const ns of namespaces) {
      expect(ns.readiness.baseline.computedAt).not.toBeNull();
      expect(ns.readiness.restricted.computedAt).not.toBeNull();
    }
    const state = JSON.parse(await readFile(join(demoDir, 'state.json'), 'utf8')) as { clusterId: string };

    expect(await stopDemo(first.npm, pids, 'group')).toEqual([]);

    // A second start finds the same user, organization and cluster (the API holds one of each).
    const second = await startDemo();
    const secondPids = [...second.output().matchAll(/(api|worker|cluster-sim|agent)=(\d+)/g)].map((m) => Number(m[2]));
    const again = await signIn();
    expect(again.orgId).toBe(orgId);
    const clusters = await fetch(`http://127.0.0.1:${apiPort}/api/v1/clusters`, { headers: { Cookie: again.cookie, 'X-Ratchet-Org': orgId } });
    expect(((await clusters.json()) as { items: { id: string }[] }).items.map((c) => c.id)).toEqual([state.clusterId]);
    expect(secondPids).toHaveLength(4);
    expect(await stopDemo(second.npm, secondPids, 'npm-only')).toEqual([]);
  });
});
