import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

import { DEFAULT_JOB_OPTIONS, JOB_QUEUE, prepareJob } from './job.js';
import type { JobName, JobPayload, PreparedJob } from './job.js';

export interface JobProducerOptions {
  /** BullMQ key prefix (default BullMQ's `bull`); tests use their own to stay apart on a shared Redis. */
  prefix?: string;
  /** An enqueue that takes longer fails (default 3 s): the caller leaves its jobs to the outbox. */
  enqueueTimeoutMs?: number;
}

const CLOSE_TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Puts jobs on JOB_QUEUE. It owns the Redis connection it is given, which should not queue commands while Redis
 * is away (`enableOfflineQueue: false`, `maxRetriesPerRequest: null`): an enqueue then fails at once, and the
 * caller relies on the outbox.
 */
export class JobProducer {
  private readonly queue: Queue;
  private readonly enqueueTimeoutMs: number;

  constructor(
    private readonly connection: Redis,
    options: JobProducerOptions = {},
  ) {
    this.enqueueTimeoutMs = options.enqueueTimeoutMs ?? 3000;
    this.queue = new Queue(JOB_QUEUE, {
      connection,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    });
    // Connection errors surface on the connection (its owner logs them) and as failed enqueues.
    this.queue.on('error', () => undefined);
  }

  /** Whether an enqueue can succeed now. */
  get available(): boolean {
    return this.connection.status === 'ready';
  }

  /**
   * Parses the payload with its contract (JobPayloadError, naming the field, when it does not parse) and adds the
   * job straight to the queue, collapsing as collapseOptions says. For producers outside a tenant transaction
   * (the worker's follow-up jobs); a batch writes its jobs to the outbox instead (writeOutboxJobs).
   */
  async enqueue<Name extends JobName>(name: Name, payload: JobPayload<Name>): Promise<void> {
    await this.add([prepareJob(name, payload)]);
  }

  /** Adds prepared jobs in one round trip; throws when Redis is unreachable or slow. */
  async add(jobs: readonly PreparedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    if (!this.available) throw new Error(`redis is ${this.connection.status}`);
    const bulk = jobs.map((job) => ({ name: job.name, data: job.payload, opts: job.options }));
    await withTimeout(this.queue.addBulk(bulk), this.enqueueTimeoutMs, 'enqueueing');
  }

  /** Closes the queue, then the connection, without hanging on a Redis that went away. */
  async close(): Promise<void> {
    await withTimeout(this.queue.close(), CLOSE_TIMEOUT_MS, 'closing the queue').catch(() => undefined);
    if (this.connection.status === 'ready') await this.connection.quit().catch(() => this.connection.disconnect());
    else this.connection.disconnect();
  }
}
