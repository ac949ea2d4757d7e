import { z } from 'zod';

/** The BullMQ queue of scheduled, system-wide work (no tenant in the payload): separate from JOB_QUEUE's per-cluster jobs. */
export const SCHEDULE_QUEUE = 'ratchet-schedule';

/** The scheduled jobs, by name. */
export const SCHEDULED_JOB_NAMES = {
  /** Rebuilds the hourly trend buckets of every organization: the previous hour, the hour in progress, any missed. */
  rollupHourly: 'rollup-hourly',
  /** Rebuilds the daily trend buckets (UTC days) of every organization that have ended: yesterday and any missed. */
  rollupDaily: 'rollup-daily',
  /** Creates audit partitions ahead, drops or deletes expired audit events, prunes ingest batches and old rollups. */
  retention: 'retention',
  /**
   * Re-queues `recompute-readiness` for the namespaces whose stored readiness counted an audit event that has left the
   * readiness window since (`namespace_readiness.recompute_due_at`), so a namespace blocked only by an old audit-mode
   * violation becomes ready without anything else happening in the cluster.
   */
  readinessExpiry: 'readiness-expiry',
} as const;

export type ScheduledJobName = (typeof SCHEDULED_JOB_NAMES)[keyof typeof SCHEDULED_JOB_NAMES];

/** The payload version scheduled jobs carry; a processor refuses (as unrecoverable) one it does not know. */
export const SCHEDULED_JOB_PAYLOAD_VERSION = 1;

/**
 * The payload of every scheduled job: its version and, for the rollups only, where a rebuild starts. What to do
 * follows from the job's name and the worker's clock, and the tenants come from the database
 * (ratchet_organization_ids), never from Redis. Ticks carry the version alone; `rebuildFrom` is for a one-off run
 * added by hand (after inventory arrived late or was replayed with its observation times, as the demo does).
 */
export const ScheduledJobPayload = z.strictObject({
  version: z.literal(SCHEDULED_JOB_PAYLOAD_VERSION),
  rebuildFrom: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({
      description:
        'rollup-hourly and rollup-daily only: rebuild every bucket from the one holding this time (still at most the catch-up bound back: 48 hours, 35 days), not only from the newest stored one.',
    }),
});
export type ScheduledJobPayload = z.infer<typeof ScheduledJobPayload>;
