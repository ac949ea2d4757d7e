import { ALERT_JOB_NAMES, ALERT_JOB_PAYLOADS, ALERT_QUEUE } from '@ratchet/contracts';
import type { AlertJobName, AlertJobPayload } from '@ratchet/contracts';
import { Queue } from 'bullmq';
import type { JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

import { JobPayloadError } from './job.js';

export { ALERT_JOB_NAMES, ALERT_QUEUE, type AlertJobName, type AlertJobPayload };

/** The job scheduler (BullMQ `upsertJobScheduler`) that checks for silent agents. */
export const ALERT_AGENT_SILENCE_SCHEDULER_ID = `schedule:${ALERT_JOB_NAMES.alertAgentSilence}`;

/** How often silent agents are looked for: a minute, so `silentMinutes` is met within a minute. */
export const ALERT_AGENT_SILENCE_EVERY_MS = 60_000;

/**
 * Retries of a delivery: 8 attempts with exponential backoff from `backoffMs` (default 5 s: 5, 10, 20 ... 320 s,
 * about 10 minutes in all), so a receiver that blinks gets the message and one that is down is logged as failed.
 */
export const ALERT_DELIVERY_ATTEMPTS = 8;
export const ALERT_DELIVERY_BACKOFF_MS = 5000;

const KEEP = { removeOnComplete: { age: 24 * 3600, count: 100_000 }, removeOnFail: { age: 7 * 24 * 3600 } } as const;

/** Parses an alert job's payload (JobPayloadError naming the field; the processor makes it unrecoverable). */
export function parseAlertJobPayload<Name extends AlertJobName>(name: Name, data: unknown): AlertJobPayload<Name>;
export function parseAlertJobPayload(name: string, data: unknown): AlertJobPayload<AlertJobName>;
export function parseAlertJobPayload(name: string, data: unknown): AlertJobPayload<AlertJobName> {
  if (!Object.hasOwn(ALERT_JOB_PAYLOADS, name)) throw new JobPayloadError(name, [{ path: '', message: `is not a job of ${ALERT_QUEUE}` }]);
  const parsed = ALERT_JOB_PAYLOADS[name as AlertJobName].safeParse(data);
  if (parsed.success) return parsed.data;
  throw new JobPayloadError(name, parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })));
}

export interface AlertJobProducerOptions {
  /** BullMQ key prefix (default `bull`); tests use their own on the shared Redis. */
  prefix?: string;
  /** First retry delay of a delivery (tests shorten it; the clock of the retries is BullMQ's). */
  deliveryBackoffMs?: number;
  deliveryAttempts?: number;
}

/**
 * Puts alert jobs on ALERT_QUEUE:
 * - `evaluate-alerts` collapses per (organization, cluster) like the evaluation jobs (deduplication id with
 *   `keepLastIfActive`): one waiting evaluation stands for any number of readiness changes.
 * - `deliver-alert` has the delivery's id as job id, so enqueueing a delivery again is a no-op while BullMQ keeps it.
 * - `alert-agent-silence` runs from a job scheduler (`schedule:alert-agent-silence`), once per tick for any number of
 *   workers.
 */
export class AlertJobProducer {
  readonly queue: Queue;
  private readonly backoffMs: number;
  private readonly attempts: number;

  constructor(connection: Redis, options: AlertJobProducerOptions = {}) {
    this.queue = new Queue(ALERT_QUEUE, { connection, ...(options.prefix === undefined ? {} : { prefix: options.prefix }) });
    this.queue.on('error', () => undefined);
    this.backoffMs = options.deliveryBackoffMs ?? ALERT_DELIVERY_BACKOFF_MS;
    this.attempts = options.deliveryAttempts ?? ALERT_DELIVERY_ATTEMPTS;
  }

  async evaluate(orgId: string, clusterId: string): Promise<void> {
    const payload = parseAlertJobPayload(ALERT_JOB_NAMES.evaluateAlerts, { version: 1, orgId, clusterId });
    await this.queue.add(ALERT_JOB_NAMES.evaluateAlerts, payload, {
      ...KEEP,
      attempts: 5,
      backoff: { type: 'exponential', delay: 2000 },
      deduplication: { id: `${ALERT_JOB_NAMES.evaluateAlerts}.${orgId}.${clusterId}`, keepLastIfActive: true },
    });
  }

  async deliver(orgId: string, deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    const options: JobsOptions = { ...KEEP, attempts: this.attempts, backoff: { type: 'exponential', delay: this.backoffMs } };
    await this.queue.addBulk(
      deliveryIds.map((deliveryId) => ({
        name: ALERT_JOB_NAMES.deliverAlert,
        data: parseAlertJobPayload(ALERT_JOB_NAMES.deliverAlert, { version: 1, orgId, deliveryId }),
        opts: { ...options, jobId: `${ALERT_JOB_NAMES.deliverAlert}.${deliveryId}` },
      })),
    );
  }

  /** Creates or updates the silence check's job scheduler (idempotent across workers). */
  async scheduleAgentSilence(everyMs = ALERT_AGENT_SILENCE_EVERY_MS): Promise<void> {
    await this.queue.upsertJobScheduler(ALERT_AGENT_SILENCE_SCHEDULER_ID, { every: everyMs }, {
      name: ALERT_JOB_NAMES.alertAgentSilence,
      data: { version: 1 },
      opts: { ...KEEP, attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
