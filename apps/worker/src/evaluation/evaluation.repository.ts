import type { PssLevel, TenantScope, Transaction } from '@ratchet/db';

/** A stored projection, as the evaluator reads it. */
export interface StoredProjection {
  id: string;
  projection: unknown;
}

/** One failing check as stored in projection_evaluations.checks. */
export interface StoredCheck {
  id: string;
  reason: string;
  detail: string;
}

/** One verdict to store or read: a projection at one level and concrete version. */
export interface ProjectionVerdict {
  projectionId: string;
  level: PssLevel;
  version: string;
  allowed: boolean;
  checks: StoredCheck[];
}

/** Projections waiting for evaluation (null evaluated_at), oldest first, at most `limit`. */
export async function pendingProjections(tx: Transaction, scope: TenantScope, limit: number): Promise<StoredProjection[]> {
  return tx.$queryRaw<StoredProjection[]>`
    SELECT id, projection FROM security_projections
    WHERE org_id = ${scope.orgId}::uuid AND evaluated_at IS NULL
    ORDER BY created_at, id
    LIMIT ${limit}::integer`;
}

/** The projections with these ids. */
export async function readProjections(tx: Transaction, scope: TenantScope, ids: readonly string[]): Promise<StoredProjection[]> {
  if (ids.length === 0) return [];
  return tx.$queryRaw<StoredProjection[]>`
    SELECT id, projection FROM security_projections WHERE org_id = ${scope.orgId}::uuid AND id = ANY(${[...ids]}::uuid[])`;
}

/** Every version label (enforce, audit, warn) a live namespace of the organization pins, raw. */
export async function pinnedVersionLabels(tx: Transaction, scope: TenantScope): Promise<string[]> {
  const rows = await tx.$queryRaw<{ label: string }[]>`
    SELECT DISTINCT v AS label FROM namespaces n
    CROSS JOIN LATERAL unnest(ARRAY[n.enforce_version, n.audit_version, n.warn_version]) AS v
    WHERE n.org_id = ${scope.orgId}::uuid AND n.deleted_at IS NULL AND v IS NOT NULL`;
  return rows.map((row) => row.label);
}

/** The apiserver gitVersion of each cluster of the organization that sent one. */
export async function clusterGitVersions(tx: Transaction, scope: TenantScope): Promise<string[]> {
  const rows = await tx.$queryRaw<{ kubernetes_version: string }[]>`
    SELECT kubernetes_version FROM clusters WHERE org_id = ${scope.orgId}::uuid AND kubernetes_version IS NOT NULL`;
  return rows.map((row) => row.kubernetes_version);
}

/** The stored verdicts of these projections at these levels and concrete versions. */
export async function readVerdicts(
  tx: Transaction,
  scope: TenantScope,
  projectionIds: readonly string[],
  versions: readonly string[],
): Promise<ProjectionVerdict[]> {
  if (projectionIds.length === 0 || versions.length === 0) return [];
  const rows = await tx.$queryRaw<{ projection_id: string; level: PssLevel; version: string; allowed: boolean; checks: StoredCheck[] }[]>`
    SELECT projection_id, level::text AS level, version, allowed, checks FROM projection_evaluations
    WHERE org_id = ${scope.orgId}::uuid AND projection_id = ANY(${[...projectionIds]}::uuid[]) AND version = ANY(${[...versions]}::text[])`;
  return rows.map((row) => ({ projectionId: row.projection_id, level: row.level, version: row.version, allowed: row.allowed, checks: row.checks }));
}

/**
 * Stores verdicts; one already stored (same projection, level and version) is kept, since the evaluator is pure
 * and its verdict the same, so a retried job writes nothing twice.
 */
export async function insertVerdicts(tx: Transaction, scope: TenantScope, verdicts: readonly ProjectionVerdict[], at: Date): Promise<number> {
  if (verdicts.length === 0) return 0;
  const rows = verdicts.map((v) => ({ projection_id: v.projectionId, level: v.level, version: v.version, allowed: v.allowed, checks: v.checks }));
  return tx.$executeRaw`
    INSERT INTO projection_evaluations (org_id, projection_id, level, version, allowed, checks, evaluated_at)
    SELECT ${scope.orgId}::uuid, r.projection_id, r.level::pss_level, r.version, r.allowed, r.checks, ${at}::timestamptz
    FROM json_to_recordset(${JSON.stringify(rows)}::json)
      AS r(projection_id uuid, level text, version text, allowed boolean, checks jsonb)
    ORDER BY r.projection_id, r.level, r.version
    ON CONFLICT (org_id, projection_id, level, version) DO NOTHING`;
}

/** Sets evaluated_at of projections that had none. */
export async function markProjectionsEvaluated(tx: Transaction, scope: TenantScope, ids: readonly string[], at: Date): Promise<number> {
  if (ids.length === 0) return 0;
  return tx.$executeRaw`
    UPDATE security_projections SET evaluated_at = ${at}::timestamptz
    WHERE org_id = ${scope.orgId}::uuid AND id = ANY(${[...ids]}::uuid[]) AND evaluated_at IS NULL`;
}
