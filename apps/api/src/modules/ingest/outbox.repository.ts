import { Injectable } from '@nestjs/common';
import { claimOutboxJobs, completeOutboxJobs, withSystem } from '@ratchet/db';
import type { ClaimedOutboxJob } from '@ratchet/db';

import { Database } from '../../infra/database.provider.js';

/** The outbox of jobs written with their batches, until they reach the queue. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly database: Database) {}

  /** Leases up to `limit` jobs of any tenant for `leaseSeconds` (the relay's view). */
  async claim(limit: number, leaseSeconds: number): Promise<ClaimedOutboxJob[]> {
    return withSystem(this.database.client, (tx) => claimOutboxJobs(tx, limit, leaseSeconds));
  }

  /** Deletes jobs that were enqueued (or can never be), of any tenant. */
  async complete(outboxIds: readonly string[]): Promise<number> {
    return withSystem(this.database.client, (tx) => completeOutboxJobs(tx, outboxIds));
  }
}
