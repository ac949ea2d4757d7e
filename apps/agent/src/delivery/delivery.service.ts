import { UNKNOWN_PROJECTIONS_ERROR_CODE, UnknownProjectionsDetails } from '@ratchet/contracts';
import type { ProjectionContent } from '@ratchet/contracts';

import { backoffDelay } from '../common/backoff.util.js';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { AgentMetrics } from '../common/metrics.js';
import type { ApiClient } from './api.client.js';
import type { SpooledBatch } from './outgoing-batch.types.js';
import type { Spool } from './spool.js';

/** Shared by the delivery loop and the heartbeat: a 401 means the token is revoked, and everything stops. */
export class TokenState {
  rejected = false;
}

/**
 * Sends the spool, oldest batch first, one at a time (a batch may name projections an earlier one carried).
 * Accepted (2xx) and refused-for-good (4xx other than 401, 408, 409 and 429) batches leave the spool; anything
 * else is retried with exponential backoff and jitter on the injected clock. A 409 `UNKNOWN_PROJECTIONS` is
 * answered by carrying the missing projections. A 401 stops sending for good and says so loudly: the token was
 * revoked, and nothing will succeed until the agent gets a new one.
 */
export class DeliveryService {
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  private attempt = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly spool: Spool,
    private readonly api: ApiClient,
    private readonly token: TokenState,
    private readonly projectionContent: (hash: string) => ProjectionContent | undefined,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly metrics: AgentMetrics,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** Stops after the batch in flight (which stays spooled if unanswered). */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /** Resolves once the spool is empty (or sending stopped): for graceful shutdown and tests. */
  idle(): Promise<void> {
    if (this.spool.size.batches === 0 || this.token.rejected || this.stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  private async loop(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      const batch = this.spool.peek();
      if (!batch) {
        this.wakeIdle();
        await this.spool.waitForBatch(signal);
        continue;
      }
      const retry = await this.sendOne(batch);
      if (this.token.rejected) break;
      if (retry) {
        const delay = backoffDelay(this.attempt++, this.random);
        this.log.warn({ kind: batch.kind, seq: batch.seq, attempt: this.attempt, retryInMs: delay }, 'batch not delivered; retrying later');
        await this.clock.sleep(delay, signal);
      } else {
        this.attempt = 0;
      }
    }
    this.wakeIdle();
  }

  /** Sends one batch; true when it should be retried later. */
  private async sendOne(batch: SpooledBatch): Promise<boolean> {
    let bodyJson: string;
    try {
      bodyJson = await this.spool.body(batch);
    } catch (error) {
      // Its file was removed or damaged under the agent: nothing can send it again.
      this.metrics.batchesSent.inc({ kind: batch.kind, result: 'rejected' });
      this.log.error({ kind: batch.kind, seq: batch.seq, err: (error as Error).message }, 'spooled batch unreadable; it is dropped');
      await this.spool.remove(batch);
      return false;
    }
    const end = this.metrics.sendSeconds.startTimer({ kind: batch.kind });
    let answer;
    try {
      answer = await this.api.post(batch.path, batch.idempotencyKey, bodyJson);
    } catch (error) {
      end();
      this.metrics.batchesSent.inc({ kind: batch.kind, result: 'failed' });
      this.log.warn({ kind: batch.kind, err: (error as Error).message }, 'API unreachable');
      return true;
    }
    end();
    const { status, body } = answer;
    if (status >= 200 && status < 300) {
      this.metrics.batchesSent.inc({ kind: batch.kind, result: 'accepted' });
      this.metrics.lastSuccess.set(this.clock.now() / 1000);
      await this.spool.remove(batch);
      return false;
    }
    if (status === 401) {
      this.token.rejected = true;
      this.metrics.tokenRevoked.set(1);
      this.log.error(
        { status, body },
        'THE API REFUSED THE AGENT TOKEN (401): it was revoked or is wrong. Sending has stopped; spooled batches are kept. Install a new token (helm upgrade with agent.token or agent.existingSecret) and restart the agent.',
      );
      return false;
    }
    if (status === 409 && (body as { code?: string } | undefined)?.code === UNKNOWN_PROJECTIONS_ERROR_CODE) {
      return this.carryMissingProjections(batch, bodyJson, body);
    }
    if (status === 408 || status === 409 || status === 429 || status >= 500) {
      this.metrics.batchesSent.inc({ kind: batch.kind, result: 'failed' });
      this.log.warn({ kind: batch.kind, status, body }, 'API did not take the batch; retrying later');
      return true;
    }
    // Any other 4xx will never succeed as sent: keep the evidence in the log, not in the spool.
    this.metrics.batchesSent.inc({ kind: batch.kind, result: 'rejected' });
    this.log.error({ kind: batch.kind, seq: batch.seq, status, body }, 'API refused the batch; it is dropped');
    await this.spool.remove(batch);
    return false;
  }

  /** `bodyJson` is the body just posted (read from the spool once per attempt); `answer` the API's 409 body. */
  private async carryMissingProjections(batch: SpooledBatch, bodyJson: string, answer: unknown): Promise<boolean> {
    const details = UnknownProjectionsDetails.safeParse((answer as { details?: unknown }).details);
    const missing = details.success ? details.data.missingProjectionHashes : [];
    const body = JSON.parse(bodyJson) as { projections?: Record<string, ProjectionContent>; knownProjectionHashes?: string[] };
    const projections = { ...body.projections };
    for (const hash of missing) {
      const content = this.projectionContent(hash);
      if (!content) {
        // The objects behind it are gone from the cluster; the next resync describes the cluster without them.
        this.log.warn({ kind: batch.kind, hash }, 'batch names a projection the API lacks and the agent no longer holds; dropped');
        this.metrics.batchesSent.inc({ kind: batch.kind, result: 'rejected' });
        await this.spool.remove(batch);
        return false;
      }
      projections[hash] = content;
    }
    const known = (body.knownProjectionHashes ?? []).filter((hash) => !missing.includes(hash));
    await this.spool.replace(batch, { ...body, projections, knownProjectionHashes: known });
    this.log.info({ kind: batch.kind, missing: missing.length }, 'resending the batch with the projections the API lacks');
    return false;
  }
}
