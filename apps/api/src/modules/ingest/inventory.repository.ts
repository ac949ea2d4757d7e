import { Injectable } from '@nestjs/common';
import type { InventoryDeletes, InventoryNamespace, InventoryPod, InventoryWorkload, ProjectionMap } from '@ratchet/contracts';
import type { Transaction } from '@ratchet/db';

import type { IngestScope } from './ingest.types.js';

/** Objects to upsert, with the projections carried alongside them. */
export interface InventoryUpsert {
  namespaces: readonly InventoryNamespace[];
  workloads: readonly InventoryWorkload[];
  pods: readonly InventoryPod[];
  projections: ProjectionMap;
}

export interface InventoryCounts {
  namespaces: number;
  workloads: number;
  pods: number;
}

/** What a delta's deletes did: how many objects each list removed, and the namespaces they were in. */
export interface DeletedInventory extends InventoryCounts {
  namespaceNames: string[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The inventory of clusters: namespaces, workloads, pods and the security projections they point at. One
 * statement per table per batch (rows travel as one JSON array, expanded by json_to_recordset); every method
 * runs inside the batch's transaction.
 */
@Injectable()
export class InventoryRepository {
  /**
   * Serializes inventory batches of one cluster until the transaction ends, so chunks of a resync count each
   * other and upserts of the same objects in another order never deadlock.
   */
  async lockCluster(tx: Transaction, scope: IngestScope): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`ratchet:inventory:${scope.clusterId}`}, 0))`;
  }

  /** The hashes among `hashes` that the organization has no projection for. */
  async missingProjections(tx: Transaction, scope: IngestScope, hashes: readonly string[]): Promise<string[]> {
    if (hashes.length === 0) return [];
    const rows = await tx.$queryRaw<{ hash: string }[]>`
      SELECT h.hash FROM unnest(${[...hashes]}::text[]) AS h(hash)
      WHERE NOT EXISTS (
        SELECT 1 FROM security_projections p WHERE p.org_id = ${scope.orgId}::uuid AND p.content_hash = h.hash
      )
      ORDER BY h.hash`;
    return rows.map((row) => row.hash);
  }

  /** Stores projections not stored yet; returns how many were new. */
  async insertProjections(tx: Transaction, scope: IngestScope, projections: ProjectionMap): Promise<number> {
    if (Object.keys(projections).length === 0) return 0;
    // In hash order, so two clusters of one organization inserting the same new projections cannot deadlock.
    return tx.$executeRaw`
      INSERT INTO security_projections (org_id, content_hash, projection)
      SELECT ${scope.orgId}::uuid, p.key, p.value FROM jsonb_each(${JSON.stringify(projections)}::jsonb) AS p
      ORDER BY p.key
      ON CONFLICT (org_id, content_hash) DO NOTHING`;
  }

  /**
   * Upserts namespaces, workloads and pods (live again if they were deleted, seen now). A namespace that
   * objects refer to but the batch does not report gets a placeholder row (no uid) until it is reported.
   */
  async upsert(tx: Transaction, scope: IngestScope, batch: InventoryUpsert): Promise<InventoryCounts> {
    await this.upsertNamespaces(tx, scope, batch);
    const workloads = await this.upsertWorkloads(tx, scope, batch.workloads);
    const pods = await this.upsertPods(tx, scope, batch.pods);
    if (workloads !== batch.workloads.length || pods !== batch.pods.length) {
      // Every namespace and projection was stored or checked above; a lost row is a bug, not bad input.
      throw new Error(`inventory upsert stored ${workloads}/${batch.workloads.length} workloads and ${pods}/${batch.pods.length} pods`);
    }
    return { namespaces: batch.namespaces.length, workloads, pods };
  }

  private async upsertNamespaces(tx: Transaction, scope: IngestScope, batch: InventoryUpsert): Promise<void> {
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
      })),
      ...[...referenced].map((name) => ({ name })),
    ];
    if (rows.length === 0) return;
    // A placeholder (no uid) never overwrites a stored namespace; a reported namespace replaces its labels
    // (a label absent now was removed).
    await tx.$executeRaw`
      INSERT INTO namespaces AS n (org_id, cluster_id, name, uid, enforce_level, enforce_version, audit_level, audit_version,
                                   warn_level, warn_version, last_seen_at, deleted_at)
      SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, r.name, r.uid, r.enforce, r.enforce_version, r.audit, r.audit_version,
             r.warn, r.warn_version, now(), NULL
      FROM json_to_recordset(${JSON.stringify(rows)}::json)
        AS r(name text, uid uuid, enforce text, enforce_version text, audit text, audit_version text, warn text, warn_version text)
      ON CONFLICT (org_id, cluster_id, name) DO UPDATE
      SET uid = EXCLUDED.uid, enforce_level = EXCLUDED.enforce_level, enforce_version = EXCLUDED.enforce_version,
          audit_level = EXCLUDED.audit_level, audit_version = EXCLUDED.audit_version, warn_level = EXCLUDED.warn_level,
          warn_version = EXCLUDED.warn_version, last_seen_at = EXCLUDED.last_seen_at, deleted_at = NULL, updated_at = now()
      WHERE EXCLUDED.uid IS NOT NULL`;
  }

  private async upsertWorkloads(tx: Transaction, scope: IngestScope, workloads: readonly InventoryWorkload[]): Promise<number> {
    if (workloads.length === 0) return 0;
    const rows = workloads.map((w) => ({
      uid: w.uid,
      kind: w.kind,
      namespace: w.namespace,
      name: w.name,
      owner_chain: w.ownerChain,
      replicas: w.replicas,
      pod_count: w.podCount,
      projection_hash: w.projectionHash,
    }));
    // The key is (namespace, kind, name), the identity findings keep: a recreated workload takes the new uid.
    return tx.$executeRaw`
      INSERT INTO workloads (org_id, cluster_id, namespace_id, kind, name, uid, owner_chain, replicas, pod_count, projection_id,
                             last_seen_at, deleted_at)
      SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, n.id, r.kind::workload_kind, r.name, r.uid, r.owner_chain, r.replicas,
             r.pod_count, p.id, now(), NULL
      FROM json_to_recordset(${JSON.stringify(rows)}::json)
        AS r(uid uuid, kind text, namespace text, name text, owner_chain jsonb, replicas integer, pod_count integer, projection_hash text)
      JOIN namespaces n ON n.org_id = ${scope.orgId}::uuid AND n.cluster_id = ${scope.clusterId}::uuid AND n.name = r.namespace
      JOIN security_projections p ON p.org_id = ${scope.orgId}::uuid AND p.content_hash = r.projection_hash
      ON CONFLICT (org_id, cluster_id, namespace_id, kind, name) DO UPDATE
      SET uid = EXCLUDED.uid, owner_chain = EXCLUDED.owner_chain, replicas = EXCLUDED.replicas, pod_count = EXCLUDED.pod_count,
          projection_id = EXCLUDED.projection_id, last_seen_at = EXCLUDED.last_seen_at, deleted_at = NULL, updated_at = now()`;
  }

  private async upsertPods(tx: Transaction, scope: IngestScope, pods: readonly InventoryPod[]): Promise<number> {
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
      INSERT INTO pods (org_id, cluster_id, namespace_id, name, uid, workload_uid, projection_id, phase, last_seen_at)
      SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, n.id, r.name, r.uid, r.workload_uid, p.id, r.phase::pod_phase, now()
      FROM json_to_recordset(${JSON.stringify(rows)}::json)
        AS r(uid uuid, namespace text, name text, workload_uid uuid, projection_hash text, phase text)
      JOIN namespaces n ON n.org_id = ${scope.orgId}::uuid AND n.cluster_id = ${scope.clusterId}::uuid AND n.name = r.namespace
      JOIN security_projections p ON p.org_id = ${scope.orgId}::uuid AND p.content_hash = r.projection_hash
      ON CONFLICT (org_id, cluster_id, uid) DO UPDATE
      SET namespace_id = EXCLUDED.namespace_id, name = EXCLUDED.name, workload_uid = EXCLUDED.workload_uid,
          projection_id = EXCLUDED.projection_id, phase = EXCLUDED.phase, last_seen_at = EXCLUDED.last_seen_at, updated_at = now()`;
  }

  /** A delta's deletes by uid: namespaces and workloads are marked deleted, pods removed. */
  async delete(tx: Transaction, scope: IngestScope, deletes: InventoryDeletes): Promise<DeletedInventory> {
    if (deletes.namespaces.length + deletes.workloads.length + deletes.pods.length === 0) {
      return { namespaces: 0, workloads: 0, pods: 0, namespaceNames: [] };
    }
    const rows = await tx.$queryRaw<{ list: 'namespaces' | 'workloads' | 'pods'; name: string }[]>`
      WITH gone_namespaces AS (
        UPDATE namespaces SET deleted_at = now(), updated_at = now()
        WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND uid = ANY(${deletes.namespaces}::uuid[])
          AND deleted_at IS NULL
        RETURNING name
      ), gone_workloads AS (
        UPDATE workloads w SET deleted_at = now(), updated_at = now()
        FROM namespaces n
        WHERE w.org_id = ${scope.orgId}::uuid AND w.cluster_id = ${scope.clusterId}::uuid AND w.uid = ANY(${deletes.workloads}::uuid[])
          AND w.deleted_at IS NULL AND n.org_id = w.org_id AND n.id = w.namespace_id
        RETURNING n.name
      ), gone_pods AS (
        DELETE FROM pods p USING namespaces n
        WHERE p.org_id = ${scope.orgId}::uuid AND p.cluster_id = ${scope.clusterId}::uuid AND p.uid = ANY(${deletes.pods}::uuid[])
          AND n.org_id = p.org_id AND n.id = p.namespace_id
        RETURNING n.name
      )
      SELECT 'namespaces' AS list, name FROM gone_namespaces
      UNION ALL SELECT 'workloads', name FROM gone_workloads
      UNION ALL SELECT 'pods', name FROM gone_pods`;
    const count = (list: string) => rows.filter((row) => row.list === list).length;
    return {
      namespaces: count('namespaces'),
      workloads: count('workloads'),
      pods: count('pods'),
      namespaceNames: [...new Set(rows.map((row) => row.name))].sort(byText),
    };
  }

  /**
   * The end of a resync: the cluster's objects not seen since the sync started are gone. Namespaces and
   * workloads are marked deleted (findings keep their history), pods removed.
   */
  async sweep(tx: Transaction, scope: IngestScope, seenSince: Date): Promise<InventoryCounts> {
    const rows = await tx.$queryRaw<InventoryCounts[]>`
      WITH gone_namespaces AS (
        UPDATE namespaces SET deleted_at = now(), updated_at = now()
        WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND deleted_at IS NULL
          AND last_seen_at < ${seenSince}::timestamptz
        RETURNING 1
      ), gone_workloads AS (
        UPDATE workloads SET deleted_at = now(), updated_at = now()
        WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND deleted_at IS NULL
          AND last_seen_at < ${seenSince}::timestamptz
        RETURNING 1
      ), gone_pods AS (
        DELETE FROM pods
        WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND last_seen_at < ${seenSince}::timestamptz
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM gone_namespaces)::integer AS namespaces,
             (SELECT count(*) FROM gone_workloads)::integer AS workloads,
             (SELECT count(*) FROM gone_pods)::integer AS pods`;
    return rows[0]!;
  }
}
