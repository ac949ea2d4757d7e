import type { ClusterScope } from '../scope.js';
import type { Transaction } from '../tenant-transaction.js';

/**
 * What a mark asks the worker to refresh: `namespace` its readiness, `workload` the findings of a top-level
 * workload (with the pods behind it).
 */
export type InventoryMarkSubject = 'namespace' | 'workload';

/** What a batch touched, by the names and uids the agent uses. */
export interface InventoryTouch {
  /** Namespaces by name (placeholders included). */
  namespaceNames?: readonly string[];
  /** Workloads by uid, of any kind: each marks its top-level workload (itself when it is one). */
  workloadUids?: readonly string[];
}

/** How many things a call marked, per subject (a thing marked before counts once more). */
export interface MarkCounts {
  namespaces: number;
  workloads: number;
}

/** One mark as the worker reads it: `subjectId` is a namespace id or a top-level workload id. */
export interface InventoryMark {
  subject: InventoryMarkSubject;
  subjectId: string;
  /** The mark's generation when read: clearing it at this generation keeps a mark written since. */
  generation: number;
  /**
   * The newest observation time among the batches that marked it (their observedAt, else their receipt time), or
   * when a change of configuration marked it: what a refresh reflects, so the time of the findings it writes.
   */
  markedAt: Date;
}

export const NO_MARKS: MarkCounts = { namespaces: 0, workloads: 0 };

/**
 * Marks what a batch touched, in the batch's transaction: the named namespaces, and the top-level workload of each
 * workload uid (a uid that is not stored, such as a pod's workload the agent has not reported yet, marks nothing;
 * that workload is marked when it arrives). A thing marked already gets its generation bumped, so a worker that
 * read the older mark does not clear this one, and keeps the later of the two marked-at times. `observedAt` is
 * when the batch was observed (default: the transaction's now()). Call it after the rows it names are written.
 */
export async function markInventory(tx: Transaction, scope: ClusterScope, touch: InventoryTouch, observedAt?: Date): Promise<MarkCounts> {
  const names = [...new Set(touch.namespaceNames ?? [])];
  const uids = [...new Set(touch.workloadUids ?? [])];
  if (names.length === 0 && uids.length === 0) return NO_MARKS;
  // Rows go in key order so two writers marking overlapping sets (a batch and the worker) cannot deadlock.
  // Each lookup of workloads is its own materialized step, by uid arrays: joined directly (top.uid =
  // named.top_level_uid), a planner with stale statistics (tables filled by the very resync being ingested, not
  // analyzed yet) rescanned the cluster's workloads once per marked workload, 2.6 million rows and 5 s for one
  // 2,000-object chunk of a 20,000-workload cluster; this way the worst plan reads them once per batch.
  const rows = await tx.$queryRaw<{ subject: InventoryMarkSubject }[]>`
    WITH named AS MATERIALIZED (
      SELECT w.id, w.top_level_uid FROM workloads w
      WHERE w.org_id = ${scope.orgId}::uuid AND w.cluster_id = ${scope.clusterId}::uuid AND w.uid = ANY(${uids}::uuid[])
    ), tops AS MATERIALIZED (
      SELECT top.id, top.uid FROM workloads top
      WHERE top.org_id = ${scope.orgId}::uuid AND top.cluster_id = ${scope.clusterId}::uuid
        AND top.uid = ANY(ARRAY(SELECT DISTINCT named.top_level_uid FROM named))
    ), subjects AS (
      SELECT 'namespace'::inventory_mark_subject AS subject, n.id AS subject_id FROM namespaces n
      WHERE n.org_id = ${scope.orgId}::uuid AND n.cluster_id = ${scope.clusterId}::uuid AND n.name = ANY(${names}::text[])
      UNION
      SELECT 'workload'::inventory_mark_subject, coalesce(tops.id, named.id) FROM named
      LEFT JOIN tops ON tops.uid = named.top_level_uid
    )
    INSERT INTO inventory_marks AS m (org_id, cluster_id, subject, subject_id, marked_at)
    SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, s.subject, s.subject_id, coalesce(${observedAt?.toISOString() ?? null}::timestamptz, now())
    FROM subjects s
    ORDER BY s.subject, s.subject_id
    ON CONFLICT (org_id, cluster_id, subject, subject_id) DO UPDATE
    SET generation = m.generation + 1, marked_at = GREATEST(m.marked_at, EXCLUDED.marked_at)
    RETURNING m.subject`;
  return {
    namespaces: rows.filter((row) => row.subject === 'namespace').length,
    workloads: rows.filter((row) => row.subject === 'workload').length,
  };
}

