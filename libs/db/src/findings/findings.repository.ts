import { findingFingerprint } from '../finding-fingerprint.util.js';
import type { PssLevel, WorkloadKind } from '../generated/prisma/client.js';
import type { ClusterScope } from '../scope.js';
import type { Transaction } from '../tenant-transaction.js';

/** One check a workload fails at one level@version, as the evaluator reports it. */
export interface FailedCheck {
  level: PssLevel;
  /** "latest" or "v1.<minor>". */
  version: string;
  checkId: string;
  /** The violation as PSA words it. */
  message: string;
  /** Per-container detail and the pods behind the workload that fail. */
  detail: unknown;
}

/** A refresh of one top-level workload's findings: what fails now at the versions that were evaluated. */
export interface WorkloadFindingsRefresh {
  workloadId: string;
  /** The versions evaluated: open findings at these versions that are not failing any more are resolved. */
  versions: readonly string[];
  failing: readonly FailedCheck[];
  /**
   * When the evaluated state was observed (the worker passes the inventory's observation time, not its own clock):
   * first-seen of new findings, last-seen of what fails (never moved back), resolved-at of what does not (never
   * before the finding was last seen failing).
   */
  seenAt: Date;
}

/** What a refresh did to the workload's findings. */
export interface FindingChanges {
  /** New findings, and resolved ones that fail again. */
  opened: number;
  /** Open findings that still fail (last-seen moved). */
  stillOpen: number;
  resolved: number;
}

/**
 * Upserts the findings of one workload at the evaluated versions: a failing check is inserted (first-seen =
 * last-seen = `seenAt`) or updated (last-seen, message, detail; a resolved one opens again, keeping its first-seen);
 * an open finding at those versions whose check passes now is resolved at `seenAt`. Findings are keyed by their
 * fingerprint (cluster, namespace, kind, name, level, check) and version, so a recreated workload continues its
 * history. Returns zeros when the workload is not in the cluster.
 */
export async function refreshWorkloadFindings(tx: Transaction, scope: ClusterScope, refresh: WorkloadFindingsRefresh): Promise<FindingChanges> {
  return refreshWorkloadsFindings(tx, scope, [refresh]);
}

/**
 * refreshWorkloadFindings for many workloads in three statements whatever their number: the worker refreshes a
 * chunk of a hundred workloads at a time, and one round trip per statement per workload (60,000 for a
 * 20,000-workload cluster) was most of its time. Returns the summed changes; workloads not in the cluster count 0.
 */
