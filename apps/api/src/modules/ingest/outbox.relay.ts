import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import { JOB_PAYLOADS, JOB_QUEUE } from '@ratchet/contracts';
import type { JobName } from '@ratchet/contracts';
import type { ClaimedOutboxJob } from '@ratchet/db';

import type { QueuedJob } from './ingest.types.js';
import { JobQueue } from './job-queue.provider.js';
import { OutboxRepository } from './outbox.repository.js';

const INTERVAL_MS = 1000;
// Rows a batch enqueued itself are deleted together, at most this long after: one transaction for many batches.
const COMPLETION_DELAY_MS = 100;
const CLAIM_LIMIT = 500;
// Long enough to enqueue a claim; a relay that dies mid-way leaves its claim to the next one after this.
const LEASE_SECONDS = 30;

function queuedJob(row: ClaimedOutboxJob): QueuedJob | undefined {
  if (row.queue !== JOB_QUEUE || row.jobId === null || !Object.hasOwn(JOB_PAYLOADS, row.jobName)) return undefined;
  const payload = JOB_PAYLOADS[row.jobName as JobName].safeParse(row.payload);
  return payload.success ? { name: row.jobName as JobName, jobId: row.jobId, payload: payload.data } : undefined;
}

/**
 * Moves outbox jobs onto the queue: those a batch could not enqueue after its commit (Redis was down, or the
 * process stopped in between). Runs in every API process; claims are leased, so relays never block each other.
 * Also deletes, in bulk, the rows of jobs that batches enqueued themselves; a row whose deletion is lost is
 * enqueued once more later, under the same job id, which BullMQ ignores.
 */
@Injectable()
export class OutboxRelay implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private readonly enqueued = new Set<string>();
  private completing: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => this.tick(), INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.draining;
    clearTimeout(this.completing);
    await this.flush();
  }

  /** Outbox rows whose jobs are on the queue now: they are deleted shortly, with others. */
  enqueuedByBatch(outboxIds: readonly string[]): void {
    for (const id of outboxIds) this.enqueued.add(id);
    this.completing ??= setTimeout(() => {
      this.completing = undefined;
      void this.flush();
    }, COMPLETION_DELAY_MS);
  }

  private flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.enqueued.size === 0) return;
      const ids = [...this.enqueued];
      this.enqueued.clear();
      await this.outbox.complete(ids).catch((error: unknown) => {
        this.logger.warn(`${ids.length} enqueued jobs stay in the outbox until the relay moves them again: ${(error as Error).message}`);
      });
    });
    return this.flushing;
  }

  private tick(): void {
    if (this.draining || !this.queue.available) return;
    this.draining = this.drain()
      .then((moved) => {
        if (moved > 0) this.logger.log(`enqueued ${moved} jobs from the outbox`);
      })
      .catch((error: unknown) => this.logger.warn(`outbox relay: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.draining = undefined;
      });
  }

  // Enqueues claimable outbox jobs until none is left; returns how many it enqueued.
  private async drain(): Promise<number> {
    let moved = 0;
    for (;;) {
      const claimed = await this.outbox.claim(CLAIM_LIMIT, LEASE_SECONDS);
      if (claimed.length === 0) return moved;
      const jobs: QueuedJob[] = [];
      for (const row of claimed) {
        const job = queuedJob(row);
        // A row no processor could accept would be claimed forever: drop it, loudly.
        if (job) jobs.push(job);
        else this.logger.error(`dropping outbox job ${row.id} (${row.queue}/${row.jobName}): not a valid job of ${JOB_QUEUE}`);
      }
      await this.queue.enqueue(jobs);
      await this.outbox.complete(claimed.map((row) => row.id));
      moved += jobs.length;
      if (claimed.length < CLAIM_LIMIT || !this.timer) return moved;
    }
  }
}