/**
 * Up to `limit` marks of one subject in a cluster, oldest first: what the worker refreshes next. Reading takes no
 * lock, so batches never wait on the worker; the job collapse rule (libs/jobs) runs one job per cluster and job
 * name at a time, and refreshing a thing twice is harmless. Refresh them, then clearInventoryMarks.
 */
export async function readInventoryMarks(
  tx: Transaction,
  scope: ClusterScope,
  subject: InventoryMarkSubject,
  limit: number,
): Promise<InventoryMark[]> {
  const rows = await tx.$queryRaw<{ subject_id: string; generation: number; marked_at: Date }[]>`
    SELECT subject_id, generation, marked_at FROM inventory_marks
    WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND subject = ${subject}::inventory_mark_subject
    ORDER BY marked_at, subject_id
    LIMIT ${limit}::integer`;
  return rows.map((row) => ({ subject, subjectId: row.subject_id, generation: row.generation, markedAt: row.marked_at }));
}

/**
 * Deletes the marks the worker refreshed, each only at the generation it read: a mark a batch renewed meanwhile
 * stays for the next run (no lost update). Returns how many were deleted.
 */
export async function clearInventoryMarks(tx: Transaction, scope: ClusterScope, marks: readonly InventoryMark[]): Promise<number> {
  if (marks.length === 0) return 0;
  return tx.$executeRaw`
    DELETE FROM inventory_marks m
    USING unnest(${marks.map((mark) => mark.subject)}::inventory_mark_subject[], ${marks.map((mark) => mark.subjectId)}::uuid[],
                 ${marks.map((mark) => mark.generation)}::integer[]) AS c(subject, subject_id, generation)
    WHERE m.org_id = ${scope.orgId}::uuid AND m.cluster_id = ${scope.clusterId}::uuid
      AND m.subject = c.subject AND m.subject_id = c.subject_id AND m.generation = c.generation`;
}

/**
 * Marks every live namespace and top-level workload of a cluster: what changes for all of them at once, such as
 * the cluster's Kubernetes release, which is the version `latest` evaluates at (a heartbeat with a new minor).
 */
export async function markClusterInventory(tx: Transaction, scope: ClusterScope): Promise<MarkCounts> {
  const rows = await tx.$queryRaw<{ subject: InventoryMarkSubject }[]>`
    WITH subjects AS (
      SELECT 'namespace'::inventory_mark_subject AS subject, n.id AS subject_id FROM namespaces n
      WHERE n.org_id = ${scope.orgId}::uuid AND n.cluster_id = ${scope.clusterId}::uuid AND n.deleted_at IS NULL
      UNION ALL
      SELECT 'workload'::inventory_mark_subject, w.id FROM workloads w
      WHERE w.org_id = ${scope.orgId}::uuid AND w.cluster_id = ${scope.clusterId}::uuid AND w.deleted_at IS NULL AND w.uid = w.top_level_uid
    )
    INSERT INTO inventory_marks AS m (org_id, cluster_id, subject, subject_id)
    SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, s.subject, s.subject_id FROM subjects s
    ORDER BY s.subject, s.subject_id
    ON CONFLICT (org_id, cluster_id, subject, subject_id) DO UPDATE SET generation = m.generation + 1, marked_at = GREATEST(m.marked_at, now())
    RETURNING m.subject`;
  return {
    namespaces: rows.filter((row) => row.subject === 'namespace').length,
    workloads: rows.filter((row) => row.subject === 'workload').length,
  };
}

/**
 * Marks every live namespace of a cluster for readiness only: what changes readiness but not findings, such as the
 * organization's readiness window or the cluster's Pod Security admission configuration. Returns how many.
 */
export async function markClusterNamespaces(tx: Transaction, scope: ClusterScope): Promise<number> {
  return tx.$executeRaw`
    INSERT INTO inventory_marks AS m (org_id, cluster_id, subject, subject_id)
    SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, 'namespace'::inventory_mark_subject, n.id FROM namespaces n
    WHERE n.org_id = ${scope.orgId}::uuid AND n.cluster_id = ${scope.clusterId}::uuid AND n.deleted_at IS NULL
    ORDER BY n.id
    ON CONFLICT (org_id, cluster_id, subject, subject_id) DO UPDATE SET generation = m.generation + 1, marked_at = GREATEST(m.marked_at, now())`;
}
