import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import { OutboxRelay } from '@ratchet/jobs';

import { Database } from '../../infra/database.provider.js';
import { JobQueue } from './job-queue.provider.js';

/**
 * libs/jobs' outbox relay for the API process: started with the module, stopped (after deleting the rows of jobs
 * batches enqueued themselves) at shutdown.
 */
@Injectable()
export class OutboxRelayProvider implements OnModuleInit, OnApplicationShutdown {
  readonly relay: OutboxRelay;

  constructor(database: Database, queue: JobQueue) {
    this.relay = new OutboxRelay({ prisma: database.client, producer: queue.producer, logger: new Logger('OutboxRelay') });
  }

  onModuleInit(): void {
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }

  /** Outbox rows whose jobs the batch enqueued after its commit: deleted shortly, with others. */
  enqueuedByBatch(outboxIds: readonly string[]): void {
    this.relay.enqueuedByCaller(outboxIds);
  }
}
