import { z } from 'zod';

import { CheckId, Count, EnforceableLevel, Id, NamespaceName, PsaVersion, Timestamp } from './common.contract.js';

/** How long a trend bucket is: an hour or a UTC calendar day. */
export const TrendGranularity = z.enum(['hour', 'day']).meta({ description: 'Bucket size: `hour`, or `day` (UTC calendar days).' });
export type TrendGranularity = z.infer<typeof TrendGranularity>;

/** The longest range one trends query may cover, per granularity (31 days of hours, 400 days of days). */
export const TREND_MAX_RANGE_DAYS: Readonly<Record<TrendGranularity, number>> = Object.freeze({ hour: 31, day: 400 });

/** How far back a trends query looks when `from` is not given, per granularity. */
export const TREND_DEFAULT_RANGE_DAYS: Readonly<Record<TrendGranularity, number>> = Object.freeze({ hour: 2, day: 90 });

const DAY_MS = 86_400_000;

/**
 * The time range a trends query covers: `to` defaults to `now`, `from` to TREND_DEFAULT_RANGE_DAYS before `to`.
 * The contract and the API resolve the defaults with this one function, so they agree on what a query means.
 */
export function trendsTimeRange(
  query: { from?: string | undefined; to?: string | undefined; granularity: TrendGranularity },
  now: Date,
): { from: Date; to: Date } {
  const to = query.to === undefined ? now : new Date(query.to);
  const from = query.from === undefined ? new Date(to.getTime() - TREND_DEFAULT_RANGE_DAYS[query.granularity] * DAY_MS) : new Date(query.from);
  return { from, to };
}

const isTimestampOrAbsent = (value: string | undefined) => value === undefined || Timestamp.safeParse(value).success;

/**
 * What is wrong with a trends query's range once resolved against `now` (trendsTimeRange): `from` not before `to`,
 * or a range longer than TREND_MAX_RANGE_DAYS for its granularity; `path` is the query parameter to name. The
 * contract checks a query that gives `to`; one that omits it ends at the API's clock, and the API checks it there.
 */
export function trendsRangeIssues(
  query: { from?: string | undefined; to?: string | undefined; granularity: TrendGranularity },
  now: Date,
): { path: 'from' | 'to'; message: string }[] {
  const { from, to } = trendsTimeRange(query, now);
  const maxDays = TREND_MAX_RANGE_DAYS[query.granularity];
  if (from.getTime() >= to.getTime()) {
    return [query.to === undefined ? { path: 'from', message: 'must be in the past (to defaults to now)' } : { path: 'to', message: 'must be after from' }];
  }
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
    return [{ path: 'from', message: `the range from..to spans more than ${maxDays} days at granularity ${query.granularity} (to defaults to now)` }];
  }
  return [];
}

/**
 * Query of the trend series: buckets starting in `from <= bucketStart < to`, of one granularity, for one level or
 * both. Bounded: at most TREND_MAX_RANGE_DAYS per granularity, so a query reads a bounded number of rows.
 */
export const TrendsQuery = z
  .strictObject({
    from: Timestamp.optional().meta({ description: 'Start of the range, inclusive (default: 2 days before `to` for hours, 90 for days).' }),
    to: Timestamp.optional().meta({ description: 'End of the range, exclusive (default: now).' }),
    granularity: TrendGranularity.default('day'),
    level: EnforceableLevel.optional().meta({ description: 'Only this level (default: baseline and restricted).' }),
  })
  .superRefine((query, ctx) => {
    // A range without `to` ends at the API's clock, which the API checks (trendsRangeIssues); this one is absolute.
    if (query.to === undefined || !isTimestampOrAbsent(query.from) || !isTimestampOrAbsent(query.to)) return;
    for (const issue of trendsRangeIssues(query, new Date(query.to))) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  });
export type TrendsQuery = z.infer<typeof TrendsQuery>;

