import type { ReadyEstimate } from './trends.contract.js';

/** Daily buckets the estimate fits: the last two weeks, so a burst of fixes a month ago does not promise a date. */
export const READY_ESTIMATE_WINDOW_DAYS = 14;

/** Fewer daily buckets than this in the window and no line is fitted (two points always fit a line exactly). */
export const READY_ESTIMATE_MIN_POINTS = 3;

/**
 * A slope smaller than this many workloads fixed per day is flat: `no-progress`. A namespace fixing one workload a
 * month is not "on track".
 */
export const READY_ESTIMATE_MIN_RATE_PER_DAY = 0.05;

/** Past this horizon a date is not an estimate any more: `no-progress` instead. */
export const READY_ESTIMATE_MAX_HORIZON_DAYS = 3 * 365;

const DAY_MS = 86_400_000;

/** One daily bucket: its UTC day start and the violating workloads at its end. */
export interface DailyViolations {
  bucketStart: Date;
  failingWorkloads: number;
}

/**
 * When a namespace may reach zero violating workloads for a level, from its daily series (any order):
 * - the buckets of the last READY_ESTIMATE_WINDOW_DAYS days up to `now` are used; `basedOnDays` says how many;
 * - the newest bucket shows zero: `ready`;
 * - fewer than READY_ESTIMATE_MIN_POINTS buckets: `insufficient-data`;
 * - otherwise an ordinary least-squares line y = a + b·x through (day, violating workloads). `b > -MIN_RATE`
 *   (flat or rising) is `no-progress` with `workloadsPerDay = -b`; else the date the line reaches zero, or, when
 *   that date is already past (the newest bucket is above the line), the newest bucket's end plus its count divided
 *   by the fitted rate. The instant is rounded up to the next UTC midnight. Beyond READY_ESTIMATE_MAX_HORIZON_DAYS
 *   it is `no-progress`.
 * Pure: no clock but `now`, no I/O.
 */
export function estimateReadyDate(series: readonly DailyViolations[], now: Date): ReadyEstimate {
  const since = now.getTime() - READY_ESTIMATE_WINDOW_DAYS * DAY_MS;
  const points = series
    .filter((p) => p.bucketStart.getTime() > since && p.bucketStart.getTime() <= now.getTime())
    .sort((a, b) => a.bucketStart.getTime() - b.bucketStart.getTime());
  const basedOnDays = points.length;
  const newest = points.at(-1);
  if (newest === undefined) return { status: 'insufficient-data', basedOnDays };
  if (newest.failingWorkloads === 0) return { status: 'ready', basedOnDays };
  if (basedOnDays < READY_ESTIMATE_MIN_POINTS) return { status: 'insufficient-data', basedOnDays };

  const origin = points[0]!.bucketStart.getTime();
  const xs = points.map((p) => (p.bucketStart.getTime() - origin) / DAY_MS);
  const ys = points.map((p) => p.failingWorkloads);
  const meanX = xs.reduce((s, x) => s + x, 0) / basedOnDays;
  const meanY = ys.reduce((s, y) => s + y, 0) / basedOnDays;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < basedOnDays; i++) {
    sxy += (xs[i]! - meanX) * (ys[i]! - meanY);
    sxx += (xs[i]! - meanX) ** 2;
  }
  // sxx is 0 only when every bucket has the same start, which distinct daily buckets never do.
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const workloadsPerDay = -slope;
  if (workloadsPerDay < READY_ESTIMATE_MIN_RATE_PER_DAY) return { status: 'no-progress', workloadsPerDay: round(workloadsPerDay), basedOnDays };

  // A daily bucket's figure is as of its end, so x = 0 stands for the first bucket's end.
  const newestEnd = newest.bucketStart.getTime() + DAY_MS;
  const crossing = origin + DAY_MS + (meanX + meanY / workloadsPerDay) * DAY_MS;
  const reachedAt = crossing > newestEnd ? crossing : newestEnd + (newest.failingWorkloads / workloadsPerDay) * DAY_MS;
  if (reachedAt - now.getTime() > READY_ESTIMATE_MAX_HORIZON_DAYS * DAY_MS) {
    return { status: 'no-progress', workloadsPerDay: round(workloadsPerDay), basedOnDays };
  }
  const day = Math.ceil(reachedAt / DAY_MS) * DAY_MS;
  return { status: 'on-track', estimatedReadyAt: new Date(day).toISOString(), workloadsPerDay: round(workloadsPerDay), basedOnDays };
}

function round(value: number): number {
  // -0 would serialize as 0 anyway; keep answers short and stable.
  return Math.round(value * 1000) / 1000 || 0;
}