export async function refreshWorkloadsFindings(tx: Transaction, scope: ClusterScope, refreshes: readonly WorkloadFindingsRefresh[]): Promise<FindingChanges> {
  if (refreshes.length === 0) return { opened: 0, stillOpen: 0, resolved: 0 };
  const workloads = await tx.$queryRaw<{ id: string; namespace_id: string; namespace_name: string; kind: WorkloadKind; name: string }[]>`
    SELECT w.id, w.namespace_id, n.name AS namespace_name, w.kind::text AS kind, w.name
    FROM workloads w JOIN namespaces n ON n.org_id = w.org_id AND n.id = w.namespace_id
    WHERE w.org_id = ${scope.orgId}::uuid AND w.cluster_id = ${scope.clusterId}::uuid AND w.id = ANY(${refreshes.map((r) => r.workloadId)}::uuid[])`;
  const byId = new Map(workloads.map((w) => [w.id, w]));
  const known = refreshes.filter((refresh) => byId.has(refresh.workloadId));
  if (known.length === 0) return { opened: 0, stillOpen: 0, resolved: 0 };
  const rows = known.flatMap((refresh) => {
    const workload = byId.get(refresh.workloadId)!;
    return refresh.failing.map((check) => ({
      workload_id: refresh.workloadId,
      namespace_id: workload.namespace_id,
      namespace_name: workload.namespace_name,
      kind: workload.kind,
      name: workload.name,
      fingerprint: findingFingerprint({
        clusterId: scope.clusterId,
        namespace: workload.namespace_name,
        workloadKind: workload.kind,
        workloadName: workload.name,
        level: check.level,
        checkId: check.checkId,
      }),
      level: check.level,
      version: check.version,
      check_id: check.checkId,
      message: check.message,
      detail: check.detail ?? {},
      seen_at: refresh.seenAt.toISOString(),
    }));
  });
  // RETURNING's subquery reads the statement's snapshot, i.e. the row before this update: whether it was resolved.
  const upserted = rows.length === 0 ? [] : await tx.$queryRaw<{ inserted: boolean; was_resolved: boolean | null }[]>`
    INSERT INTO findings AS f (org_id, cluster_id, namespace_id, workload_id, fingerprint, namespace_name, workload_kind, workload_name,
                               level, version, check_id, status, message, detail, first_seen_at, last_seen_at)
    SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, r.namespace_id, r.workload_id, r.fingerprint,
           r.namespace_name, r.kind::workload_kind, r.name, r.level::pss_level, r.version, r.check_id,
           'open', r.message, r.detail, r.seen_at, r.seen_at
    FROM json_to_recordset(${JSON.stringify(rows)}::json)
      AS r(workload_id uuid, namespace_id uuid, namespace_name text, kind text, name text, fingerprint text, level text, version text,
           check_id text, message text, detail jsonb, seen_at timestamptz)
    ORDER BY r.fingerprint, r.version
    ON CONFLICT (org_id, fingerprint, version) DO UPDATE
    SET namespace_id = EXCLUDED.namespace_id, workload_id = EXCLUDED.workload_id, status = 'open', message = EXCLUDED.message,
        detail = EXCLUDED.detail, last_seen_at = GREATEST(f.last_seen_at, EXCLUDED.last_seen_at), resolved_at = NULL, updated_at = now()
    RETURNING (f.xmax = 0) AS inserted,
              (SELECT old.status = 'resolved' FROM findings old WHERE old.org_id = f.org_id AND old.id = f.id) AS was_resolved`;
  const evaluated = known.flatMap((refresh) =>
    refresh.versions.map((version) => ({ workload_id: refresh.workloadId, version, seen_at: refresh.seenAt.toISOString() })),
  );
  // The constant list of workload ids is what the index on (org_id, workload_id) is searched by: joined only to the
  // recordset, a planner with stale statistics read every finding of the organization once per evaluated version.
  const resolved = await tx.$executeRaw`
    UPDATE findings f SET status = 'resolved', resolved_at = GREATEST(e.seen_at, f.last_seen_at), updated_at = now()
    FROM json_to_recordset(${JSON.stringify(evaluated)}::json) AS e(workload_id uuid, version text, seen_at timestamptz)
    WHERE f.org_id = ${scope.orgId}::uuid AND f.workload_id = ANY(${known.map((refresh) => refresh.workloadId)}::uuid[])
      AND f.workload_id = e.workload_id AND f.version = e.version AND f.status = 'open'
      AND (f.fingerprint, f.version) NOT IN (
        SELECT r.fingerprint, r.version FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(fingerprint text, version text)
      )`;
  const opened = upserted.filter((row) => row.inserted || row.was_resolved === true).length;
  return { opened, stillOpen: upserted.length - opened, resolved };
}

/**
 * Resolves every open finding of a workload (it was deleted), at `resolvedAt` (its deletion time; never before a
 * finding was last seen failing); returns how many.
 */
export async function resolveWorkloadFindings(tx: Transaction, scope: ClusterScope, workloadId: string, resolvedAt: Date): Promise<number> {
  return tx.$executeRaw`
    UPDATE findings SET status = 'resolved', resolved_at = GREATEST(${resolvedAt}::timestamptz, last_seen_at), updated_at = now()
    WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND workload_id = ${workloadId}::uuid AND status = 'open'`;
}
