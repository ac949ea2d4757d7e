import { Injectable, Logger } from '@nestjs/common';
import type { OutboxEntry } from '@ratchet/jobs';

import { JobQueue } from '../ingest/job-queue.provider.js';
import { OutboxRelayProvider } from '../ingest/outbox-relay.provider.js';

/**
 * Enqueues, after commit, the readiness jobs a settings change wrote to the outbox (markReadinessStale). When the
 * queue is unreachable the change still succeeds: the outbox relay enqueues the jobs once Redis is back.
 */
@Injectable()
export class ReadinessRequeue {
  private readonly logger = new Logger('ReadinessRequeue');

  constructor(
    private readonly queue: JobQueue,
    private readonly relay: OutboxRelayProvider,
  ) {}

  async dispatch(outbox: readonly OutboxEntry[]): Promise<void> {
    if (outbox.length === 0) return;
    try {
      await this.queue.enqueue(outbox.map((entry) => entry.job));
    } catch (error) {
      this.logger.warn(`queue unreachable (${(error as Error).message}): ${outbox.length} readiness jobs left to the outbox relay`);
      return;
    }
    this.relay.enqueuedByBatch(outbox.map((entry) => entry.outboxId));
  }
}
