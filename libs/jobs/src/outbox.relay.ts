import type { ClaimedOutboxJob, PrismaClient } from '@ratchet/db';

import { JOB_QUEUE, collapseOptions, parseJobPayload } from './job.js';
import type { PreparedJob } from './job.js';
import type { JobProducer } from './job-producer.js';
import { claimOutbox, completeOutbox } from './outbox.repository.js';

/** Where the relay reports; the API passes its Nest logger, the worker its pino logger. */
export interface RelayLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The relay's clock: runs `tick` every `ms` until the returned function is called. Injected by tests. */
export type RelaySchedule = (tick: () => void, ms: number) => () => void;

export interface OutboxRelayOptions {
  prisma: PrismaClient;
  producer: JobProducer;
  logger: RelayLogger;
  /** How often it looks for rows to move (default 1 s). */
  intervalMs?: number;
  /** Rows callers enqueued themselves are deleted together, at most this long after (default 100 ms). */
  completionDelayMs?: number;
  /** Rows claimed per round (default 500). */
  claimLimit?: number;
  /** Long enough to enqueue a claim; a relay that dies mid-way leaves its claim to the next one after this (30 s). */
  leaseSeconds?: number;
  schedule?: RelaySchedule;
}

const intervalSchedule: RelaySchedule = (tick, ms) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
};

const timeoutSchedule: RelaySchedule = (tick, ms) => {
  const timer = setTimeout(tick, ms);
  return () => clearTimeout(timer);
};

// A row no processor could accept (an old payload version, a job name that is gone) is dropped, loudly: it would
// be claimed forever otherwise.
function preparedJob(row: ClaimedOutboxJob): PreparedJob | string {
  if (row.queue !== JOB_QUEUE) return `queue ${row.queue} is not ${JOB_QUEUE}`;
  try {
    const payload = parseJobPayload(row.jobName, row.payload);
    return { name: row.jobName as PreparedJob['name'], payload, options: collapseOptions(row.jobName as PreparedJob['name'], payload) };
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Moves outbox jobs onto the queue: those a caller could not enqueue after its commit (Redis was down, or the
 * process stopped in between). Runs in every process that writes jobs; claims are leased, so relays never block
 * each other. Also deletes, in bulk, the rows of jobs that callers enqueued themselves; a row whose deletion is lost
 * is enqueued once more later, where its collapse rule (collapseOptions) absorbs it.
 */
export class OutboxRelay {
  private readonly intervalMs: number;
  private readonly completionDelayMs: number;
  private readonly claimLimit: number;
  private readonly leaseSeconds: number;
  private readonly schedule: RelaySchedule;
  private stopTicking: (() => void) | undefined;
  private draining: Promise<number> | undefined;
  private readonly enqueued = new Set<string>();
  private cancelCompletion: (() => void) | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: OutboxRelayOptions) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.completionDelayMs = options.completionDelayMs ?? 100;
    this.claimLimit = options.claimLimit ?? 500;
    this.leaseSeconds = options.leaseSeconds ?? 30;
    this.schedule = options.schedule ?? intervalSchedule;
  }

  start(): void {
    this.stopTicking ??= this.schedule(() => this.tick(), this.intervalMs);
  }

  /** Stops ticking, waits for a round in progress, and deletes the rows callers reported enqueued. */
  async stop(): Promise<void> {
    this.stopTicking?.();
    this.stopTicking = undefined;
    await this.draining?.catch(() => undefined);
    this.cancelCompletion?.();
    this.cancelCompletion = undefined;
    await this.flush();
  }

  /** Outbox rows whose jobs the caller put on the queue itself: they are deleted shortly, with others. */
  enqueuedByCaller(outboxIds: readonly string[]): void {
    if (outboxIds.length === 0) return;
    for (const id of outboxIds) this.enqueued.add(id);
    this.cancelCompletion ??= timeoutSchedule(() => {
      this.cancelCompletion = undefined;
      void this.flush();
    }, this.completionDelayMs);
  }

  /**
   * Enqueues claimable outbox jobs until none is left (or, once stopped, after the current claim); returns how many
   * it enqueued. Rounds never overlap: a call during a round returns that round's result.
   */
  drain(): Promise<number> {
    this.draining ??= this.drainRounds().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private tick(): void {
    if (this.draining || !this.options.producer.available) return;
    this.drain()
      .then((moved) => {
        if (moved > 0) this.options.logger.log(`enqueued ${moved} jobs from the outbox`);
      })
      .catch((error: unknown) => this.options.logger.warn(`outbox relay: ${error instanceof Error ? error.message : String(error)}`));
  }

  private flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.enqueued.size === 0) return;
      const ids = [...this.enqueued];
      this.enqueued.clear();
      await completeOutbox(this.options.prisma, ids).catch((error: unknown) => {
        this.options.logger.warn(`${ids.length} enqueued jobs stay in the outbox until the relay moves them again: ${(error as Error).message}`);
      });
    });
    return this.flushing;
  }

  private async drainRounds(): Promise<number> {
    let moved = 0;
    for (;;) {
      const claimed = await claimOutbox(this.options.prisma, this.claimLimit, this.leaseSeconds);
      if (claimed.length === 0) return moved;
      const jobs: PreparedJob[] = [];
      for (const row of claimed) {
        const job = preparedJob(row);
        if (typeof job === 'string') this.options.logger.error(`dropping outbox job ${row.id} (${row.queue}/${row.jobName}): ${job}`);
        else jobs.push(job);
      }
      await this.options.producer.add(jobs);
      await completeOutbox(this.options.prisma, claimed.map((row) => row.id));
      moved += jobs.length;
      if (claimed.length < this.claimLimit || !this.stopTicking) return moved;
    }
  }
}
