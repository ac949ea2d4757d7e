import type { PssLevel, RollupGranularity } from '../generated/prisma/client.js';
import type { TenantScope } from '../scope.js';
import type { Transaction } from '../tenant-transaction.js';

/** One bucket to (re)build: `[start, end)`; instant figures are taken at `asOf` (the end, or now for the bucket in progress). */
export interface TrendBucket {
  granularity: RollupGranularity;
  start: Date;
  end: Date;
  asOf: Date;
}

/** A namespace as the bucket sees it: raw enforce-version label; the caller resolves the effective version. */
export interface TrendNamespaceSource {
  id: string;
  clusterId: string;
  name: string;
  enforceVersion: string | null;
}

/** A namespace to roll up, at the version its readiness is computed at (`latest` or `v1.<minor>`). */
export interface TrendNamespace {
  id: string;
  clusterId: string;
  name: string;
  version: string;
}

/** The levels trends are kept for. */
export const TREND_LEVELS: readonly PssLevel[] = ['baseline', 'restricted'];

/** The organization's namespaces that existed during the bucket (seen before its end, not deleted before its start). */
export async function readTrendNamespaces(tx: Transaction, scope: TenantScope, bucket: TrendBucket): Promise<TrendNamespaceSource[]> {
  const rows = await tx.$queryRaw<{ id: string; cluster_id: string; name: string; enforce_version: string | null }[]>`
    SELECT id, cluster_id, name, enforce_version FROM namespaces
    WHERE org_id = ${scope.orgId}::uuid AND first_seen_at < ${bucket.end}::timestamptz
      AND (deleted_at IS NULL OR deleted_at >= ${bucket.start}::timestamptz)
    ORDER BY id`;
  return rows.map((r) => ({ id: r.id, clusterId: r.cluster_id, name: r.name, enforceVersion: r.enforce_version }));
}

/**
 * Replaces the organization's rollups of one bucket (delete, then insert, in the caller's transaction): a rebuild
 * of the same bucket overwrites, never adds. One row per namespace and level (TREND_LEVELS), at the namespace's
 * version:
 * - from findings at that level and version: `openFindings` open at `asOf` (first seen at or before it, not resolved
 *   by then), `failingWorkloads` the distinct workloads among them, `failingPods` per workload the largest
 *   `detail.failingPods` of its open findings (a workload's pods share its template, so its checks fail on the same
 *   pods; the count is as last evaluated), `openedFindings` / `resolvedFindings` first seen / resolved in the bucket;
 * - from audit_events in the bucket, not dry runs: `auditViolations` of that level or a lower one (an unparsed
 *   event counts for every level), as readiness counts them;
 * - `byCheck`: the same per check id (`unknown` for audit violations naming no check).
 * A finding resolved and opened again keeps its first-seen and loses its resolved-at, so a rebuild of a bucket in
 * that gap counts it open. Returns the rows written.
 */
