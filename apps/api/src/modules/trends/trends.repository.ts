import { Injectable } from '@nestjs/common';
import { Prisma, withTenant } from '@ratchet/db';
import type { PssLevel, RollupGranularity } from '@ratchet/db';

import { Database } from '../../infra/database.provider.js';

/** Whose rollups a series sums: a cluster's namespaces, or one namespace. */
export type TrendSubject = { clusterId: string } | { namespaceId: string };

/** One bucket of one level, summed over the subject's namespaces. */
export interface TrendRow {
  bucketStart: Date;
  level: PssLevel;
  failingWorkloads: number;
  failingPods: number;
  auditViolations: number;
  openFindings: number;
  openedFindings: number;
  resolvedFindings: number;
  computedAt: Date;
}

/** One check's figures in one bucket of one level, summed over the subject's namespaces. */
export interface TrendCheckRow {
  bucketStart: Date;
  level: PssLevel;
  checkId: string;
  failingWorkloads: number;
  failingPods: number;
  auditViolations: number;
}

export interface TrendRange {
  granularity: RollupGranularity;
  from: Date;
  to: Date;
  levels: readonly PssLevel[];
}

export interface TrendNamespaceRef {
  id: string;
  clusterId: string;
  name: string;
}

function subjectCondition(subject: TrendSubject): Prisma.Sql {
  return 'clusterId' in subject ? Prisma.sql`r.cluster_id = ${subject.clusterId}::uuid` : Prisma.sql`r.namespace_id = ${subject.namespaceId}::uuid`;
}

/** Reads trend rollups (written by the worker) under the tenant's transaction. */
@Injectable()
export class TrendsRepository {
  constructor(private readonly database: Database) {}

  async clusterExists(orgId: string, clusterId: string): Promise<boolean> {
    const rows = await withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<{ id: string }[]>`SELECT id FROM clusters WHERE org_id = ${orgId}::uuid AND id = ${clusterId}::uuid`,
    );
    return rows.length > 0;
  }

  async findNamespace(orgId: string, namespaceId: string): Promise<TrendNamespaceRef | null> {
    const rows = await withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<{ id: string; cluster_id: string; name: string }[]>`
        SELECT id, cluster_id, name FROM namespaces WHERE org_id = ${orgId}::uuid AND id = ${namespaceId}::uuid`,
    );
    const row = rows[0];
    return row ? { id: row.id, clusterId: row.cluster_id, name: row.name } : null;
  }

  /**
   * The buckets starting in `[from, to)` of one granularity, summed over the subject's namespaces, with their
   * per-check figures; both oldest first. One transaction, so the two reads agree.
   */
  async series(orgId: string, subject: TrendSubject, range: TrendRange): Promise<{ totals: TrendRow[]; checks: TrendCheckRow[] }> {
    const where = Prisma.sql`
      r.org_id = ${orgId}::uuid AND ${subjectCondition(subject)} AND r.granularity = ${range.granularity}::rollup_granularity
      AND r.bucket_start >= ${range.from}::timestamptz AND r.bucket_start < ${range.to}::timestamptz
      AND r.level = ANY(${[...range.levels]}::pss_level[])`;
    return withTenant(this.database.client, orgId, async (tx) => {
      const totals = await tx.$queryRaw<
        {
          bucket_start: Date;
          level: PssLevel;
          failing_workloads: number;
          failing_pods: number;
          audit_violations: number;
          open_findings: number;
          opened_findings: number;
          resolved_findings: number;
          computed_at: Date;
        }[]
      >`
        SELECT r.bucket_start, r.level::text AS level, sum(r.failing_workloads)::integer AS failing_workloads,
               sum(r.failing_pods)::integer AS failing_pods, sum(r.audit_violations)::integer AS audit_violations,
               sum(r.open_findings)::integer AS open_findings, sum(r.opened_findings)::integer AS opened_findings,
               sum(r.resolved_findings)::integer AS resolved_findings, max(r.computed_at) AS computed_at
        FROM trend_rollups r
        WHERE ${where}
        GROUP BY r.bucket_start, r.level
        ORDER BY r.bucket_start, r.level`;
      const checks = await tx.$queryRaw<
        { bucket_start: Date; level: PssLevel; check_id: string; failing_workloads: number; failing_pods: number; audit_violations: number }[]
      >`
        SELECT r.bucket_start, r.level::text AS level, c.key AS check_id,
               sum((c.value->>'failingWorkloads')::integer)::integer AS failing_workloads,
               sum((c.value->>'failingPods')::integer)::integer AS failing_pods,
               sum((c.value->>'auditViolations')::integer)::integer AS audit_violations
        FROM trend_rollups r CROSS JOIN LATERAL jsonb_each(r.by_check) c
        WHERE ${where}
        GROUP BY r.bucket_start, r.level, c.key
        ORDER BY r.bucket_start, r.level, c.key`;
      return {
        totals: totals.map((t) => ({
          bucketStart: t.bucket_start,
          level: t.level,
          failingWorkloads: t.failing_workloads,
          failingPods: t.failing_pods,
          auditViolations: t.audit_violations,
          openFindings: t.open_findings,
          openedFindings: t.opened_findings,
          resolvedFindings: t.resolved_findings,
          computedAt: t.computed_at,
        })),
        checks: checks.map((c) => ({
          bucketStart: c.bucket_start,
          level: c.level,
          checkId: c.check_id,
          failingWorkloads: c.failing_workloads,
          failingPods: c.failing_pods,
          auditViolations: c.audit_violations,
        })),
      };
    });
  }

  /** Per level, the version of the namespace's newest rollup (any granularity). */
  async latestVersions(orgId: string, namespaceId: string): Promise<Map<PssLevel, string>> {
    const rows = await withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<{ level: PssLevel; version: string }[]>`
        SELECT DISTINCT ON (level) level::text AS level, version FROM trend_rollups
        WHERE org_id = ${orgId}::uuid AND namespace_id = ${namespaceId}::uuid
        ORDER BY level, bucket_start DESC, granularity`,
    );
    return new Map(rows.map((r) => [r.level, r.version]));
  }
}
