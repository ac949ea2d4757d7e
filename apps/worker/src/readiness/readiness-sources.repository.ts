import type { ClusterScope, PssLevel, Transaction } from '@ratchet/db';

/** A namespace with what its readiness needs. */
export interface ReadinessNamespace {
  id: string;
  name: string;
  /** False for a placeholder the agent has not reported itself, or a deleted namespace. */
  reported: boolean;
  enforceLevel: string | null;
  enforceVersion: string | null;
  kubernetesVersion: string | null;
  readinessWindowDays: number;
}

/** A live top-level workload of a namespace. */
export interface NamespaceWorkload {
  id: string;
  uid: string;
  namespaceId: string;
  kind: string;
  name: string;
  projectionId: string;
}

/** Audit-mode violations in a namespace by the level they violate (null: unparsed without a readable level). */
export interface AuditViolationCount {
  namespaceName: string;
  level: PssLevel | null;
  count: number;
}

/** The namespaces with these ids in the cluster, with the cluster's release and the organization's window. */
export async function readReadinessNamespaces(tx: Transaction, scope: ClusterScope, ids: readonly string[]): Promise<ReadinessNamespace[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<
    {
      id: string;
      name: string;
      reported: boolean;
      enforce_level: string | null;
      enforce_version: string | null;
      kubernetes_version: string | null;
      readiness_window_days: number;
    }[]
  >`
    SELECT n.id, n.name, (n.uid IS NOT NULL AND n.deleted_at IS NULL) AS reported, n.enforce_level, n.enforce_version,
           c.kubernetes_version, o.readiness_window_days
    FROM namespaces n
    JOIN clusters c ON c.org_id = n.org_id AND c.id = n.cluster_id
    JOIN organizations o ON o.id = n.org_id
    WHERE n.org_id = ${scope.orgId}::uuid AND n.cluster_id = ${scope.clusterId}::uuid AND n.id = ANY(${[...ids]}::uuid[])
    ORDER BY n.id`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    reported: r.reported,
    enforceLevel: r.enforce_level,
    enforceVersion: r.enforce_version,
    kubernetesVersion: r.kubernetes_version,
    readinessWindowDays: r.readiness_window_days,
  }));
}

/** The ids of the cluster's namespaces with these names. */
export async function namespaceIdsByName(tx: Transaction, scope: ClusterScope, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM namespaces
    WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND name = ANY(${[...names]}::text[])
    ORDER BY id`;
  return rows.map((r) => r.id);
}

/** The live top-level workloads (scaled to zero and CronJobs included) of these namespaces. */
export async function readNamespaceWorkloads(tx: Transaction, scope: ClusterScope, namespaceIds: readonly string[]): Promise<NamespaceWorkload[]> {
  if (namespaceIds.length === 0) return [];
  const rows = await tx.$queryRaw<{ id: string; uid: string; namespace_id: string; kind: string; name: string; projection_id: string }[]>`
    SELECT id, uid, namespace_id, kind::text AS kind, name, projection_id FROM workloads
    WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND namespace_id = ANY(${[...namespaceIds]}::uuid[])
      AND deleted_at IS NULL AND uid = top_level_uid
    ORDER BY kind, name`;
  return rows.map((r) => ({ id: r.id, uid: r.uid, namespaceId: r.namespace_id, kind: r.kind, name: r.name, projectionId: r.projection_id }));
}

/** The pods of these namespaces with their top-level workload uid. */
export async function readNamespacePods(
  tx: Transaction,
  scope: ClusterScope,
  namespaceIds: readonly string[],
): Promise<{ name: string; topLevelWorkloadUid: string; projectionId: string }[]> {
  if (namespaceIds.length === 0) return [];
  const rows = await tx.$queryRaw<{ name: string; top_level_workload_uid: string; projection_id: string }[]>`
    SELECT name, top_level_workload_uid, projection_id FROM pods
    WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND namespace_id = ANY(${[...namespaceIds]}::uuid[])
    ORDER BY name`;
  return rows.map((r) => ({ name: r.name, topLevelWorkloadUid: r.top_level_workload_uid, projectionId: r.projection_id }));
}

/**
 * Audit-mode violations the cluster recorded in these namespaces with `since <= time <= until`, grouped by the
 * level they violate. Dry runs are left out: the object was never created, so nothing would be rejected.
 */
export async function countAuditViolations(
  tx: Transaction,
  scope: ClusterScope,
  namespaceNames: readonly string[],
  since: Date,
  until: Date,
): Promise<AuditViolationCount[]> {
  if (namespaceNames.length === 0) return [];
  const rows = await tx.$queryRaw<{ namespace_name: string; level: PssLevel | null; count: number }[]>`
    SELECT namespace_name, level::text AS level, count(*)::integer AS count FROM audit_events
    WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND namespace_name = ANY(${[...namespaceNames]}::text[])
      AND time >= ${since}::timestamptz AND time <= ${until}::timestamptz AND NOT dry_run
    GROUP BY namespace_name, level`;
  return rows.map((r) => ({ namespaceName: r.namespace_name, level: r.level, count: r.count }));
}

/**
 * Deletes the readiness rows of these namespaces at versions other than the one each is computed at now (the
 * namespace changed its enforce-version), so a reader never sees a stale verdict beside the current one.
 */
export async function deleteOtherReadinessVersions(
  tx: Transaction,
  scope: ClusterScope,
  current: readonly { namespaceId: string; version: string }[],
): Promise<number> {
  if (current.length === 0) return 0;
  return tx.$executeRaw`
    DELETE FROM namespace_readiness r
    USING unnest(${current.map((c) => c.namespaceId)}::uuid[], ${current.map((c) => c.version)}::text[]) AS k(namespace_id, version)
    WHERE r.org_id = ${scope.orgId}::uuid AND r.cluster_id = ${scope.clusterId}::uuid
      AND r.namespace_id = k.namespace_id AND r.version <> k.version`;
}
