import type { AuditSource, PssLevel, ReadinessStatus } from '../generated/prisma/client.js';
import type { ClusterScope, TenantScope } from '../scope.js';
import type { Transaction } from '../tenant-transaction.js';

/** A workload that would be rejected if the namespace enforced the level. */
export interface BlockingWorkload {
  workloadId: string;
  kind: string;
  name: string;
  checks: string[];
}

/** The readiness of one namespace for one level at one version, as the worker computes it. */
export interface NamespaceReadinessInput {
  namespaceId: string;
  level: PssLevel;
  /** The namespace's enforce-version, else "latest". */
  version: string;
  status: ReadinessStatus;
  /** The namespace already enforces this level and something in it fails it. */
  atRisk: boolean;
  blockingWorkloads: readonly BlockingWorkload[];
  auditViolationCount: number;
  windowDays: number;
  /** `ready` that is not firm: observed for less than the window, or no audit source. */
  provisional: boolean;
  observedSince: Date;
  auditSource: AuditSource | null;
  /** What PSA enforces in the namespace (level) and why (label, default, fallback, exempt). */
  enforceLevel: string;
  enforceSource: string;
  exempt: boolean;
  /** Audit annotations contradicting the cluster's PSA configuration: [{ namespace, kind, expected, observed, events, lastSeenAt }]. */
  psaContradictions: readonly PsaContradictionRecord[];
}

/** An audit annotation that contradicts the cluster's PSA configuration (stored as JSON, timestamps as ISO text). */
export interface PsaContradictionRecord {
  namespace: string;
  kind: 'enforce-policy' | 'exempt-namespace' | 'exempt-username';
  expected: string;
  observed: string;
  events: number;
  lastSeenAt: string;
}

/** A stored readiness row. */
export interface NamespaceReadinessRow extends NamespaceReadinessInput {
  computedAt: Date;
}

/**
 * Stores readiness rows (one per namespace, level and version; a row computed again replaces the old one) at
 * `computedAt`. Every namespace must belong to the cluster: a row of another cluster's namespace is refused.
 */
export async function upsertNamespaceReadiness(
  tx: Transaction,
  scope: ClusterScope,
  rows: readonly NamespaceReadinessInput[],
  computedAt: Date,
): Promise<number> {
  if (rows.length === 0) return 0;
  const records = rows.map((row) => ({
    namespace_id: row.namespaceId,
    level: row.level,
    version: row.version,
    status: row.status,
    at_risk: row.atRisk,
    blocking_workload_count: row.blockingWorkloads.length,
    blocking_workloads: row.blockingWorkloads,
    audit_violation_count: row.auditViolationCount,
    window_days: row.windowDays,
    provisional: row.provisional,
    observed_since: row.observedSince.toISOString(),
    audit_source: row.auditSource,
    enforce_level: row.enforceLevel,
    enforce_source: row.enforceSource,
    exempt: row.exempt,
    psa_contradictions: row.psaContradictions,
  }));
  const stored = await tx.$executeRaw`
    INSERT INTO namespace_readiness (org_id, cluster_id, namespace_id, level, version, status, at_risk, blocking_workload_count,
                                     blocking_workloads, audit_violation_count, window_days, computed_at,
                                     provisional, observed_since, audit_source, enforce_level, enforce_source, exempt, psa_contradictions)
    SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, n.id, r.level::pss_level, r.version, r.status::readiness_status, r.at_risk,
           r.blocking_workload_count, r.blocking_workloads, r.audit_violation_count, r.window_days, ${computedAt}::timestamptz,
           r.provisional, r.observed_since, r.audit_source::audit_source, r.enforce_level, r.enforce_source, r.exempt, r.psa_contradictions
    FROM json_to_recordset(${JSON.stringify(records)}::json)
      AS r(namespace_id uuid, level text, version text, status text, at_risk boolean, blocking_workload_count integer,
           blocking_workloads jsonb, audit_violation_count integer, window_days integer, provisional boolean, observed_since timestamptz,
           audit_source text, enforce_level text, enforce_source text, exempt boolean, psa_contradictions jsonb)
    JOIN namespaces n ON n.org_id = ${scope.orgId}::uuid AND n.cluster_id = ${scope.clusterId}::uuid AND n.id = r.namespace_id
    ORDER BY n.id, r.level, r.version
    ON CONFLICT (org_id, namespace_id, level, version) DO UPDATE
    SET status = EXCLUDED.status, at_risk = EXCLUDED.at_risk, blocking_workload_count = EXCLUDED.blocking_workload_count,
        blocking_workloads = EXCLUDED.blocking_workloads, audit_violation_count = EXCLUDED.audit_violation_count,
        window_days = EXCLUDED.window_days, computed_at = EXCLUDED.computed_at, provisional = EXCLUDED.provisional,
        observed_since = EXCLUDED.observed_since, audit_source = EXCLUDED.audit_source, enforce_level = EXCLUDED.enforce_level,
        enforce_source = EXCLUDED.enforce_source, exempt = EXCLUDED.exempt, psa_contradictions = EXCLUDED.psa_contradictions`;
  if (stored !== rows.length) {
    throw new Error(`namespace readiness: ${rows.length - stored} of ${rows.length} rows name a namespace outside cluster ${scope.clusterId}`);
  }
  return stored;
}

/** The stored readiness rows of the namespaces, every level and version, by namespace id then level and version. */
export async function readNamespaceReadiness(tx: Transaction, scope: TenantScope, namespaceIds: readonly string[]): Promise<NamespaceReadinessRow[]> {
  if (namespaceIds.length === 0) return [];
  const rows = await tx.$queryRaw<
    {
      namespace_id: string;
      level: PssLevel;
      version: string;
      status: ReadinessStatus;
      at_risk: boolean;
      blocking_workloads: BlockingWorkload[];
      audit_violation_count: number;
      window_days: number;
      computed_at: Date;
      provisional: boolean;
      observed_since: Date | null;
      audit_source: AuditSource | null;
      enforce_level: string | null;
      enforce_source: string | null;
      exempt: boolean;
      psa_contradictions: PsaContradictionRecord[];
    }[]
  >`
    SELECT namespace_id, level::text AS level, version, status::text AS status, at_risk, blocking_workloads, audit_violation_count,
           window_days, computed_at, provisional, observed_since, audit_source::text AS audit_source, enforce_level, enforce_source, exempt,
           psa_contradictions
    FROM namespace_readiness
    WHERE org_id = ${scope.orgId}::uuid AND namespace_id = ANY(${[...namespaceIds]}::uuid[])
    ORDER BY namespace_id, level, version`;
  return rows.map((row) => ({
    namespaceId: row.namespace_id,
    level: row.level,
    version: row.version,
    status: row.status,
    atRisk: row.at_risk,
    blockingWorkloads: row.blocking_workloads,
    auditViolationCount: row.audit_violation_count,
    windowDays: row.window_days,
    computedAt: row.computed_at,
    provisional: row.provisional,
    // Rows stored before these columns existed: observed since they were computed, as far as they say.
    observedSince: row.observed_since ?? row.computed_at,
    auditSource: row.audit_source,
    enforceLevel: row.enforce_level ?? 'privileged',
    enforceSource: row.enforce_source ?? 'default',
    exempt: row.exempt,
    psaContradictions: row.psa_contradictions,
  }));
}
