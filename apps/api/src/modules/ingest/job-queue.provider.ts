import type { OnApplicationShutdown } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import { JOB_QUEUE } from '@ratchet/contracts';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

import { RedisConnection } from '../../infra/redis.provider.js';
import type { QueuedJob } from './ingest.types.js';

const ENQUEUE_TIMEOUT_MS = 3000;
const CLOSE_TIMEOUT_MS = 2000;

// Completed jobs are kept a day so a job the relay enqueues again under the same id collapses into the first.
const JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The worker's queue, as the API fills it. BullMQ gets its own connection, made from the process's Redis
 * settings, that never queues commands while Redis is away: an enqueue then fails at once and the caller leaves
 * the job to the outbox.
 */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('JobQueue');
  private readonly connection: Redis;
  private readonly queue: Queue;
  private lastError = '';

  constructor(redis: RedisConnection) {
    this.connection = redis.client.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: false });
    this.connection.on('error', (error: Error) => {
      if (error.message !== this.lastError) this.logger.warn(`queue connection: ${error.message}`);
      this.lastError = error.message;
    });
    this.connection.on('ready', () => {
      this.lastError = '';
    });
    this.queue = new Queue(JOB_QUEUE, { connection: this.connection, defaultJobOptions: JOB_OPTIONS });
    // Connection errors are logged above; the queue repeats them.
    this.queue.on('error', () => undefined);
  }

  /** Whether an enqueue can succeed now. */
  get available(): boolean {
    return this.connection.status === 'ready';
  }

  /** Adds the jobs (an id already queued collapses into it); throws when Redis is unreachable. */
  async enqueue(jobs: readonly QueuedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    if (!this.available) throw new Error(`redis is ${this.connection.status}`);
    const bulk = jobs.map((job) => ({ name: job.name, data: job.payload, opts: { jobId: job.jobId } }));
    await withTimeout(this.queue.addBulk(bulk), ENQUEUE_TIMEOUT_MS, 'enqueueing');
  }

  async onApplicationShutdown(): Promise<void> {
    // The connection is ours, not the queue's: close the queue, then the connection, without hanging on a Redis
    // that went away.
    await withTimeout(this.queue.close(), CLOSE_TIMEOUT_MS, 'closing the queue').catch(() => undefined);
    if (this.connection.status === 'ready') await this.connection.quit().catch(() => this.connection.disconnect());
    else this.connection.disconnect();
  }
}
