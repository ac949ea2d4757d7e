import { Injectable, Logger } from '@nestjs/common';

import { Database } from '../../infra/database.provider.js';

/** What /readyz tells anyone: ready or not, nothing about why (that goes to the log). */
export interface Readiness {
  status: 'ok' | 'unavailable';
}

const TIMEOUT_MS = 2000;

async function probe(ping: () => Promise<void>): Promise<Error | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Readiness of this replica: only what stops it serving, which is Postgres. Redis is not part of it: ingest
 * keeps working through the outbox and rate limits fall back to memory, so a Redis blip must not pull every
 * replica out of the load balancer at once.
 */
@Injectable()
export class HealthService {
  private readonly logger = new Logger('Readiness');
  private lastFailure = '';

  constructor(private readonly database: Database) {}

  async readiness(): Promise<Readiness> {
    const failure = await probe(() => this.database.ping());
    if (!failure) {
      if (this.lastFailure !== '') this.logger.log('Postgres answers again; ready');
      this.lastFailure = '';
      return { status: 'ok' };
    }
    // Probes repeat every few seconds; log each distinct failure once.
    if (failure.message !== this.lastFailure) this.logger.warn(`not ready: Postgres: ${failure.message}`);
    this.lastFailure = failure.message;
    return { status: 'unavailable' };
  }
}
