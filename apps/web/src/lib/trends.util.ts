import { estimateReadyDate, type ReadyEstimate, type TrendSeries } from '@ratchet/contracts';

import type { TrendRow } from '@/components/trend-chart';

/** The series of both levels as one row per UTC day (a day a level has no bucket for stays absent, not zero). */
export function trendRows(series: TrendSeries[]): TrendRow[] {
  const byDay = new Map<string, TrendRow>();
  for (const { level, points } of series) {
    for (const point of points) {
      const day = point.bucketStart.slice(0, 10);
      const row = byDay.get(day) ?? { day };
      row[level] = point.failingWorkloads;
      byDay.set(day, row);
    }
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/** The estimated ready date of a series (libs/contracts estimateReadyDate, as the API computes it for namespaces). */
export function estimateOf(series: TrendSeries | undefined, now: Date): ReadyEstimate {
  return estimateReadyDate((series?.points ?? []).map((p) => ({ bucketStart: new Date(p.bucketStart), failingWorkloads: p.failingWorkloads })), now);
}

/** An estimate in words; `no-progress` never gets a date. */
export function estimateText(estimate: ReadyEstimate): string {
  switch (estimate.status) {
    case 'ready':
      return 'ready now (no violating workload)';
    case 'on-track':
      return `estimated ready ${estimate.estimatedReadyAt.slice(0, 10)} (${estimate.workloadsPerDay.toFixed(1)} workloads fixed a day, over ${estimate.basedOnDays} days)`;
    case 'no-progress':
      return `no progress: violating workloads are flat or rising over ${estimate.basedOnDays} days, so no date can be estimated`;
    case 'insufficient-data':
      return `not enough history yet (${estimate.basedOnDays} of 3 days needed)`;
  }
}
