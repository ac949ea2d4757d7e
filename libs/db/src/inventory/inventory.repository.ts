import type { InventoryDeletes, InventoryNamespace, InventoryPod, InventoryWorkload, ProjectionMap } from '@ratchet/contracts';

import type { ClusterScope, TenantScope } from '../scope.js';
import type { Transaction } from '../tenant-transaction.js';
import { markInventory, type MarkCounts } from './inventory-marks.repository.js';
import { topLevelUid } from './top-level-workload.util.js';

// The inventory of clusters: namespaces, workloads, pods and the security projections they point at. One
// statement per table per batch (rows travel as one JSON array, expanded by json_to_recordset); every function
// runs inside the caller's tenant transaction (withTenant), and the ones that change objects mark what they
// changed (inventory-marks.repository.ts) in that same transaction.
//
// Times are observation times: a batch carries when the agent observed it (`observedAt`, the API's receipt time when
// the agent does not say), and objects take it as first_seen_at (a new row), last_seen_at (never moved back: batches
// spooled during an outage may arrive after newer ones) and deleted_at; marks take it as marked_at, which the worker
// uses as the time of the findings it refreshes. Without `observedAt` a function uses the transaction's now().

/** Objects to upsert, with the projections carried alongside them. */
export interface InventoryUpsert {
  namespaces: readonly InventoryNamespace[];
  workloads: readonly InventoryWorkload[];
  pods: readonly InventoryPod[];
}

export interface InventoryCounts {
  namespaces: number;
  workloads: number;
  pods: number;
}

