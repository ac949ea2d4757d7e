import { randomUUID } from 'node:crypto';

import { claimOutboxJobs, completeOutboxJobs, withSystem } from '@ratchet/db';
import type { ClaimedOutboxJob, PrismaClient, TenantScope, Transaction } from '@ratchet/db';

import { JOB_QUEUE } from './job.js';
import type { PreparedJob } from './job.js';

/** An outbox row written with its batch, for the job it will enqueue. */
export interface OutboxEntry {
  outboxId: string;
  job: PreparedJob;
}

/**
 * How long the relay leaves a new outbox row to the request that wrote it (which enqueues right after its commit),
 * so the relay only moves what that request could not enqueue.
 */
export const OUTBOX_GRACE_SECONDS = 5;

/**
 * Writes prepared jobs (prepareJob parsed them) to the outbox in the caller's tenant transaction, so they exist
 * exactly when what caused them commits. Enqueue them after the commit (JobProducer.add) and hand their ids to
 * OutboxRelay.enqueuedByCaller; whatever is not enqueued, the relay enqueues after OUTBOX_GRACE_SECONDS.
 */
export async function writeOutboxJobs(tx: Transaction, scope: TenantScope, jobs: readonly PreparedJob[]): Promise<OutboxEntry[]> {
  if (jobs.length === 0) return [];
  // Ids made here, so each row is known to belong to its job without relying on the order RETURNING gives.
  const entries = jobs.map((job) => ({ outboxId: randomUUID(), job }));
  const rows = entries.map(({ outboxId, job }) => ({ id: outboxId, job_name: job.name, job_id: job.options.jobId ?? null, payload: job.payload }));
  await tx.$executeRaw`
    INSERT INTO outbox_jobs (org_id, id, queue, job_name, job_id, payload, available_at)
    SELECT ${scope.orgId}::uuid, j.id, ${JOB_QUEUE}, j.job_name, j.job_id, j.payload, now() + make_interval(secs => ${OUTBOX_GRACE_SECONDS})
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS j(id uuid, job_name text, job_id text, payload jsonb)`;
  return entries;
}

/** Leases up to `limit` outbox jobs of any tenant for `leaseSeconds` (the relay's view). */
export function claimOutbox(prisma: PrismaClient, limit: number, leaseSeconds: number): Promise<ClaimedOutboxJob[]> {
  return withSystem(prisma, (tx) => claimOutboxJobs(tx, limit, leaseSeconds));
}

/** Deletes outbox jobs that were enqueued (or can never be), of any tenant. */
export function completeOutbox(prisma: PrismaClient, outboxIds: readonly string[]): Promise<number> {
  return withSystem(prisma, (tx) => completeOutboxJobs(tx, outboxIds));
}
