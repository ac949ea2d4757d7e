import type { AuditSource, PssLevel, ReadinessStatus } from '../generated/prisma/client.js';
import type { ClusterScope, TenantScope } from '../scope.js';
import type { Transaction } from '../tenant-transaction.js';

/**
 * Audit-mode violations within the readiness window that PSA reported on a controller (the workload itself, or a
 * controller in its owner chain such as a Deployment's ReplicaSet), attached to the top-level workload.
 */
export interface BlockingWorkloadAudit {
  /** Always `audit`: these checks come from `audit-violations` annotations, not from the inventory. */
  source: 'audit';
  /** Violations counted (events, dry runs and exempt users left out). */
  violations: number;
  /** Check ids parsed from the annotations (PSA's reason where the id is unknown), sorted. */
  checks: string[];
  /** Of `violations`, how many annotations could not be parsed (they block without naming checks). */
  unparsed: number;
  /** The newest of these violations, ISO 8601. */
  lastSeenAt: string;
  /** The controllers the events named, `Kind/name`, sorted. */
  objects: string[];
}

/**
 * A workload that would be rejected if the namespace enforced the level: its template or a pod behind it fails
 * (`checks`), or audit-mode violations reported on it or on a controller it owns block the level (`audit`), or both.
 */
export interface BlockingWorkload {
  workloadId: string;
  kind: string;
  name: string;
  /** Checks its template or a pod behind it fails at level@version (from the inventory); [] when only audit blocks. */
  checks: string[];
  audit?: BlockingWorkloadAudit;
}

/** Audit-mode violations naming a controller that is not live in the inventory: a namespace-level block, named. */
export interface AuditControllerBlock {
  kind: string;
  name: string;
  violations: number;
  checks: string[];
  unparsed: number;
  lastSeenAt: string;
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
  /**
   * Workloads blocking the level. `blocking_workload_count` counts those whose template or pods fail (`checks` not
   * empty): the ones a rollout would have rejected; audit-only entries block through `auditViolationCount`.
   */
  blockingWorkloads: readonly BlockingWorkload[];
  auditViolationCount: number;
  /** Audit-mode violations (counted in `auditViolationCount`) naming controllers not live in the inventory. */
  auditControllerBlocks: readonly AuditControllerBlock[];
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
  /**
   * When the newest audit-mode violation that blocks this level leaves the readiness window (its time + window);
   * null when no audit violation blocks it. Past this time a `blocked` row without blocking workloads is stale.
   */
  auditBlockedUntil: Date | null;
  /** When the oldest audit event this row counted leaves the window; null when it counted none. */
  recomputeDueAt: Date | null;
}

