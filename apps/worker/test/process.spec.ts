import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import getPort from 'get-port';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createTestDatabase, type TestDatabase } from './support/test-database.js';

// The built worker process (`npm run start:worker`): boot from the environment, /healthz and /metrics, refusal of a
// bad environment, and a clean exit on SIGTERM. Needs apps/worker/dist: `npx nx run @ratchet/worker:build`.
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const REDIS_URL = process.env['RATCHET_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

let database: TestDatabase;

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build it with npx nx run @ratchet/worker:build`);
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function until<T>(fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('worker process', () => {
  it('refuses a bad environment naming the variable', async () => {
    const run = start({ DATABASE_URL: database.url, REDIS_URL: 'http://nope', RATCHET_WORKER_CONCURRENCY: '0' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/REDIS_URL/);
    expect(run.output()).toMatch(/RATCHET_WORKER_CONCURRENCY/);
  });

  it('serves /healthz and /metrics, logs as JSON and exits 0 on SIGTERM', async () => {
    const port = await getPort();
    // Schedules off: on the shared Redis the process uses BullMQ's default prefix, where its schedulers would outlive it.
    const run = start({ DATABASE_URL: database.url, REDIS_URL, RATCHET_METRICS_PORT: String(port), RATCHET_LOG_LEVEL: 'info', RATCHET_SCHEDULES: 'off' });
    try {
      const health = await until(async () => {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        return response.status === 200 ? response : undefined;
      });
      expect(await health.json()).toEqual({ status: 'ok' });
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/ratchet_worker_job_duration_seconds/);
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
    const lines = run.output().trim().split('\n').map((line) => JSON.parse(line) as { msg: string });
    expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['worker started', 'worker shutting down', 'worker stopped']));
  });
});
