import { SCHEDULE_QUEUE, SCHEDULED_JOB_NAMES } from '@ratchet/contracts';
import { runScheduledJobNow } from '@ratchet/jobs';
import { Queue, QueueEvents } from 'bullmq';

// The trend rollups run now rather than at the worker's next tick, as an operator (or the demo's history replay,
// scripts/demo/history.ts) adds them by hand after inventory arrived with past observation times: one-off jobs on
// the schedule queue of the stack's private Redis, taken by the stack's real worker.

/** What the worker's rollup job returns (RollupsService.run): summed over every organization. */
export interface RollupResult {
  organizations: number;
  buckets: number;
  rows: number;
  failed: string[];
}

/**
 * Adds `rollup-daily`, then `rollup-hourly`, rebuilding from the bucket holding `rebuildFrom`, and waits for each
 * to finish (at most `timeoutMs` each). Throws the job's failure reason if the worker failed it.
 */
export async function rebuildTrends(redisUrl: string, rebuildFrom: Date, timeoutMs = 60_000): Promise<{ day: RollupResult; hour: RollupResult }> {
  const { hostname, port } = new URL(redisUrl);
  const connection = { host: hostname, port: Number(port), maxRetriesPerRequest: null };
  const schedule = new Queue(SCHEDULE_QUEUE, { connection });
  const events = new QueueEvents(SCHEDULE_QUEUE, { connection });
  try {
    const run = async (name: typeof SCHEDULED_JOB_NAMES.rollupDaily | typeof SCHEDULED_JOB_NAMES.rollupHourly) =>
      (await runScheduledJobNow(schedule, events, name, { rebuildFrom: rebuildFrom.toISOString() }, timeoutMs)) as RollupResult;
    const day = await run(SCHEDULED_JOB_NAMES.rollupDaily);
    const hour = await run(SCHEDULED_JOB_NAMES.rollupHourly);
    return { day, hour };
  } finally {
    await Promise.allSettled([schedule.close(), events.close()]);
  }
}
