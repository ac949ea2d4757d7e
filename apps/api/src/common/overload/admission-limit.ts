import type { NextFunction, Request, Response } from 'express';
import PQueue from 'p-queue';

import { AppError } from '../errors/app-error.js';

/** Where the limit reports refusals; the metrics registry implements it. */
export interface AdmissionObserver {
  rejected(reason: 'queue_full' | 'waited_too_long'): void;
}

export interface AdmissionLimitOptions {
  /** Requests that may run at once. */
  concurrency: number;
  /** Requests that may wait for a slot; one more is refused at once. */
  queueLength: number;
  /** How long a request may wait for a slot before it is refused (ms). */
  maxWaitMs: number;
}

/** Seconds a refused client is told to wait: a queue of this size drains in well under that. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Sizing from the Postgres pool. Each admitted request runs its transactions one after another (auth lookup,
 * then the service's), so it holds at most one connection at a time; twice the pool keeps every connection
 * busy while half the admitted requests parse, serialize or hash, and keeps the wait for a connection far
 * under Prisma's 2 s transaction maxWait, so "Unable to start a transaction in the given time" cannot happen
 * from load alone. Waiting requests cost a socket and no memory for their body (admission comes before body
 * parsing), so the queue is long: 50 per connection. A request that would wait longer than 5 s is refused with
 * 503 + Retry-After instead: by then its client has likely given up, and the work would be wasted.
 */
export function admissionLimitFor(poolSize: number): AdmissionLimitOptions {
  return { concurrency: poolSize * 2, queueLength: poolSize * 50, maxWaitMs: 5000 };
}

/** The bound on database-bound work in flight: a semaphore with a bounded, time-limited queue. */
export class AdmissionLimit {
  private readonly queue: PQueue;

  constructor(
    private readonly options: AdmissionLimitOptions,
    private readonly observer: AdmissionObserver = { rejected: () => undefined },
  ) {
    this.queue = new PQueue({ concurrency: options.concurrency });
  }

  /** Requests running now and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.queue.pending, waiting: this.queue.size };
  }

  /**
   * Express middleware: runs the rest of the request inside a slot, released when the response ends or the
   * client goes away. Refuses with 503 `unavailable` and Retry-After when the queue is full or the wait too long.
   */
  middleware(): (req: Request, res: Response, next: NextFunction) => void {
    return (req, res, next) => {
      if (this.queue.size >= this.options.queueLength) {
        this.observer.rejected('queue_full');
        this.refuse(res, next, 'the API is at capacity');
        return;
      }
      const waiting = new AbortController();
      const timer = setTimeout(() => waiting.abort(new AppError('unavailable', 'waited too long for capacity')), this.options.maxWaitMs);
      const abandon = () => waiting.abort(new Error('client went away'));
      res.once('close', abandon);
      this.queue
        .add(
          () =>
            new Promise<void>((release) => {
              clearTimeout(timer);
              res.off('close', abandon);
              if (res.writableEnded || res.destroyed) return release();
              res.once('close', () => release());
              next();
            }),
          { signal: waiting.signal },
        )
        .catch((reason: unknown) => {
          clearTimeout(timer);
          if (reason instanceof AppError) {
            this.observer.rejected('waited_too_long');
            this.refuse(res, next, 'the API is at capacity');
          }
          // A client that went away needs no answer.
        });
    };
  }

  private refuse(res: Response, next: NextFunction, why: string): void {
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    next(new AppError('unavailable', `${why}; retry in ${RETRY_AFTER_SECONDS} s`, { retryAfterSeconds: RETRY_AFTER_SECONDS }));
  }
}