/** A check a trend figure is broken down by; `unknown` for audit violations whose annotation named no known check. */
export const TrendCheckId = z.union([CheckId, z.literal('unknown')]);
export type TrendCheckId = z.infer<typeof TrendCheckId>;

/** The figures of one check in one bucket. */
export const TrendCheckFigures = z.strictObject({
  checkId: TrendCheckId,
  failingWorkloads: Count,
  failingPods: Count,
  auditViolations: Count,
});
export type TrendCheckFigures = z.infer<typeof TrendCheckFigures>;

/**
 * One bucket of a series. `failingWorkloads`, `failingPods` and `openFindings` are as of the bucket's end (or when it
 * was built, for the bucket in progress); `openedFindings`, `resolvedFindings` and `auditViolations` happened inside
 * the bucket. Audit violations count the namespace's non-dry-run audit-mode violations of the level (a baseline
 * violation counts for restricted too; an unparsed one for both).
 */
export const TrendPoint = z.strictObject({
  bucketStart: Timestamp,
  failingWorkloads: Count,
  failingPods: Count,
  auditViolations: Count,
  openFindings: Count,
  openedFindings: Count,
  resolvedFindings: Count,
  /** Checks with a non-zero figure, by check id. */
  byCheck: z.array(TrendCheckFigures),
  computedAt: Timestamp,
});
export type TrendPoint = z.infer<typeof TrendPoint>;

/** The series of one level, oldest bucket first; buckets not built yet (the worker was down) are absent. */
export const TrendSeries = z.strictObject({
  level: EnforceableLevel,
  points: z.array(TrendPoint),
});
export type TrendSeries = z.infer<typeof TrendSeries>;

const TrendsRange = {
  granularity: TrendGranularity,
  from: Timestamp,
  to: Timestamp,
};

/** `GET /api/v1/clusters/:clusterId/trends`: the sums over the cluster's namespaces. */
export const ClusterTrends = z.strictObject({
  clusterId: Id,
  ...TrendsRange,
  series: z.array(TrendSeries),
});
export type ClusterTrends = z.infer<typeof ClusterTrends>;

/**
 * When a namespace may be ready for a level, from the trend of its violating workloads (libs/contracts
 * estimateReadyDate): `ready` (none now), `on-track` with the date the trend reaches zero, `no-progress` (flat or
 * rising: no date is invented), or `insufficient-data` (fewer than READY_ESTIMATE_MIN_POINTS daily buckets).
 */
export const ReadyEstimate = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('ready'), basedOnDays: Count }),
  z.strictObject({
    status: z.literal('on-track'),
    estimatedReadyAt: Timestamp,
    /** Violating workloads fixed per day, by the fit (positive). */
    workloadsPerDay: z.number().positive(),
    basedOnDays: Count,
  }),
  z.strictObject({ status: z.literal('no-progress'), workloadsPerDay: z.number(), basedOnDays: Count }),
  z.strictObject({ status: z.literal('insufficient-data'), basedOnDays: Count }),
]);
export type ReadyEstimate = z.infer<typeof ReadyEstimate>;

/** `GET /api/v1/namespaces/:namespaceId/trends`: the namespace's series and its estimated ready date per level. */
export const NamespaceTrends = z.strictObject({
  namespaceId: Id,
  clusterId: Id,
  name: NamespaceName,
  ...TrendsRange,
  series: z.array(
    TrendSeries.extend({
      /** The version the latest bucket was built at (the namespace's enforce-version, else `latest`); null without buckets. */
      version: PsaVersion.nullable(),
      estimate: ReadyEstimate,
    }),
  ),
});
export type NamespaceTrends = z.infer<typeof NamespaceTrends>;

/** Where the trend series live, under the versioned API prefix. */
export const TRENDS_PATHS = {
  cluster: (clusterId: string) => `/api/v1/clusters/${clusterId}/trends`,
  namespace: (namespaceId: string) => `/api/v1/namespaces/${namespaceId}/trends`,
} as const;
