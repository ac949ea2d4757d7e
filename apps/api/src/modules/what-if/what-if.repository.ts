import { Injectable } from '@nestjs/common';
import { withTenant } from '@ratchet/db';
import type { PssLevel, Transaction } from '@ratchet/db';

import { Database } from '../../infra/database.provider.js';

/** The cluster as a what-if needs it. */
export interface WhatIfCluster {
  id: string;
  kubernetesVersion: string | null;
  readinessWindowDays: number;
}

/** A namespace of the cluster; `reported` is false for a placeholder the agent has not reported itself. */
export interface WhatIfNamespaceRow {
  id: string;
  name: string;
  reported: boolean;
  enforceLevel: string | null;
  enforceVersion: string | null;
  firstSeenAt: Date;
}

/** A live top-level workload. */
export interface WhatIfWorkloadRow {
  id: string;
  uid: string;
  namespaceId: string;
  kind: string;
  name: string;
  projectionId: string;
}

/** A pod, keyed to its top-level workload. */
export interface WhatIfPodRow {
  name: string;
  namespaceId: string;
  topLevelWorkloadUid: string;
  projectionId: string;
}

/** One failing check as the worker stores it in projection_evaluations.checks. */
export interface StoredCheck {
  id: string;
  reason: string;
  detail: string;
}

/** A stored verdict of a projection at one level and concrete version. */
export interface StoredVerdict {
  projectionId: string;
  level: PssLevel;
  version: string;
  checks: StoredCheck[];
}

/** The live namespaces, workloads and pods of a cluster (or of some of its namespaces). */
export interface InventorySnapshot {
  namespaces: WhatIfNamespaceRow[];
  workloads: WhatIfWorkloadRow[];
  pods: WhatIfPodRow[];
}

async function selectNamespaces(tx: Transaction, orgId: string, clusterId: string, names: readonly string[] | 'all'): Promise<WhatIfNamespaceRow[]> {
  const rows = await tx.$queryRaw<
    { id: string; name: string; reported: boolean; enforce_level: string | null; enforce_version: string | null; first_seen_at: Date }[]
  >`
    SELECT id, name, (uid IS NOT NULL) AS reported, enforce_level, enforce_version, first_seen_at FROM namespaces
    WHERE org_id = ${orgId}::uuid AND cluster_id = ${clusterId}::uuid AND deleted_at IS NULL
      AND (${names === 'all'} OR name = ANY(${names === 'all' ? [] : [...names]}::text[]))
    ORDER BY name COLLATE "C"`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    reported: r.reported,
    enforceLevel: r.enforce_level,
    enforceVersion: r.enforce_version,
    firstSeenAt: r.first_seen_at,
  }));
}

/**
 * Reads for what-if, gate and drift: the inventory the agent reported and the verdicts the worker stored. Verdicts
 * the API evaluates on demand are stored too (the evaluator is pure: a verdict stored by either is the same).
 */
@Injectable()
export class WhatIfRepository {
  constructor(private readonly database: Database) {}

