import type { TrendBucket } from '@ratchet/db';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** How far back a rollup catches up after the worker was down: older buckets stay missing rather than hold up the job. */
export const ROLLUP_CATCH_UP = { hour: 48, day: 35 } as const;

/** The start of the UTC hour or day holding `time`. */
export function bucketStart(granularity: TrendBucket['granularity'], time: Date): Date {
  const size = granularity === 'hour' ? HOUR_MS : DAY_MS;
  return new Date(Math.floor(time.getTime() / size) * size);
}

/**
 * The buckets a rollup run at `now` rebuilds, oldest first:
 * - hourly: from the newest stored hour (it may have been built while in progress, or before late events arrived),
 *   but at least the previous hour, through the hour in progress (figures as of `now`);
 * - daily: UTC days that have ended, from the newest stored one (at least yesterday) through yesterday.
 * With no stored bucket (the organization's first rollup of the granularity), from the bucket of `earliestData`
 * (the oldest first-seen of its namespaces: inventory carries observation times, so an agent's spooled batches or a
 * replayed history may start days back), at least the previous one.
 * Never more than ROLLUP_CATCH_UP buckets back.
 */
export function bucketsToBuild(
  granularity: TrendBucket['granularity'],
  latestStored: Date | null,
  now: Date,
  earliestData: Date | null = null,
): TrendBucket[] {
  const size = granularity === 'hour' ? HOUR_MS : DAY_MS;
  const current = bucketStart(granularity, now).getTime();
  const last = granularity === 'hour' ? current : current - size;
  const previous = current - size;
  const oldest = current - ROLLUP_CATCH_UP[granularity] * size;
  const from = latestStored ?? earliestData;
  let first = from === null ? previous : Math.min(bucketStart(granularity, from).getTime(), previous);
  first = Math.max(first, oldest);
  const buckets: TrendBucket[] = [];
  for (let start = first; start <= last; start += size) {
    const end = start + size;
    buckets.push({ granularity, start: new Date(start), end: new Date(end), asOf: new Date(Math.min(end, now.getTime())) });
  }
  return buckets;
}
