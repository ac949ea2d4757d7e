import { SCHEDULED_JOB_NAMES, SCHEDULE_QUEUE, ScheduledJobPayload, SCHEDULED_JOB_PAYLOAD_VERSION } from '@ratchet/contracts';
import type { ScheduledJobName } from '@ratchet/contracts';
import type { JobsOptions, Queue, QueueEvents } from 'bullmq';

import { JobPayloadError } from './job.js';

export { SCHEDULED_JOB_NAMES, SCHEDULE_QUEUE, type ScheduledJobName };

const HOUR_MS = 3_600_000;

/**
 * How often each scheduled job runs, in ms. BullMQ's `every` ticks at multiples of the interval since the epoch
 * (so on the UTC hour, at UTC midnight) and once as soon as the scheduler is created.
 */
export const SCHEDULE_INTERVALS: Readonly<Record<ScheduledJobName, number>> = Object.freeze({
  [SCHEDULED_JOB_NAMES.rollupHourly]: HOUR_MS,
  [SCHEDULED_JOB_NAMES.rollupDaily]: HOUR_MS,
  [SCHEDULED_JOB_NAMES.retention]: 6 * HOUR_MS,
  // Finer than hourly: the API already answers an expired block as not blocked (docs/readiness.md), so this only
  // bounds how long counts, contradictions and alerts fed by stored rows lag behind; a tick with nothing due is one
  // indexed query per organization.
  [SCHEDULED_JOB_NAMES.readinessExpiry]: 15 * 60_000,
});

/** Options of each scheduled job: a few retries (the next tick redoes the work anyway); kept a day, failures a week. */
export const SCHEDULED_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const satisfies JobsOptions;

/** The BullMQ job scheduler id of a scheduled job: `schedule:<job-name>`. */
export function schedulerId(name: ScheduledJobName): string {
  return `schedule:${name}`;
}

function isScheduledJobName(name: string): name is ScheduledJobName {
  return (Object.values(SCHEDULED_JOB_NAMES) as string[]).includes(name);
}

/** Parses a scheduled job's name and payload; throws JobPayloadError naming the fault. */
export function parseScheduledJob(name: string, data: unknown): { name: ScheduledJobName; payload: ScheduledJobPayload } {
  if (!isScheduledJobName(name)) throw new JobPayloadError(name, [{ path: '', message: `is not a job of ${SCHEDULE_QUEUE}` }]);
  const parsed = ScheduledJobPayload.safeParse(data);
  if (!parsed.success) {
    throw new JobPayloadError(name, parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })));
  }
  return { name, payload: parsed.data };
}

/**
 * Creates or updates the job scheduler of every scheduled job on `queue` (a Queue of SCHEDULE_QUEUE). Every worker
 * process calls it at start: a scheduler is one Redis record under its id, and each tick's job id is derived from
 * the scheduler id and the tick's time, so N workers upserting the same schedulers still get one job per tick, run
 * by one of them. `intervals` overrides SCHEDULE_INTERVALS (tests tick in milliseconds).
 */
export async function upsertSchedules(queue: Queue, intervals: Partial<Record<ScheduledJobName, number>> = {}): Promise<void> {
  for (const name of Object.values(SCHEDULED_JOB_NAMES)) {
    await queue.upsertJobScheduler(
      schedulerId(name),
      { every: intervals[name] ?? SCHEDULE_INTERVALS[name] },
      { name, data: { version: SCHEDULED_JOB_PAYLOAD_VERSION } satisfies ScheduledJobPayload, opts: SCHEDULED_JOB_OPTIONS },
    );
  }
}

/**
 * Runs a scheduled job now, as a one-off job on `queue` (a Queue of SCHEDULE_QUEUE) rather than at its next tick,
 * and resolves with what the worker's job returned (a rollup: `{ organizations, buckets, rows, failed }`). Used
 * after inventory arrived with past observation times, e.g. `rollup-hourly` with `{ rebuildFrom }` (RFC 3339) to
 * rebuild the trend buckets from then. `events` must be QueueEvents of the same queue; it is awaited ready before
 * the job is added, so a fast worker's completion is not missed. The payload is parsed with the contract the
 * worker parses it with (JobPayloadError naming the fault). Rejects with the job's failure reason, or when it has
 * not finished within `timeoutMs`.
 */
export async function runScheduledJobNow(
  queue: Queue,
  events: QueueEvents,
  name: ScheduledJobName,
  payload: Omit<ScheduledJobPayload, 'version'> = {},
  timeoutMs = 60_000,
): Promise<unknown> {
  const { payload: data } = parseScheduledJob(name, { ...payload, version: SCHEDULED_JOB_PAYLOAD_VERSION });
  await events.waitUntilReady();
  const job = await queue.add(name, data, { removeOnComplete: true, removeOnFail: { age: SCHEDULED_JOB_OPTIONS.removeOnFail.age } });
  return job.waitUntilFinished(events, timeoutMs);
}
