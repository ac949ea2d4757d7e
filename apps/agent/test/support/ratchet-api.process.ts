import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import getPort from 'get-port';
import { migrate } from '@ratchet/db';
import pg from 'pg';

const ADMIN_URL = process.env.RATCHET_TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const API_MAIN = fileURLToPath(new URL('../../../api/dist/main.js', import.meta.url));

/** A registered cluster: its id, agent token and the install snippet the API answered. */
export interface RegisteredCluster {
  clusterId: string;
  orgId: string;
  agentToken: string;
  helmValues: string;
}

/**
 * The real Ratchet API, built (`apps/api/dist`), run as a child process on its own database and its own
 * redis-server, reached over real HTTP like an agent reaches it. It can be stopped and started again on the
 * same port, to play an outage.
 */
export class RatchetApiProcess {
  private api: ChildProcess | undefined;
  private redis: ChildProcess | undefined;
  private cookie = '';
  databaseUrl = '';
  url = '';
  private port = 0;
  private redisPort = 0;
  private dbName = '';

  async start(): Promise<void> {
    if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN} is missing: run npm run build first`);
    this.dbName = `ratchet_agent_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${this.dbName}`);
    await admin.end();
    const url = new URL(ADMIN_URL);
    url.pathname = `/${this.dbName}`;
    this.databaseUrl = url.toString();
    await migrate({ connectionString: this.databaseUrl });
    this.redisPort = await getPort();
    this.redis = spawn('redis-server', ['--port', String(this.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.port = await getPort();
    this.url = `http://127.0.0.1:${this.port}`;
    await this.startApi();
  }

  /** Starts the API process (again) on the same port and database. */
  async startApi(): Promise<void> {
    if (this.api && this.api.exitCode === null && this.api.signalCode === null) return;
    const child = spawn(process.execPath, [API_MAIN], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: this.databaseUrl,
        REDIS_URL: `redis://127.0.0.1:${this.redisPort}`,
        PORT: String(this.port),
        RATCHET_PUBLIC_URL: this.url,
        RATCHET_LOG_LEVEL: 'warn',
        RATCHET_INGEST_RATE_PER_MINUTE: '100000',
        RATCHET_LOGIN_RATE_PER_MINUTE: '1000',
        // Any free port: the default 9464 is taken by whichever other API runs on this machine.
        RATCHET_METRICS_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.api = child;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}:\n${output}`);
      try {
        const response = await fetch(`${this.url}/healthz`);
        if (response.status < 500) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`API did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Kills the API process only, as a crash or a lost node would (the agent then sees connection refused). */
  async stopApi(): Promise<void> {
    const child = this.api;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }

  async stop(): Promise<void> {
    await this.stopApi();
    this.redis?.kill('SIGTERM');
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`);
    await admin.end();
  }

  /** Signs up a user (their organization with it) and registers a cluster, over HTTP. */
  async registerCluster(name: string): Promise<RegisteredCluster> {
    const email = `agent-test-${randomBytes(4).toString('hex')}@example.test`;
    const signUp = await fetch(`${this.url}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: this.url },
      body: JSON.stringify({ email, password: 'correct horse battery staple 42', name: 'Agent Test', organizationName: 'Agent Test Org' }),
    });
    if (signUp.status !== 201) throw new Error(`signup answered ${signUp.status}: ${await signUp.text()}`);
    this.cookie = signUp.headers.get('set-cookie')!.split(';')[0]!;
    const me = (await signUp.json()) as { memberships: { organization: { id: string } }[] };
    const orgId = me.memberships[0]!.organization.id;
    const created = await fetch(`${this.url}/api/v1/clusters`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: this.cookie, 'X-Ratchet-Org': orgId, Origin: this.url },
      body: JSON.stringify({ name }),
    });
    if (created.status !== 201) throw new Error(`cluster registration answered ${created.status}: ${await created.text()}`);
    const body = (await created.json()) as { cluster: { id: string }; agentToken: string; install: { helmValues: string } };
    return { clusterId: body.cluster.id, orgId, agentToken: body.agentToken, helmValues: body.install.helmValues };
  }

  /** Runs SQL on the API's database as its owner (row-level security does not apply), for assertions. */
  async query<Row extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query<Row>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }
}
