// `npm start` run headless for the repository-level tests (the smoke test and the truth test): its own database
// and redis-server, free ports, a temporary demo directory; started and stopped as a user's terminal does.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import getPort from 'get-port';
import pg from 'pg';

export const ROOT = new URL('../..', import.meta.url).pathname;
const ADMIN_URL = process.env.RATCHET_TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/** What `npm start` runs; the tests skip its build step, so these must exist (CI builds first). */
export const BUILT = ['apps/api/dist/main.js', 'apps/worker/dist/main.js', 'apps/agent/dist/main.js', 'apps/cluster-sim/dist/main.js', 'libs/db/dist/migrate/migrate.cli.js', 'apps/web/dist/BUILD_ID'];
export const DEMO_EMAIL = 'demo@ratchet.dev';
export const DEMO_PASSWORD = 'staged-rollout-demo-2026';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export interface StartedDemo {
  npm: ChildProcess;
  output: () => string;
  /** From `npm start` to "demo ready" (history replayed, agent started, readiness everywhere). */
  readyMs: number;
  /** From `npm start` to "Ratchet is running" (the URL is printed once the namespaces are on the dashboard). */
  runningMs: number;
  /** The children's pids as `npm start` printed them so far (api, worker, web, agent; the simulator runs inside npm start). */
  readonly pids: Record<string, number>;
}

/** A session through the dashboard's origin, as a browser holds it: the API's session cookie and the organization. */
export interface WebSession {
  cookie: string;
  orgId: string;
}

export class DemoRun {
  readonly dbName = `ratchet_demo_test_${randomBytes(5).toString('hex')}`;
  demoDir = '';
  env: NodeJS.ProcessEnv = {};
  webPort = 0;
  apiPort = 0;
  private redis?: ChildProcess;
  private readonly running = new Set<StartedDemo>();

  get webUrl(): string {
    return `http://localhost:${this.webPort}`;
  }

  get kubeconfig(): string {
    return join(this.demoDir, 'kubeconfig');
  }

  /** Checks the build, makes the directory, the redis-server and the environment. */
  async prepare(extra: NodeJS.ProcessEnv = {}): Promise<void> {
    const missing = BUILT.filter((file) => !existsSync(join(ROOT, file)));
    if (missing.length) throw new Error(`${missing.join(', ')} missing: run npm run build first`);
    this.demoDir = await mkdtemp(join(tmpdir(), 'ratchet-demo-test-'));
    const redisPort = await getPort();
    this.redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.apiPort = await getPort();
    this.webPort = await getPort();
    const url = new URL(ADMIN_URL);
    url.pathname = `/${this.dbName}`;
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: url.toString(),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      PORT: String(this.webPort),
      RATCHET_API_PORT: String(this.apiPort),
      RATCHET_SIM_PORT: '0',
      RATCHET_DEMO_DIR: this.demoDir,
      RATCHET_DEMO_SKIP_BUILD: 'true',
      RATCHET_LOG_LEVEL: 'warn',
      ...extra,
    };
  }

  /** Stops a demo a failed test left running, then removes the redis-server, the database and the directory. */
  async cleanup(): Promise<void> {
    for (const demo of this.running) await this.stop(demo, 'group').catch(() => undefined);
    this.redis?.kill('SIGTERM');
    await admin(`DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`).catch(() => undefined);
    if (this.demoDir) await rm(this.demoDir, { recursive: true, force: true });
  }

  /**
   * Starts `npm start` and resolves once it prints `until` (default: "demo ready"), with what it printed; the
   * demo keeps running. The timeout covers a first start's history replay on a loaded machine.
   */
  async start(timeoutMs = 300_000, until = 'demo ready'): Promise<StartedDemo> {
    const startedAt = Date.now();
    // Its own process group, as a shell runs a foreground job, so the test can signal the group like Ctrl-C does.
    const npm = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: this.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    let runningMs = 0;
    npm.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!runningMs && output.includes('Ratchet is running')) runningMs = Date.now() - startedAt;
    });
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    while (!output.includes(until)) {
      if (npm.exitCode !== null) throw new Error(`npm start exited with ${npm.exitCode}:\n${output}`);
      if (Date.now() - startedAt > timeoutMs) {
        process.kill(-npm.pid!, 'SIGTERM');
        throw new Error(`the demo was not ready in ${timeoutMs / 1000} s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const started: StartedDemo = {
      npm,
      output: () => output,
      readyMs: Date.now() - startedAt,
      runningMs,
      // Read from the output each time: the agent's pid is printed after the history replay.
      get pids() {
        return Object.fromEntries([...output.matchAll(/\b(api|worker|web|agent)=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
      },
    };
    this.running.add(started);
    return started;
  }

  /** Waits until a started demo prints `text` (e.g. "demo ready" after start(..., 'Ratchet is running')). */
  async waitForOutput(demo: StartedDemo, text: string, timeoutMs = 300_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!demo.output().includes(text)) {
      if (demo.npm.exitCode !== null) throw new Error(`npm start exited with ${demo.npm.exitCode}:\n${demo.output()}`);
      if (Date.now() > deadline) throw new Error(`npm start did not print "${text}" in ${timeoutMs / 1000} s:\n${demo.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Every live process that belongs to this demo: its command line or its environment names the directory. */
  async processes(): Promise<string[]> {
    const found: string[] = [];
    for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
      if (cmdline.includes(this.demoDir) || environ.includes(`RATCHET_DEMO_DIR=${this.demoDir}`)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ').trim()}`);
    }
    return found;
  }

  /**
   * Stops the demo as a terminal does (SIGTERM to npm's whole process group), or as a careless process manager
   * does (SIGTERM to npm alone, which does not forward it), and waits until nothing of it is left; resolves what is.
   */
  async stop(demo: StartedDemo, how: 'group' | 'npm-only'): Promise<string[]> {
    this.running.delete(demo);
    if (how === 'group') process.kill(-demo.npm.pid!, 'SIGTERM');
    else demo.npm.kill('SIGTERM');
    const deadline = Date.now() + 30_000;
    let left: string[];
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      left = [...Object.values(demo.pids).filter(alive).map(String), ...(await this.processes())];
    } while (left.length > 0 && Date.now() < deadline);
    return left;
  }

  /** Signs in through the dashboard's origin (its /api forwarding), as the browser's login form does. */
  async signIn(): Promise<WebSession> {
    const login = await fetch(`${this.webUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: this.webUrl },
      body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`login through ${this.webUrl} answered ${login.status}: ${await login.text()}`);
    const me = (await login.json()) as { memberships: { organization: { id: string; name: string } }[] };
    const organization = me.memberships[0]!.organization;
    return { cookie: login.headers.get('set-cookie')!.split(';')[0]!, orgId: organization.id };
  }

  /** A JSON GET through the dashboard's /api forwarding with the session cookie. */
  async get<T>(session: WebSession, path: string): Promise<T> {
    const response = await fetch(`${this.webUrl}/api/v1${path}`, { headers: { Cookie: session.cookie, 'X-Ratchet-Org': session.orgId, Accept: 'application/json' } });
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Every page of a cursor-paged list. */
  async list<T>(session: WebSession, path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page: { items: T[]; nextCursor: string | null } = await this.get(session, `${path}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }
}
