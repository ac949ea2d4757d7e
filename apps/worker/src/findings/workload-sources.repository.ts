import type { ClusterScope, Transaction } from '@ratchet/db';

/** A top-level workload with what its findings need: its template's projection, namespace labels, cluster release. */
export interface TopLevelWorkload {
  id: string;
  uid: string;
  kind: string;
  name: string;
  namespaceId: string;
  projectionId: string;
  deleted: boolean;
  /** When it was deleted: its own deletion or its namespace's, whichever came first; null while live. */
  deletedAt: Date | null;
  enforceVersion: string | null;
  auditVersion: string | null;
  warnVersion: string | null;
  kubernetesVersion: string | null;
}

/** A pod behind a top-level workload. */
export interface WorkloadPod {
  name: string;
  topLevelWorkloadUid: string;
  projectionId: string;
}

/** The workloads with these ids in the cluster (deleted ones included, flagged). */
export async function readTopLevelWorkloads(tx: Transaction, scope: ClusterScope, ids: readonly string[]): Promise<TopLevelWorkload[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<
    {
      id: string;
      uid: string;
      kind: string;
      name: string;
      namespace_id: string;
      projection_id: string;
      deleted: boolean;
      deleted_at: Date | null;
      enforce_version: string | null;
      audit_version: string | null;
      warn_version: string | null;
      kubernetes_version: string | null;
    }[]
  >`
    SELECT w.id, w.uid, w.kind::text AS kind, w.name, w.namespace_id, w.projection_id,
           (w.deleted_at IS NOT NULL OR n.deleted_at IS NOT NULL) AS deleted, LEAST(w.deleted_at, n.deleted_at) AS deleted_at,
           n.enforce_version, n.audit_version, n.warn_version, c.kubernetes_version
    FROM workloads w
    JOIN namespaces n ON n.org_id = w.org_id AND n.id = w.namespace_id
    JOIN clusters c ON c.org_id = w.org_id AND c.id = w.cluster_id
    WHERE w.org_id = ${scope.orgId}::uuid AND w.cluster_id = ${scope.clusterId}::uuid AND w.id = ANY(${[...ids]}::uuid[])`;
  return rows.map((r) => ({
    id: r.id,
    uid: r.uid,
    kind: r.kind,
    name: r.name,
    namespaceId: r.namespace_id,
    projectionId: r.projection_id,
    deleted: r.deleted,
    deletedAt: r.deleted_at,
    enforceVersion: r.enforce_version,
    auditVersion: r.audit_version,
    warnVersion: r.warn_version,
    kubernetesVersion: r.kubernetes_version,
  }));
}

/** The pods of the cluster whose top-level workload is one of these uids, by name. */
export async function readPodsOfWorkloads(tx: Transaction, scope: ClusterScope, workloadUids: readonly string[]): Promise<WorkloadPod[]> {
  if (workloadUids.length === 0) return [];
  const rows = await tx.$queryRaw<{ name: string; top_level_workload_uid: string; projection_id: string }[]>`
    SELECT name, top_level_workload_uid, projection_id FROM pods
    WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid
      AND top_level_workload_uid = ANY(${[...workloadUids]}::uuid[])
    ORDER BY name`;
  return rows.map((r) => ({ name: r.name, topLevelWorkloadUid: r.top_level_workload_uid, projectionId: r.projection_id }));
}

/** The container names (init, regular and ephemeral) of these projections, by projection id. */
export async function readProjectionContainers(tx: Transaction, scope: ClusterScope, projectionIds: readonly string[]): Promise<Map<string, string[]>> {
  const ids = [...new Set(projectionIds)];
  if (ids.length === 0) return new Map();
  const rows = await tx.$queryRaw<{ id: string; names: string[] }[]>`
    SELECT p.id, coalesce(array_agg(c.item->>'name') FILTER (WHERE c.item IS NOT NULL), ARRAY[]::text[]) AS names
    FROM security_projections p
    LEFT JOIN LATERAL jsonb_array_elements(
      coalesce(p.projection->'spec'->'initContainers', '[]'::jsonb) || coalesce(p.projection->'spec'->'containers', '[]'::jsonb)
      || coalesce(p.projection->'spec'->'ephemeralContainers', '[]'::jsonb)
    ) AS c(item) ON TRUE
    WHERE p.org_id = ${scope.orgId}::uuid AND p.id = ANY(${ids}::uuid[])
    GROUP BY p.id`;
  return new Map(rows.map((r) => [r.id, r.names]));
}
