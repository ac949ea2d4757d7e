import type { AlertSeverity, AlertTrigger, LabelSelector } from '@ratchet/contracts';
import { Prisma } from '@ratchet/db';
import type { ClusterScope, PssLevel, Transaction } from '@ratchet/db';

/** An enabled rule with the ids of its enabled channels. */
export interface AlertRuleRow {
  id: string;
  name: string;
  trigger: AlertTrigger;
  parameters: { level?: 'baseline' | 'restricted' | null; silentMinutes?: number | null };
  minSeverity: AlertSeverity;
  clusterIds: string[];
  includeNamespaces: string[];
  excludeNamespaces: string[];
  labelSelector: LabelSelector | null;
  cooldownMinutes: number;
  createdAt: Date;
  channelIds: string[];
}

export interface AlertClusterRow {
  id: string;
  name: string;
  lastSeenAt: Date | null;
  auditSource: string | null;
  /** `psa_configuration.defaults.enforce` from the last heartbeat; null while unknown. */
  defaultEnforce: string | null;
  readinessWindowDays: number;
}

export interface AlertNamespaceRow {
  id: string;
  name: string;
  enforceLevel: string | null;
  enforceVersion: string | null;
  auditLevel: string | null;
  auditVersion: string | null;
  warnLevel: string | null;
  warnVersion: string | null;
  /**
   * When Ratchet first saw it (not its creation time: audit events from before the agent was installed were never
   * seen, so an older namespace is still only observed since then).
   */
  observedSince: Date;
}

export interface AlertReadinessRow {
  namespaceId: string;
  level: PssLevel;
  version: string;
  status: 'ready' | 'blocked' | 'unknown';
  atRisk: boolean;
  blockingWorkloadCount: number;
  auditViolationCount: number;
}

export interface AlertFindingRow {
  fingerprint: string;
  namespaceId: string;
  workloadKind: string;
  workloadName: string;
  level: PssLevel;
  version: string;
  checkId: string;
  message: string;
  firstSeenAt: Date;
}

export interface AlertStateRow {
  id: string;
  ruleId: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
  severity: AlertSeverity;
  namespaceName: string | null;
  summary: string;
  detail: Record<string, unknown>;
  firstFiredAt: Date;
  lastFiredAt: Date;
  lastNotifiedAt: Date | null;
  notified: boolean;
}

/** The organization's enabled rules with these triggers, each with its enabled channels. */
export async function readEnabledRules(tx: Transaction, orgId: string, triggers: readonly AlertTrigger[]): Promise<AlertRuleRow[]> {
  const rules = await tx.alertRule.findMany({
    where: { orgId, enabled: true, trigger: { in: [...triggers] } },
    include: { channels: { where: { channel: { enabled: true } }, select: { channelId: true } } },
    orderBy: { id: 'asc' },
  });
  return rules.map((rule) => ({
    id: rule.id,
    name: rule.name,
    trigger: rule.trigger,
    parameters: (rule.parameters ?? {}) as AlertRuleRow['parameters'],
    minSeverity: rule.minSeverity,
    clusterIds: rule.clusterIds,
    includeNamespaces: rule.includeNamespaces,
    excludeNamespaces: rule.excludeNamespaces,
    labelSelector: (rule.labelSelector ?? null) as LabelSelector | null,
    cooldownMinutes: rule.cooldownMinutes,
    createdAt: rule.createdAt,
    channelIds: rule.channels.map((c) => c.channelId),
  }));
}

/** The organization's clusters (all, or one), with what the triggers read of them. */
export async function readAlertClusters(tx: Transaction, orgId: string, clusterId?: string): Promise<AlertClusterRow[]> {
  const rows = await tx.$queryRaw<
    { id: string; name: string; last_seen_at: Date | null; audit_source: string | null; default_enforce: string | null; readiness_window_days: number }[]
  >`
    SELECT c.id, c.name, c.last_seen_at, c.audit_source::text AS audit_source,
           c.psa_configuration #>> '{defaults,enforce}' AS default_enforce, o.readiness_window_days
    FROM clusters c JOIN organizations o ON o.id = c.org_id
    WHERE c.org_id = ${orgId}::uuid ${clusterId === undefined ? Prisma.empty : Prisma.sql`AND c.id = ${clusterId}::uuid`}
    ORDER BY c.id`;
  return rows.map((r) => ({
      id: r.id,
      name: r.name,
      lastSeenAt: r.last_seen_at,
      auditSource: r.audit_source,
      defaultEnforce: r.default_enforce,
      readinessWindowDays: r.readiness_window_days,
    }));
}