  async cluster(orgId: string, clusterId: string): Promise<WhatIfCluster | null> {
    const [row] = await withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<{ id: string; kubernetes_version: string | null; readiness_window_days: number }[]>`
        SELECT c.id, c.kubernetes_version, o.readiness_window_days FROM clusters c JOIN organizations o ON o.id = c.org_id
        WHERE c.org_id = ${orgId}::uuid AND c.id = ${clusterId}::uuid`,
    );
    return row ? { id: row.id, kubernetesVersion: row.kubernetes_version, readinessWindowDays: row.readiness_window_days } : null;
  }

  /**
   * The cluster's live namespaces (all, or those named), their live top-level workloads (scaled-to-zero ones and
   * CronJobs included: their templates count) and the pods of those namespaces, in one snapshot.
   */
  async snapshot(orgId: string, clusterId: string, names: readonly string[] | 'all'): Promise<InventorySnapshot> {
    return withTenant(this.database.client, orgId, async (tx) => {
      const namespaces = await selectNamespaces(tx, orgId, clusterId, names);
      const ids = namespaces.filter((n) => n.reported).map((n) => n.id);
      if (ids.length === 0) return { namespaces, workloads: [], pods: [] };
      const workloads = await tx.$queryRaw<{ id: string; uid: string; namespace_id: string; kind: string; name: string; projection_id: string }[]>`
        SELECT id, uid, namespace_id, kind::text AS kind, name, projection_id FROM workloads
        WHERE org_id = ${orgId}::uuid AND cluster_id = ${clusterId}::uuid AND namespace_id = ANY(${ids}::uuid[])
          AND deleted_at IS NULL AND uid = top_level_uid`;
      const pods = await tx.$queryRaw<{ name: string; namespace_id: string; top_level_workload_uid: string; projection_id: string }[]>`
        SELECT name, namespace_id, top_level_workload_uid, projection_id FROM pods
        WHERE org_id = ${orgId}::uuid AND cluster_id = ${clusterId}::uuid AND namespace_id = ANY(${ids}::uuid[])`;
      return {
        namespaces,
        workloads: workloads.map((w) => ({ id: w.id, uid: w.uid, namespaceId: w.namespace_id, kind: w.kind, name: w.name, projectionId: w.projection_id })),
        pods: pods.map((p) => ({ name: p.name, namespaceId: p.namespace_id, topLevelWorkloadUid: p.top_level_workload_uid, projectionId: p.projection_id })),
      };
    });
  }

  /** The stored verdicts of these projections at one level and these concrete versions. */
  async verdicts(orgId: string, projectionIds: readonly string[], level: PssLevel, versions: readonly string[]): Promise<StoredVerdict[]> {
    if (projectionIds.length === 0 || versions.length === 0) return [];
    const rows = await withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<{ projection_id: string; version: string; checks: StoredCheck[] }[]>`
        SELECT projection_id, version, checks FROM projection_evaluations
        WHERE org_id = ${orgId}::uuid AND projection_id = ANY(${[...projectionIds]}::uuid[])
          AND level = ${level}::pss_level AND version = ANY(${[...versions]}::text[])`,
    );
    return rows.map((r) => ({ projectionId: r.projection_id, level, version: r.version, checks: r.checks }));
  }

  /** The stored projections with these ids, as the evaluator reads them. */
  async projections(orgId: string, ids: readonly string[]): Promise<Map<string, unknown>> {
    if (ids.length === 0) return new Map();
    const rows = await withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<{ id: string; projection: unknown }[]>`
        SELECT id, projection FROM security_projections WHERE org_id = ${orgId}::uuid AND id = ANY(${[...ids]}::uuid[])`,
    );
    return new Map(rows.map((r) => [r.id, r.projection]));
  }

  /** Stores verdicts evaluated on demand; one already stored is kept (same pure evaluator, same verdict). */
  async storeVerdicts(orgId: string, verdicts: readonly StoredVerdict[], at: Date): Promise<void> {
    if (verdicts.length === 0) return;
    const rows = verdicts.map((v) => ({ projection_id: v.projectionId, level: v.level, version: v.version, allowed: v.checks.length === 0, checks: v.checks }));
    await withTenant(this.database.client, orgId, (tx) => tx.$executeRaw`
      INSERT INTO projection_evaluations (org_id, projection_id, level, version, allowed, checks, evaluated_at)
      SELECT ${orgId}::uuid, r.projection_id, r.level::pss_level, r.version, r.allowed, r.checks, ${at}::timestamptz
      FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(projection_id uuid, level text, version text, allowed boolean, checks jsonb)
      ORDER BY r.projection_id, r.level, r.version
      ON CONFLICT (org_id, projection_id, level, version) DO NOTHING`);
  }
}