/** What a write changed: objects per list, and the marks it left for the worker. */
export interface InventoryChange extends InventoryCounts {
  marks: MarkCounts;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Serializes inventory batches of one cluster until the transaction ends, so chunks of a resync count each other
 * and upserts of the same objects in another order never deadlock.
 */
export async function lockClusterInventory(tx: Transaction, scope: ClusterScope): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`ratchet:inventory:${scope.clusterId}`}, 0))`;
}

/** The hashes among `hashes` that the organization has no projection for, sorted. */
export async function missingProjections(tx: Transaction, scope: TenantScope, hashes: readonly string[]): Promise<string[]> {
  if (hashes.length === 0) return [];
  const rows = await tx.$queryRaw<{ hash: string }[]>`
    SELECT h.hash FROM unnest(${[...hashes]}::text[]) AS h(hash)
    WHERE NOT EXISTS (
      SELECT 1 FROM security_projections p WHERE p.org_id = ${scope.orgId}::uuid AND p.content_hash = h.hash
    )
    ORDER BY h.hash`;
  return rows.map((row) => row.hash);
}

/**
 * Stores projections not stored yet (keyed by their content hash, which the caller has checked); returns how many
 * were new. A new projection has no `evaluated_at`: that is its mark for the worker.
 */
export async function insertProjections(tx: Transaction, scope: TenantScope, projections: ProjectionMap): Promise<number> {
  if (Object.keys(projections).length === 0) return 0;
  // In hash order, so two clusters of one organization inserting the same new projections cannot deadlock.
  return tx.$executeRaw`
    INSERT INTO security_projections (org_id, content_hash, projection)
    SELECT ${scope.orgId}::uuid, p.key, p.value FROM jsonb_each(${JSON.stringify(projections)}::jsonb) AS p
    ORDER BY p.key
    ON CONFLICT (org_id, content_hash) DO NOTHING`;
}

// The observation time as a SQL parameter: null stands for the transaction's now().
const observedParam = (observedAt: Date | undefined): string | null => observedAt?.toISOString() ?? null;

/**
 * Upserts namespaces, workloads and pods (live again if they were deleted, seen at `observedAt`), with each
 * workload's and pod's top-level workload, and marks them all at `observedAt`. A new row is first seen then; a
 * stored one keeps the earlier first-seen and the later last-seen. A namespace that objects refer to but the batch
 * does not report gets a placeholder row (no uid) until it is reported. Every projection the objects name must be
 * stored. `observedAt` defaults to the transaction's now().
 */
export async function upsertInventory(tx: Transaction, scope: ClusterScope, batch: InventoryUpsert, observedAt?: Date): Promise<InventoryChange> {
  const at = observedParam(observedAt);
  await upsertNamespaces(tx, scope, batch, at);
  const workloads = await upsertWorkloads(tx, scope, batch.workloads, at);
  const pods = await upsertPods(tx, scope, batch.pods, at);
  if (workloads !== batch.workloads.length || pods !== batch.pods.length) {
    // Every namespace and projection was stored or checked before; a lost row is a bug, not bad input.
    throw new Error(`inventory upsert stored ${workloads}/${batch.workloads.length} workloads and ${pods}/${batch.pods.length} pods`);
  }
  const marks = await markInventory(tx, scope, {
    namespaceNames: [
      ...batch.namespaces.map((ns) => ns.name),
      ...batch.workloads.map((workload) => workload.namespace),
      ...batch.pods.map((pod) => pod.namespace),
    ],
    workloadUids: [...batch.workloads.map((workload) => workload.uid), ...batch.pods.map((pod) => pod.workloadUid)],
  }, observedAt);
  return { namespaces: batch.namespaces.length, workloads, pods, marks };
}

async function upsertNamespaces(tx: Transaction, scope: ClusterScope, batch: InventoryUpsert, at: string | null): Promise<void> {
  const reported = new Set(batch.namespaces.map((ns) => ns.name));
  const referenced = new Set([...batch.workloads, ...batch.pods].map((object) => object.namespace).filter((name) => !reported.has(name)));
  const rows = [
    ...batch.namespaces.map((ns) => ({
      name: ns.name,
      uid: ns.uid,
      enforce: ns.labels.enforce,
      enforce_version: ns.labels.enforceVersion,
      audit: ns.labels.audit,
      audit_version: ns.labels.auditVersion,
      warn: ns.labels.warn,
      warn_version: ns.labels.warnVersion,
      creation_timestamp: ns.createdAt,
    })),
    ...[...referenced].map((name) => ({ name })),
  ];
  if (rows.length === 0) return;
  // A placeholder (no uid) never overwrites a stored namespace; a reported namespace replaces its labels
  // (a label absent now was removed) and its creation time (a namespace recreated under its name is a new one).
  await tx.$executeRaw`
    INSERT INTO namespaces AS n (org_id, cluster_id, name, uid, enforce_level, enforce_version, audit_level, audit_version,
                                 warn_level, warn_version, creation_timestamp, first_seen_at, last_seen_at, deleted_at)
    SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, r.name, r.uid, r.enforce, r.enforce_version, r.audit, r.audit_version,
           r.warn, r.warn_version, r.creation_timestamp, coalesce(${at}::timestamptz, now()), coalesce(${at}::timestamptz, now()), NULL
    FROM json_to_recordset(${JSON.stringify(rows)}::json)
      AS r(name text, uid uuid, enforce text, enforce_version text, audit text, audit_version text, warn text, warn_version text,
           creation_timestamp timestamptz)
    ON CONFLICT (org_id, cluster_id, name) DO UPDATE
    SET uid = EXCLUDED.uid, enforce_level = EXCLUDED.enforce_level, enforce_version = EXCLUDED.enforce_version,
        audit_level = EXCLUDED.audit_level, audit_version = EXCLUDED.audit_version, warn_level = EXCLUDED.warn_level,
        warn_version = EXCLUDED.warn_version, creation_timestamp = EXCLUDED.creation_timestamp,
        first_seen_at = LEAST(n.first_seen_at, EXCLUDED.first_seen_at), last_seen_at = GREATEST(n.last_seen_at, EXCLUDED.last_seen_at),
        deleted_at = NULL, updated_at = now()
    WHERE EXCLUDED.uid IS NOT NULL`;
}

async function upsertWorkloads(tx: Transaction, scope: ClusterScope, workloads: readonly InventoryWorkload[], at: string | null): Promise<number> {
  if (workloads.length === 0) return 0;
  const rows = workloads.map((w) => ({
    uid: w.uid,
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    owner_chain: w.ownerChain,
    top_level_uid: topLevelUid(w),
    replicas: w.replicas,
    pod_count: w.podCount,
    projection_hash: w.projectionHash,
  }));
  // The key is (namespace, kind, name), the identity findings keep: a recreated workload takes the new uid.
  const stored = await tx.$executeRaw`
    INSERT INTO workloads AS w (org_id, cluster_id, namespace_id, kind, name, uid, owner_chain, top_level_uid, replicas, pod_count,
                                projection_id, first_seen_at, last_seen_at, deleted_at)
    SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, n.id, r.kind::workload_kind, r.name, r.uid, r.owner_chain, r.top_level_uid,
           r.replicas, r.pod_count, p.id, coalesce(${at}::timestamptz, now()), coalesce(${at}::timestamptz, now()), NULL
    FROM json_to_recordset(${JSON.stringify(rows)}::json)
      AS r(uid uuid, kind text, namespace text, name text, owner_chain jsonb, top_level_uid uuid, replicas integer, pod_count integer,
           projection_hash text)
    JOIN namespaces n ON n.org_id = ${scope.orgId}::uuid AND n.cluster_id = ${scope.clusterId}::uuid AND n.name = r.namespace
    JOIN security_projections p ON p.org_id = ${scope.orgId}::uuid AND p.content_hash = r.projection_hash
    ON CONFLICT (org_id, cluster_id, namespace_id, kind, name) DO UPDATE
    SET uid = EXCLUDED.uid, owner_chain = EXCLUDED.owner_chain, top_level_uid = EXCLUDED.top_level_uid, replicas = EXCLUDED.replicas,
        pod_count = EXCLUDED.pod_count, projection_id = EXCLUDED.projection_id,
        first_seen_at = LEAST(w.first_seen_at, EXCLUDED.first_seen_at), last_seen_at = GREATEST(w.last_seen_at, EXCLUDED.last_seen_at),
        deleted_at = NULL, updated_at = now()`;
  // Pods stored before their workload (another chunk, an earlier delta) took the workload's uid as their top-level
  // workload; now that the workload is known, they take its top-level workload. The batch already knows each
  // workload's top-level uid, so pods are probed by (org_id, cluster_id, workload_uid) from that list: joining
  // workloads instead let the planner walk every pod of the cluster per workload on a table it had not analyzed
  // yet (2+ s a batch under bench:ingest).
  await tx.$executeRaw`
    UPDATE pods p SET top_level_workload_uid = r.top_level_uid
    FROM unnest(${rows.map((row) => row.uid)}::uuid[], ${rows.map((row) => row.top_level_uid)}::uuid[]) AS r(uid, top_level_uid)
    WHERE p.org_id = ${scope.orgId}::uuid AND p.cluster_id = ${scope.clusterId}::uuid AND p.workload_uid = r.uid
      AND p.top_level_workload_uid <> r.top_level_uid`;
  return stored;
}

async function upsertPods(tx: Transaction, scope: ClusterScope, pods: readonly InventoryPod[], at: string | null): Promise<number> {
  if (pods.length === 0) return 0;
  const rows = pods.map((pod) => ({
    uid: pod.uid,
    namespace: pod.namespace,
    name: pod.name,
    workload_uid: pod.workloadUid,
    projection_hash: pod.projectionHash,
    phase: pod.phase,
  }));
  return tx.$executeRaw`
    INSERT INTO pods AS x (org_id, cluster_id, namespace_id, name, uid, workload_uid, top_level_workload_uid, projection_id, phase,
                           first_seen_at, last_seen_at)
    SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, n.id, r.name, r.uid, r.workload_uid, coalesce(w.top_level_uid, r.workload_uid),
           p.id, r.phase::pod_phase, coalesce(${at}::timestamptz, now()), coalesce(${at}::timestamptz, now())
    FROM json_to_recordset(${JSON.stringify(rows)}::json)
      AS r(uid uuid, namespace text, name text, workload_uid uuid, projection_hash text, phase text)
    JOIN namespaces n ON n.org_id = ${scope.orgId}::uuid AND n.cluster_id = ${scope.clusterId}::uuid AND n.name = r.namespace
    JOIN security_projections p ON p.org_id = ${scope.orgId}::uuid AND p.content_hash = r.projection_hash
    LEFT JOIN workloads w ON w.org_id = ${scope.orgId}::uuid AND w.cluster_id = ${scope.clusterId}::uuid AND w.uid = r.workload_uid
    ON CONFLICT (org_id, cluster_id, uid) DO UPDATE
    SET namespace_id = EXCLUDED.namespace_id, name = EXCLUDED.name, workload_uid = EXCLUDED.workload_uid,
        top_level_workload_uid = EXCLUDED.top_level_workload_uid, projection_id = EXCLUDED.projection_id, phase = EXCLUDED.phase,
        first_seen_at = LEAST(x.first_seen_at, EXCLUDED.first_seen_at), last_seen_at = GREATEST(x.last_seen_at, EXCLUDED.last_seen_at),
        updated_at = now()`;
}

/** What a delta's deletes did, with the namespaces they were in (sorted). */
export interface DeletedInventory extends InventoryChange {
  namespaceNames: string[];
}

type GoneRow = { list: 'namespaces' | 'workloads' | 'pods'; name: string; workload_uid: string | null };

async function markGone(tx: Transaction, scope: ClusterScope, rows: readonly GoneRow[], observedAt: Date | undefined): Promise<DeletedInventory> {
  const count = (list: GoneRow['list']) => rows.filter((row) => row.list === list).length;
  const namespaceNames = [...new Set(rows.map((row) => row.name))].sort(byText);
  const workloadUids = rows.flatMap((row) => (row.workload_uid === null ? [] : [row.workload_uid]));
  const marks = await markInventory(tx, scope, { namespaceNames, workloadUids }, observedAt);
  return { namespaces: count('namespaces'), workloads: count('workloads'), pods: count('pods'), namespaceNames, marks };
}

/**
 * A delta's deletes by uid: namespaces and workloads are marked deleted at `observedAt` (findings keep their
 * history), pods removed. Only objects that were live count and are marked: deleting what is already gone changes
 * nothing. `observedAt` defaults to the transaction's now().
 */
export async function deleteInventory(tx: Transaction, scope: ClusterScope, deletes: InventoryDeletes, observedAt?: Date): Promise<DeletedInventory> {
  if (deletes.namespaces.length + deletes.workloads.length + deletes.pods.length === 0) return markGone(tx, scope, [], observedAt);
  const at = observedParam(observedAt);
  const rows = await tx.$queryRaw<GoneRow[]>`
    WITH gone_namespaces AS (
      UPDATE namespaces SET deleted_at = coalesce(${at}::timestamptz, now()), updated_at = now()
      WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND uid = ANY(${deletes.namespaces}::uuid[])
        AND deleted_at IS NULL
      RETURNING name
    ), gone_workloads AS (
      UPDATE workloads w SET deleted_at = coalesce(${at}::timestamptz, now()), updated_at = now()
      FROM namespaces n
      WHERE w.org_id = ${scope.orgId}::uuid AND w.cluster_id = ${scope.clusterId}::uuid AND w.uid = ANY(${deletes.workloads}::uuid[])
        AND w.deleted_at IS NULL AND n.org_id = w.org_id AND n.id = w.namespace_id
      RETURNING n.name, w.uid
    ), gone_pods AS (
      DELETE FROM pods p USING namespaces n
      WHERE p.org_id = ${scope.orgId}::uuid AND p.cluster_id = ${scope.clusterId}::uuid AND p.uid = ANY(${deletes.pods}::uuid[])
        AND n.org_id = p.org_id AND n.id = p.namespace_id
      RETURNING n.name, p.top_level_workload_uid
    )
    SELECT 'namespaces' AS list, name, NULL::text AS workload_uid FROM gone_namespaces
    UNION ALL SELECT 'workloads', name, uid::text FROM gone_workloads
    UNION ALL SELECT 'pods', name, top_level_workload_uid::text FROM gone_pods`;
  return markGone(tx, scope, rows, observedAt);
}

/**
 * The end of a resync observed at `syncObservedAt` (when its listing started: the earliest observation time of its
 * chunks): the cluster's objects no batch has seen since then are gone. Every object the sync listed was seen at
 * or after it (last_seen_at only moves forward), and so was every object a delta observed after the listing began,
 * whatever order the batches arrived in. Namespaces and workloads are marked deleted at `syncObservedAt` (findings
 * keep their history), pods removed; what was swept is marked at that time.
 */
export async function sweepInventory(tx: Transaction, scope: ClusterScope, syncObservedAt: Date): Promise<DeletedInventory> {
  const seenSince = syncObservedAt;
  const rows = await tx.$queryRaw<GoneRow[]>`
    WITH gone_namespaces AS (
      UPDATE namespaces SET deleted_at = ${seenSince}::timestamptz, updated_at = now()
      WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND deleted_at IS NULL
        AND last_seen_at < ${seenSince}::timestamptz
      RETURNING name
    ), gone_workloads AS (
      UPDATE workloads w SET deleted_at = ${seenSince}::timestamptz, updated_at = now()
      FROM namespaces n
      WHERE w.org_id = ${scope.orgId}::uuid AND w.cluster_id = ${scope.clusterId}::uuid AND w.deleted_at IS NULL
        AND w.last_seen_at < ${seenSince}::timestamptz AND n.org_id = w.org_id AND n.id = w.namespace_id
      RETURNING n.name, w.uid
    ), gone_pods AS (
      DELETE FROM pods p USING namespaces n
      WHERE p.org_id = ${scope.orgId}::uuid AND p.cluster_id = ${scope.clusterId}::uuid AND p.last_seen_at < ${seenSince}::timestamptz
        AND n.org_id = p.org_id AND n.id = p.namespace_id
      RETURNING n.name, p.top_level_workload_uid
    )
    SELECT 'namespaces' AS list, name, NULL::text AS workload_uid FROM gone_namespaces
    UNION ALL SELECT 'workloads', name, uid::text FROM gone_workloads
    UNION ALL SELECT 'pods', name, top_level_workload_uid::text FROM gone_pods`;
  return markGone(tx, scope, rows, syncObservedAt);
}
