import { SCHEDULE_QUEUE, SCHEDULED_JOB_NAMES, SCHEDULED_JOB_PAYLOAD_VERSION, ScheduledJobPayload } from '@ratchet/contracts';
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
    // Subscribed before the jobs exist, so a fast worker's completion is not missed.
    await events.waitUntilReady();
    // Parsed here, at the producer, with the contract the worker parses it with.
    const payload = ScheduledJobPayload.parse({ version: SCHEDULED_JOB_PAYLOAD_VERSION, rebuildFrom: rebuildFrom.toISOString() });
    const run = async (name: string): Promise<RollupResult> => {
      const job = await schedule.add(name, payload, { removeOnComplete: true, removeOnFail: true });
      return (await job.waitUntilFinished(events, timeoutMs)) as RollupResult;
    };
    const day = await run(SCHEDULED_JOB_NAMES.rollupDaily);
    const hour = await run(SCHEDULED_JOB_NAMES.rollupHourly);
    return { day, hour };
  } finally {
    await Promise.allSettled([schedule.close(), events.close()]);
  }
}
