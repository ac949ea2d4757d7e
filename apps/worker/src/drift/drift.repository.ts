import type { ClusterScope, PssLevel, Transaction } from '@ratchet/db';

/** One workload `latest` would reject for checks its pinned version lets through. */
export interface DriftedWorkload {
  workloadId: string;
  kind: string;
  name: string;
  checks: { id: string; reason: string; detail: string }[];
}

/** A namespace's drift at one level. */
export interface NamespaceDriftRow {
  namespaceId: string;
  level: PssLevel;
  pinnedVersion: string;
  latestVersion: string;
  workloads: DriftedWorkload[];
}

/** Replaces the drift rows of these namespaces with `rows` (a namespace without rows has no drift any more). */
export async function replaceNamespaceDrift(tx: Transaction, scope: ClusterScope, namespaceIds: readonly string[], rows: readonly NamespaceDriftRow[], now: Date): Promise<void> {
  if (namespaceIds.length === 0) return;
  await tx.$executeRaw`
    DELETE FROM namespace_drift
    WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND namespace_id = ANY(${[...namespaceIds]}::uuid[])`;
  if (rows.length === 0) return;
  const records = rows.map((r) => ({
    namespace_id: r.namespaceId,
    level: r.level,
    pinned_version: r.pinnedVersion,
    latest_version: r.latestVersion,
    workload_count: r.workloads.length,
    workloads: r.workloads,
  }));
  await tx.$executeRaw`
    INSERT INTO namespace_drift (org_id, cluster_id, namespace_id, level, pinned_version, latest_version, workload_count, workloads, computed_at)
    SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, r.namespace_id, r.level::pss_level, r.pinned_version, r.latest_version, r.workload_count, r.workloads,
           ${now}::timestamptz
    FROM json_to_recordset(${JSON.stringify(records)}::json)
      AS r(namespace_id uuid, level text, pinned_version text, latest_version text, workload_count integer, workloads jsonb)
    ORDER BY r.namespace_id, r.level`;
}
