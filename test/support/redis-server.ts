import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

import getPort from 'get-port';
import { Redis } from 'ioredis';

/** A private redis-server on a loopback port, which a test can stop and start again on the same port. */
export interface TestRedisServer {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function waitUntilReady(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      client.disconnect();
    }
  }
}

/**
 * Starts redis-server on a free loopback port, without persistence by default. With `appendOnlyDir`, it keeps an
 * append-only file there (fsync on every write), so a restart keeps the queue, as a production Redis for BullMQ is
 * configured; without it a restart loses everything.
 */
export async function startRedisServer(options: { appendOnlyDir?: string } = {}): Promise<TestRedisServer> {
  const port = await getPort();
  const persistence = options.appendOnlyDir
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.appendOnlyDir]
    : ['--appendonly', 'no'];
  let child: ChildProcess | undefined;
  const server: TestRedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], {
        stdio: 'ignore',
      });
      await waitUntilReady(port, child);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
  };
  await server.start();
  return server;
}
