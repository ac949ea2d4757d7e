import type { OnApplicationShutdown } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import { JobProducer } from '@ratchet/jobs';
import type { PreparedJob } from '@ratchet/jobs';

import { RedisConnection } from '../../infra/redis.provider.js';

/**
 * The worker's queue as the API fills it: libs/jobs' producer on a connection of its own, made from the process's
 * Redis settings, that never queues commands while Redis is away, so an enqueue fails at once and the caller
 * leaves the job to the outbox.
 */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('JobQueue');
  readonly producer: JobProducer;
  private lastError = '';

  constructor(redis: RedisConnection) {
    const connection = redis.client.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: false });
    connection.on('error', (error: Error) => {
      if (error.message !== this.lastError) this.logger.warn(`queue connection: ${error.message}`);
      this.lastError = error.message;
    });
    connection.on('ready', () => {
      this.lastError = '';
    });
    this.producer = new JobProducer(connection);
  }

  /** Whether an enqueue can succeed now. */
  get available(): boolean {
    return this.producer.available;
  }

  /** Adds prepared jobs (they collapse as libs/jobs' collapseOptions says); throws when Redis is unreachable. */
  async enqueue(jobs: readonly PreparedJob[]): Promise<void> {
    await this.producer.add(jobs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
  }
}
