import { JOB_QUEUE } from '@ratchet/contracts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

import type { CreateAppOptions } from '../../src/create-app.js';
import { disconnectOwnerClients } from '../factories/db.factory.js';
import { startRedisServer } from './redis-server.js';
import type { TestRedisServer } from './redis-server.js';
import { startTestApp } from './test-app.js';
import type { TestApp } from './test-app.js';

export interface QueuedTestApp {
  sut: TestApp;
  /** A private Redis: nothing consumes its queue, so a test reads back the jobs a request enqueued. */
  redis: TestRedisServer;
  /** The job queue on that Redis. */
  queue: Queue;
  /** Closes the queue, the factories' database clients, the app and its Redis, in that order. */
  close(): Promise<void>;
}

/**
 * Boots the real API (startTestApp, `env` overrides, `options` such as a fixed clock) on a private Redis, with the
 * job queue opened on it.
 */
export async function startQueuedTestApp(env: Record<string, string> = {}, options: CreateAppOptions = {}): Promise<QueuedTestApp> {
  const redis = await startRedisServer();
  const sut = await startTestApp({ REDIS_URL: redis.url, ...env }, options);
  const queueConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(JOB_QUEUE, { connection: queueConnection });
  return {
    sut,
    redis,
    queue,
    async close() {
      await queue.close();
      queueConnection.disconnect();
      await disconnectOwnerClients();
      await sut.close();
      await redis.stop();
    },
  };
}