export async function rebuildTrendBucket(
  tx: Transaction,
  scope: TenantScope,
  bucket: TrendBucket,
  namespaces: readonly TrendNamespace[],
  computedAt: Date,
): Promise<number> {
  // Two rebuilds of one bucket at once (a slow run overlapping the next tick in another worker) take turns: each
  // would otherwise miss the other's fresh rows in its DELETE and collide with them in its INSERT.
  const lockKey = `trend_rollups:${scope.orgId}:${bucket.granularity}:${bucket.start.toISOString()}`;
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))::text`;
  await tx.$executeRaw`
    DELETE FROM trend_rollups
    WHERE org_id = ${scope.orgId}::uuid AND granularity = ${bucket.granularity}::rollup_granularity AND bucket_start = ${bucket.start}::timestamptz`;
  if (namespaces.length === 0) return 0;
  // Findings and audit events find their namespace through jsonb lookups rather than a join with the namespace list:
  // with a join the planner, misjudging fresh rows, picked nested loops (findings x namespaces: 36 s for 120,000
  // findings in 2,000 namespaces); a lookup is one probe per row whatever the plan.
  const versionOf = JSON.stringify(Object.fromEntries(namespaces.map((n) => [n.id, n.version])));
  const namespaceOf = JSON.stringify(Object.fromEntries(namespaces.map((n) => [`${n.clusterId}/${n.name}`, n.id])));
  return tx.$executeRaw`
    WITH ns AS (
      SELECT * FROM unnest(${namespaces.map((n) => n.id)}::uuid[], ${namespaces.map((n) => n.clusterId)}::uuid[],
                           ${namespaces.map((n) => n.name)}::text[], ${namespaces.map((n) => n.version)}::text[])
        AS ns(id, cluster_id, name, version)
    ), lv AS (
      SELECT unnest(${[...TREND_LEVELS]}::pss_level[]) AS level
    ), f AS MATERIALIZED (
      SELECT f.namespace_id, f.level, f.workload_id, f.check_id, f.first_seen_at, f.resolved_at,
             COALESCE((f.detail->>'failingPods')::integer, 0) AS pods
      FROM findings f
      WHERE f.org_id = ${scope.orgId}::uuid AND f.version = (${versionOf}::jsonb ->> f.namespace_id::text)
        AND f.level = ANY(${[...TREND_LEVELS]}::pss_level[])
        AND f.first_seen_at < ${bucket.end}::timestamptz
        AND (f.resolved_at IS NULL OR f.resolved_at >= ${bucket.start}::timestamptz)
    ), open_f AS (
      SELECT * FROM f
      WHERE f.first_seen_at <= ${bucket.asOf}::timestamptz AND (f.resolved_at IS NULL OR f.resolved_at > ${bucket.asOf}::timestamptz)
    ), per_workload AS (
      SELECT namespace_id, level, workload_id, max(pods) AS pods, count(*) AS findings FROM open_f GROUP BY 1, 2, 3
    ), totals AS (
      SELECT namespace_id, level, count(*) AS workloads, sum(pods) AS pods, sum(findings) AS findings FROM per_workload GROUP BY 1, 2
    ), changes AS (
      SELECT namespace_id, level,
             count(*) FILTER (WHERE first_seen_at >= ${bucket.start}::timestamptz) AS opened,
             count(*) FILTER (WHERE resolved_at >= ${bucket.start}::timestamptz AND resolved_at < ${bucket.end}::timestamptz) AS resolved
      FROM f GROUP BY 1, 2
    ), bucket_audits AS MATERIALIZED (
      SELECT (${namespaceOf}::jsonb ->> (a.cluster_id::text || '/' || a.namespace_name))::uuid AS namespace_id, a.level, a.checks
      FROM audit_events a
      WHERE a.org_id = ${scope.orgId}::uuid AND a.time >= ${bucket.start}::timestamptz AND a.time < ${bucket.end}::timestamptz
        AND NOT a.dry_run
    ), audits AS MATERIALIZED (
      SELECT a.namespace_id, lv.level, a.checks
      FROM bucket_audits a JOIN lv ON a.level IS NULL OR a.level <= lv.level
      WHERE a.namespace_id IS NOT NULL
    ), audit_totals AS (
      SELECT namespace_id, level, count(*) AS violations FROM audits GROUP BY 1, 2
    ), audit_checks AS (
      SELECT a.namespace_id, a.level, c.check_id, count(*) AS violations
      FROM audits a
      CROSS JOIN LATERAL (
        SELECT DISTINCT COALESCE(e->>'id', 'unknown') AS check_id FROM jsonb_array_elements(a.checks) e
        UNION
        SELECT 'unknown' WHERE jsonb_array_length(a.checks) = 0
      ) c
      GROUP BY 1, 2, 3
    ), finding_checks AS (
      SELECT namespace_id, level, check_id, count(DISTINCT workload_id) AS workloads, sum(pods) AS pods FROM open_f GROUP BY 1, 2, 3
    ), check_figures AS (
      SELECT COALESCE(fc.namespace_id, ac.namespace_id) AS namespace_id, COALESCE(fc.level, ac.level) AS level,
             COALESCE(fc.check_id, ac.check_id) AS check_id, COALESCE(fc.workloads, 0) AS workloads, COALESCE(fc.pods, 0) AS pods,
             COALESCE(ac.violations, 0) AS violations
      FROM finding_checks fc
      FULL JOIN audit_checks ac ON ac.namespace_id = fc.namespace_id AND ac.level = fc.level AND ac.check_id = fc.check_id
    ), by_check AS (
      SELECT namespace_id, level,
             jsonb_object_agg(check_id, jsonb_build_object('failingWorkloads', workloads, 'failingPods', pods, 'auditViolations', violations)) AS by_check
      FROM check_figures GROUP BY 1, 2
    )
    INSERT INTO trend_rollups (org_id, cluster_id, namespace_id, granularity, bucket_start, level, version, open_findings, opened_findings,
                               resolved_findings, failing_workloads, failing_pods, audit_violations, by_check, computed_at)
    SELECT ${scope.orgId}::uuid, ns.cluster_id, ns.id, ${bucket.granularity}::rollup_granularity, ${bucket.start}::timestamptz, lv.level,
           ns.version, COALESCE(t.findings, 0), COALESCE(c.opened, 0), COALESCE(c.resolved, 0), COALESCE(t.workloads, 0),
           COALESCE(t.pods, 0), COALESCE(at.violations, 0), COALESCE(b.by_check, '{}'::jsonb), ${computedAt}::timestamptz
    FROM ns CROSS JOIN lv
    LEFT JOIN totals t ON t.namespace_id = ns.id AND t.level = lv.level
    LEFT JOIN changes c ON c.namespace_id = ns.id AND c.level = lv.level
    LEFT JOIN audit_totals at ON at.namespace_id = ns.id AND at.level = lv.level
    LEFT JOIN by_check b ON b.namespace_id = ns.id AND b.level = lv.level
    ORDER BY ns.id, lv.level`;
}

/**
 * The oldest first-seen time of the organization's namespaces (deleted ones included), or null without any: where
 * its first rollup starts. Namespaces bound the data: a bucket has rows only for namespaces that existed in it.
 */
export async function earliestTrendData(tx: Transaction, scope: TenantScope): Promise<Date | null> {
  const rows = await tx.$queryRaw<{ earliest: Date | null }[]>`
    SELECT min(first_seen_at) AS earliest FROM namespaces WHERE org_id = ${scope.orgId}::uuid`;
  return rows[0]?.earliest ?? null;
}

/** The start of the newest bucket of this granularity the organization has, or null. */
export async function latestTrendBucket(tx: Transaction, scope: TenantScope, granularity: RollupGranularity): Promise<Date | null> {
  const rows = await tx.$queryRaw<{ latest: Date | null }[]>`
    SELECT max(bucket_start) AS latest FROM trend_rollups
    WHERE org_id = ${scope.orgId}::uuid AND granularity = ${granularity}::rollup_granularity`;
  return rows[0]?.latest ?? null;
}

/** Deletes the organization's rollups of buckets starting before `before`; returns how many. */
export async function pruneTrendRollups(tx: Transaction, scope: TenantScope, before: Date): Promise<number> {
  return tx.$executeRaw`DELETE FROM trend_rollups WHERE org_id = ${scope.orgId}::uuid AND bucket_start < ${before}::timestamptz`;
}
