import { Injectable } from '@nestjs/common';
import {
  READY_ESTIMATE_WINDOW_DAYS,
  PsaVersion,
  TrendCheckId,
  estimateReadyDate,
  trendsRangeIssues,
  trendsTimeRange,
  type ClusterTrends,
  type EnforceableLevel,
  type NamespaceTrends,
  type ReadyEstimate,
  type TrendPoint,
  type TrendsQuery,
} from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { invalidQuery, notFound } from '../../common/errors/app-error.js';
import { Clock } from '../../infra/clock.provider.js';
import type { TrendCheckRow, TrendRange, TrendRow, TrendSubject } from './trends.repository.js';
import { TrendsRepository } from './trends.repository.js';

const LEVELS: readonly EnforceableLevel[] = ['baseline', 'restricted'];
const DAY_MS = 86_400_000;

function toPoints(level: EnforceableLevel, totals: readonly TrendRow[], checks: readonly TrendCheckRow[]): TrendPoint[] {
  const checksOf = new Map<number, TrendCheckRow[]>();
  for (const check of checks.filter((c) => c.level === level)) {
    const key = check.bucketStart.getTime();
    const list = checksOf.get(key);
    if (list) list.push(check);
    else checksOf.set(key, [check]);
  }
  return totals
    .filter((t) => t.level === level)
    .map((t) => ({
      bucketStart: t.bucketStart.toISOString(),
      failingWorkloads: t.failingWorkloads,
      failingPods: t.failingPods,
      auditViolations: t.auditViolations,
      openFindings: t.openFindings,
      openedFindings: t.openedFindings,
      resolvedFindings: t.resolvedFindings,
      byCheck: (checksOf.get(t.bucketStart.getTime()) ?? [])
        .filter((c) => c.failingWorkloads > 0 || c.failingPods > 0 || c.auditViolations > 0)
        // The worker writes only check ids (and `unknown`); anything else would be a bug, not data to show.
        .filter((c) => TrendCheckId.safeParse(c.checkId).success)
        .map((c) => ({
          checkId: c.checkId as TrendPoint['byCheck'][number]['checkId'],
          failingWorkloads: c.failingWorkloads,
          failingPods: c.failingPods,
          auditViolations: c.auditViolations,
        })),
      computedAt: t.computedAt.toISOString(),
    }));
}

@Injectable()
export class TrendsService {
  // Default ranges end now and ready estimates count days up to now: the API's clock.
  constructor(
    private readonly repository: TrendsRepository,
    private readonly clock: Clock,
  ) {}

  /** The cluster's series (sums over its namespaces); 404 when the cluster is not the tenant's. */
  async cluster(ctx: TenantContext, clusterId: string, query: TrendsQuery): Promise<ClusterTrends> {
    if (!(await this.repository.clusterExists(ctx.orgId, clusterId))) throw notFound('cluster');
    const range = this.range(query, this.clock.now());
    const series = await this.seriesOf(ctx.orgId, { clusterId }, range);
    return { clusterId, granularity: query.granularity, from: range.from.toISOString(), to: range.to.toISOString(), series };
  }

  /**
   * The namespace's series, and per level its estimated ready date from its daily buckets of the last
   * READY_ESTIMATE_WINDOW_DAYS days, whatever range and granularity were asked (estimateReadyDate).
   */
  async namespace(ctx: TenantContext, namespaceId: string, query: TrendsQuery): Promise<NamespaceTrends> {
    const now = this.clock.now();
    const namespace = await this.repository.findNamespace(ctx.orgId, namespaceId);
    if (!namespace) throw notFound('namespace');
    const range = this.range(query, now);
    const series = await this.seriesOf(ctx.orgId, { namespaceId }, range);
    const estimates = await this.readyEstimates(ctx, namespaceId, range.levels as EnforceableLevel[], now);
    const versions = await this.repository.latestVersions(ctx.orgId, namespaceId);
    return {
      namespaceId,
      clusterId: namespace.clusterId,
      name: namespace.name,
      granularity: query.granularity,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      series: series.map((s) => {
        const version = versions.get(s.level) ?? null;
        return {
          ...s,
          version: version !== null && PsaVersion.safeParse(version).success ? version : null,
          estimate: estimates.get(s.level)!,
        };
      }),
    };
  }

  /**
   * Per level, the namespace's estimated ready date (estimateReadyDate) from its daily rollups of the last
   * READY_ESTIMATE_WINDOW_DAYS days up to `now` (the caller's reading of the API's clock): the one computation the trends answer and the recommendation share.
   * The caller has checked that the namespace is the tenant's (row-level security hides others' rollups anyway).
   */
  async readyEstimates(ctx: TenantContext, namespaceId: string, levels: readonly EnforceableLevel[], now: Date): Promise<Map<EnforceableLevel, ReadyEstimate>> {
    const daily = await this.repository.series(
      ctx.orgId,
      { namespaceId },
      { granularity: 'day', from: new Date(now.getTime() - (READY_ESTIMATE_WINDOW_DAYS + 1) * DAY_MS), to: now, levels },
    );
    return new Map(
      levels.map((level) => [
        level,
        estimateReadyDate(
          daily.totals.filter((t) => t.level === level).map((t) => ({ bucketStart: t.bucketStart, failingWorkloads: t.failingWorkloads })),
          now,
        ),
      ]),
    );
  }

  /** The query's range at the API's clock; 400 when it is empty or too long (the contract checked one giving `to`). */
  private range(query: TrendsQuery, now: Date): TrendRange {
    const issues = trendsRangeIssues(query, now);
    if (issues.length > 0) throw invalidQuery(issues);
    const { from, to } = trendsTimeRange(query, now);
    return { granularity: query.granularity, from, to, levels: query.level === undefined ? LEVELS : [query.level] };
  }

  private async seriesOf(orgId: string, subject: TrendSubject, range: TrendRange) {
    const { totals, checks } = await this.repository.series(orgId, subject, range);
    return (range.levels as EnforceableLevel[]).map((level) => ({ level, points: toPoints(level, totals, checks) }));
  }
}