/** An audit annotation that contradicts the cluster's PSA configuration (stored as JSON, timestamps as ISO text). */
export interface PsaContradictionRecord {
  namespace: string;
  kind: 'enforce-policy' | 'exempt-namespace' | 'exempt-username' | 'unexpected-exemption';
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
    // Audit-only entries are not counted: a row blocked only by audit violations expires with them (auditBlockedUntil).
    blocking_workload_count: row.blockingWorkloads.filter((w) => w.checks.length > 0).length,
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
    audit_blocked_until: row.auditBlockedUntil?.toISOString() ?? null,
    recompute_due_at: row.recomputeDueAt?.toISOString() ?? null,
    audit_controller_blocks: row.auditControllerBlocks,
  }));
  const stored = await tx.$executeRaw`
    INSERT INTO namespace_readiness (org_id, cluster_id, namespace_id, level, version, status, at_risk, blocking_workload_count,
                                     blocking_workloads, audit_violation_count, window_days, computed_at,
                                     provisional, observed_since, audit_source, enforce_level, enforce_source, exempt, psa_contradictions,
                                     audit_blocked_until, recompute_due_at, audit_controller_blocks)
    SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, n.id, r.level::pss_level, r.version, r.status::readiness_status, r.at_risk,
           r.blocking_workload_count, r.blocking_workloads, r.audit_violation_count, r.window_days, ${computedAt}::timestamptz,
           r.provisional, r.observed_since, r.audit_source::audit_source, r.enforce_level, r.enforce_source, r.exempt, r.psa_contradictions,
           r.audit_blocked_until, r.recompute_due_at, coalesce(r.audit_controller_blocks, '[]'::jsonb)
    FROM json_to_recordset(${JSON.stringify(records)}::json)
      AS r(namespace_id uuid, level text, version text, status text, at_risk boolean, blocking_workload_count integer,
           blocking_workloads jsonb, audit_violation_count integer, window_days integer, provisional boolean, observed_since timestamptz,
           audit_source text, enforce_level text, enforce_source text, exempt boolean, psa_contradictions jsonb,
           audit_blocked_until timestamptz, recompute_due_at timestamptz, audit_controller_blocks jsonb)
    JOIN namespaces n ON n.org_id = ${scope.orgId}::uuid AND n.cluster_id = ${scope.clusterId}::uuid AND n.id = r.namespace_id
    ORDER BY n.id, r.level, r.version
    ON CONFLICT (org_id, namespace_id, level, version) DO UPDATE
    SET status = EXCLUDED.status, at_risk = EXCLUDED.at_risk, blocking_workload_count = EXCLUDED.blocking_workload_count,
        blocking_workloads = EXCLUDED.blocking_workloads, audit_violation_count = EXCLUDED.audit_violation_count,
        window_days = EXCLUDED.window_days, computed_at = EXCLUDED.computed_at, provisional = EXCLUDED.provisional,
        observed_since = EXCLUDED.observed_since, audit_source = EXCLUDED.audit_source, enforce_level = EXCLUDED.enforce_level,
        enforce_source = EXCLUDED.enforce_source, exempt = EXCLUDED.exempt, psa_contradictions = EXCLUDED.psa_contradictions,
        audit_blocked_until = EXCLUDED.audit_blocked_until, recompute_due_at = EXCLUDED.recompute_due_at,
        audit_controller_blocks = EXCLUDED.audit_controller_blocks`;
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
      audit_blocked_until: Date | null;
      recompute_due_at: Date | null;
      audit_controller_blocks: AuditControllerBlock[];
    }[]
  >`
    SELECT namespace_id, level::text AS level, version, status::text AS status, at_risk, blocking_workloads, audit_violation_count,
           window_days, computed_at, provisional, observed_since, audit_source::text AS audit_source, enforce_level, enforce_source, exempt,
           psa_contradictions, audit_blocked_until, recompute_due_at, audit_controller_blocks
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
    auditBlockedUntil: row.audit_blocked_until,
    recomputeDueAt: row.recompute_due_at,
    auditControllerBlocks: row.audit_controller_blocks,
  }));
}

/**
 * Marks for readiness (inventory_marks, subject `namespace`) every namespace of the organization with a stored
 * readiness row whose `recompute_due_at` is at or before `now`: an audit event it counted has left the readiness
 * window since. Returns the clusters that got marks, to queue `recompute-readiness` for. Marking twice is harmless
 * (the generation is bumped), so a tick that repeats, or whose enqueue failed, is made good by the next one.
 */
export async function markReadinessDue(tx: Transaction, scope: TenantScope, now: Date): Promise<{ clusterId: string; namespaces: number }[]> {
  const rows = await tx.$queryRaw<{ cluster_id: string }[]>`
    WITH due AS (
      SELECT DISTINCT r.cluster_id, r.namespace_id FROM namespace_readiness r
      WHERE r.org_id = ${scope.orgId}::uuid AND r.recompute_due_at IS NOT NULL AND r.recompute_due_at <= ${now}::timestamptz
    )
    INSERT INTO inventory_marks AS m (org_id, cluster_id, subject, subject_id)
    SELECT ${scope.orgId}::uuid, d.cluster_id, 'namespace'::inventory_mark_subject, d.namespace_id FROM due d
    ORDER BY d.cluster_id, d.namespace_id
    ON CONFLICT (org_id, cluster_id, subject, subject_id) DO UPDATE SET generation = m.generation + 1, marked_at = now()
    RETURNING m.cluster_id`;
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.cluster_id, (counts.get(row.cluster_id) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([clusterId, namespaces]) => ({ clusterId, namespaces }));
}