/** The cluster's live namespaces the agent reported. */
export async function readAlertNamespaces(tx: Transaction, scope: ClusterScope): Promise<AlertNamespaceRow[]> {
  const rows = await tx.$queryRaw<
    {
      id: string;
      name: string;
      enforce_level: string | null;
      enforce_version: string | null;
      audit_level: string | null;
      audit_version: string | null;
      warn_level: string | null;
      warn_version: string | null;
      observed_since: Date;
    }[]
  >`
    SELECT id, name, enforce_level, enforce_version, audit_level, audit_version, warn_level, warn_version,
           first_seen_at AS observed_since
    FROM namespaces
    WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND uid IS NOT NULL AND deleted_at IS NULL
    ORDER BY name`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    enforceLevel: r.enforce_level,
    enforceVersion: r.enforce_version,
    auditLevel: r.audit_level,
    auditVersion: r.audit_version,
    warnLevel: r.warn_level,
    warnVersion: r.warn_version,
    observedSince: r.observed_since,
  }));
}

/** The cluster's stored readiness rows. */
export async function readAlertReadiness(tx: Transaction, scope: ClusterScope): Promise<AlertReadinessRow[]> {
  const rows = await tx.namespaceReadiness.findMany({
    where: { orgId: scope.orgId, clusterId: scope.clusterId },
    select: { namespaceId: true, level: true, version: true, status: true, atRisk: true, blockingWorkloadCount: true, auditViolationCount: true },
  });
  return rows;
}

/** The cluster's open findings first seen at or after `since`. */
export async function readOpenFindingsSince(tx: Transaction, scope: ClusterScope, since: Date): Promise<AlertFindingRow[]> {
  return tx.finding.findMany({
    where: { orgId: scope.orgId, clusterId: scope.clusterId, status: 'open', firstSeenAt: { gte: since } },
    select: { fingerprint: true, namespaceId: true, workloadKind: true, workloadName: true, level: true, version: true, checkId: true, message: true, firstSeenAt: true },
    orderBy: [{ namespaceName: 'asc' }, { workloadName: 'asc' }, { checkId: 'asc' }],
  });
}

/** The readiness each namespace and level had at the last alert evaluation. */
export async function readReadinessObservations(tx: Transaction, scope: ClusterScope): Promise<Map<string, string>> {
  const rows = await tx.alertReadinessObservation.findMany({
    where: { orgId: scope.orgId, clusterId: scope.clusterId },
    select: { namespaceId: true, level: true, status: true },
  });
  return new Map(rows.map((r) => [`${r.namespaceId}:${r.level}`, r.status]));
}

/** Replaces the cluster's readiness observations with the current readiness. */
export async function writeReadinessObservations(tx: Transaction, scope: ClusterScope, readiness: readonly AlertReadinessRow[], now: Date): Promise<void> {
  const rows = readiness.map((r) => ({ namespace_id: r.namespaceId, level: r.level, status: r.status }));
  await tx.$executeRaw`
    INSERT INTO alert_readiness_observations (org_id, cluster_id, namespace_id, level, status, observed_at)
    SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, r.namespace_id, r.level::pss_level, r.status::readiness_status, ${now}::timestamptz
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(namespace_id uuid, level text, status text)
    ON CONFLICT (org_id, namespace_id, level) DO UPDATE SET status = EXCLUDED.status, observed_at = EXCLUDED.observed_at`;
}

/** The alert states of these rules on one cluster (or, with clusterId undefined, every cluster). */
export async function readAlertStates(tx: Transaction, orgId: string, ruleIds: readonly string[], clusterId: string): Promise<AlertStateRow[]> {
  if (ruleIds.length === 0) return [];
  const rows = await tx.alertState.findMany({
    where: { orgId, clusterId, ruleId: { in: [...ruleIds] } },
    select: {
      id: true,
      ruleId: true,
      fingerprint: true,
      status: true,
      severity: true,
      namespaceName: true,
      summary: true,
      detail: true,
      firstFiredAt: true,
      lastFiredAt: true,
      lastNotifiedAt: true,
      notified: true,
    },
  });
  return rows.map((r) => ({ ...r, detail: (r.detail ?? {}) as Record<string, unknown> }));
}

/** Serializes alert evaluations of one cluster across workers for the transaction's duration. */
export async function lockClusterAlerts(tx: Transaction, scope: ClusterScope): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`alerts:${scope.orgId}:${scope.clusterId}`}, 0))`;
}
