import { resolvePsaConfiguration, type AuditSource, type EffectivePsaConfiguration } from '@ratchet/contracts';
import { Prisma } from '@ratchet/db';
import type { ClusterScope, PssLevel, Transaction } from '@ratchet/db';

/**
 * The WHERE clause every windowed read here starts with: rows of this cluster in these namespaces whose `column`
 * (audit_events: `time`; admission_decisions: `last_seen_at`) is within [since, until]. The column name is one of
 * two constants, never input.
 */
function windowOf(scope: ClusterScope, namespaceNames: readonly string[], column: 'time' | 'last_seen_at', since: Date, until: Date): Prisma.Sql {
  const at = Prisma.raw(column);
  return Prisma.sql`org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND namespace_name = ANY(${[...namespaceNames]}::text[])
    AND ${at} >= ${since}::timestamptz AND ${at} <= ${until}::timestamptz`;
}

/** A namespace with what its readiness needs. */
export interface ReadinessNamespace {
  id: string;
  name: string;
  /** False for a placeholder the agent has not reported itself, or a deleted namespace. */
  reported: boolean;
  enforceLevel: string | null;
  enforceVersion: string | null;
  /** When Ratchet first saw the namespace (a placeholder counts: objects in it were seen). */
  firstSeenAt: Date;
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
  /** The newest of these violations: they block until it leaves the window. */
  newestAt: Date;
}

/** What a cluster's readiness is decided with: its release, audit source, PSA configuration and the organization's window. */
export interface ReadinessCluster {
  kubernetesVersion: string | null;
  auditSource: AuditSource | null;
  psaConfiguration: EffectivePsaConfiguration;
  readinessWindowDays: number;
}

/** The cluster's and organization's settings readiness reads. */
export async function readReadinessCluster(tx: Transaction, scope: ClusterScope): Promise<ReadinessCluster> {
  const [row] = await tx.$queryRaw<
    {
      kubernetes_version: string | null;
      audit_source: AuditSource | null;
      psa_configuration_override: unknown;
      psa_configuration: unknown;
      default_psa_configuration: unknown;
      readiness_window_days: number;
    }[]
  >`
    SELECT c.kubernetes_version, c.audit_source::text AS audit_source, c.psa_configuration_override, c.psa_configuration,
           o.default_psa_configuration, o.readiness_window_days
    FROM clusters c JOIN organizations o ON o.id = c.org_id
    WHERE c.org_id = ${scope.orgId}::uuid AND c.id = ${scope.clusterId}::uuid`;
  if (!row) throw new Error(`readiness: cluster ${scope.clusterId} not found`);
  return {
    kubernetesVersion: row.kubernetes_version,
    auditSource: row.audit_source,
    psaConfiguration: resolvePsaConfiguration(row.psa_configuration_override, row.psa_configuration, row.default_psa_configuration),
    readinessWindowDays: row.readiness_window_days,
  };
}

/** The namespaces with these ids in the cluster. */
export async function readReadinessNamespaces(tx: Transaction, scope: ClusterScope, ids: readonly string[]): Promise<ReadinessNamespace[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<
    { id: string; name: string; reported: boolean; enforce_level: string | null; enforce_version: string | null; first_seen_at: Date }[]
  >`
    SELECT n.id, n.name, (n.uid IS NOT NULL AND n.deleted_at IS NULL) AS reported, n.enforce_level, n.enforce_version, n.first_seen_at
    FROM namespaces n
    WHERE n.org_id = ${scope.orgId}::uuid AND n.cluster_id = ${scope.clusterId}::uuid AND n.id = ANY(${[...ids]}::uuid[])
    ORDER BY n.id`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    reported: r.reported,
    enforceLevel: r.enforce_level,
    enforceVersion: r.enforce_version,
    firstSeenAt: r.first_seen_at,
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

/** A pod of a namespace with its top-level workload uid. */
export interface NamespacePod {
  name: string;
  topLevelWorkloadUid: string;
  projectionId: string;
}

/** The pods of these namespaces with their top-level workload uid. */
export async function readNamespacePods(tx: Transaction, scope: ClusterScope, namespaceIds: readonly string[]): Promise<NamespacePod[]> {
  if (namespaceIds.length === 0) return [];
  const rows = await tx.$queryRaw<{ name: string; top_level_workload_uid: string; projection_id: string }[]>`
    SELECT name, top_level_workload_uid, projection_id FROM pods
    WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND namespace_id = ANY(${[...namespaceIds]}::uuid[])
    ORDER BY name`;
  return rows.map((r) => ({ name: r.name, topLevelWorkloadUid: r.top_level_workload_uid, projectionId: r.projection_id }));
}

/**
 * Audit-mode violations the cluster recorded in these namespaces with `since <= time <= until`, grouped by the
 * level they violate. Dry runs are left out: the object was never created, so nothing would be rejected. Events
 * whose effective user (the impersonated one when impersonated, as PSA evaluates) is in `exemptUsernames` are left
 * out too: the cluster's PSA configuration exempts that user's requests.
 */
export async function countAuditViolations(
  tx: Transaction,
  scope: ClusterScope,
  namespaceNames: readonly string[],
  since: Date,
  until: Date,
  exemptUsernames: readonly string[] = [],
): Promise<AuditViolationCount[]> {
  if (namespaceNames.length === 0) return [];
  const rows = await tx.$queryRaw<{ namespace_name: string; level: PssLevel | null; count: number; newest_at: Date }[]>`
    SELECT namespace_name, level::text AS level, count(*)::integer AS count, max(time) AS newest_at FROM audit_events
    WHERE ${windowOf(scope, namespaceNames, 'time', since, until)}
      AND NOT dry_run
      AND NOT (coalesce(impersonated_username, username) = ANY(${[...exemptUsernames]}::text[]))
    GROUP BY namespace_name, level`;
  return rows.map((r) => ({ namespaceName: r.namespace_name, level: r.level, count: r.count, newestAt: r.newest_at }));
}

/**
 * The newest `enforce-policy` annotation recorded in each of these namespaces within the window, from audit-mode
 * violations and from the admission decisions of evaluated pods (which carry it without violations), with how many
 * requests carry that value.
 */
export async function latestEnforcePolicies(
  tx: Transaction,
  scope: ClusterScope,
  namespaceNames: readonly string[],
  since: Date,
  until: Date,
): Promise<{ namespaceName: string; enforcePolicy: string; events: number; lastSeenAt: Date }[]> {
  if (namespaceNames.length === 0) return [];
  const rows = await tx.$queryRaw<{ namespace_name: string; enforce_policy: string; events: number; last_seen_at: Date }[]>`
    WITH seen AS (
      SELECT namespace_name, enforce_policy, time AS seen_at, 1::bigint AS requests FROM audit_events
      WHERE ${windowOf(scope, namespaceNames, 'time', since, until)}
        AND enforce_policy IS NOT NULL
      UNION ALL
      SELECT namespace_name, enforce_policy, last_seen_at, count FROM admission_decisions
      WHERE ${windowOf(scope, namespaceNames, 'last_seen_at', since, until)}
        AND enforce_policy <> ''
    ), newest AS (
      SELECT DISTINCT ON (namespace_name) namespace_name, enforce_policy, seen_at FROM seen
      ORDER BY namespace_name, seen_at DESC
    )
    SELECT n.namespace_name, n.enforce_policy, n.seen_at AS last_seen_at,
      (SELECT least(sum(s.requests), 2147483647)::integer FROM seen s WHERE s.namespace_name = n.namespace_name AND s.enforce_policy = n.enforce_policy) AS events
    FROM newest n`;
  return rows.map((r) => ({ namespaceName: r.namespace_name, enforcePolicy: r.enforce_policy, events: r.events, lastSeenAt: r.last_seen_at }));
}

/**
 * The admission decisions of exempt requests (`<prefix>/exempt`) within the window in these namespaces, by namespace,
 * exemption reason and effective user: what PSA exempted, to compare with the configuration's exemptions.
 */
export async function exemptDecisions(
  tx: Transaction,
  scope: ClusterScope,
  namespaceNames: readonly string[],
  since: Date,
  until: Date,
): Promise<{ namespaceName: string; exempt: string; username: string; events: number; lastSeenAt: Date }[]> {
  if (namespaceNames.length === 0) return [];
  const rows = await tx.$queryRaw<{ namespace_name: string; exempt: string; username: string; events: number; last_seen_at: Date }[]>`
    SELECT namespace_name, exempt, username, least(sum(count), 2147483647)::integer AS events, max(last_seen_at) AS last_seen_at
    FROM admission_decisions
    WHERE ${windowOf(scope, namespaceNames, 'last_seen_at', since, until)}
      AND exempt <> ''
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3`;
  return rows.map((r) => ({ namespaceName: r.namespace_name, exempt: r.exempt, username: r.username, events: r.events, lastSeenAt: r.last_seen_at }));
}

/**
 * The admission decisions of evaluated requests (`enforce-policy`, no violations) within the window in these
 * namespaces, by namespace and effective user: PSA evaluated them, so neither the namespace nor the user was exempt.
 */
export async function evaluatedDecisions(
  tx: Transaction,
  scope: ClusterScope,
  namespaceNames: readonly string[],
  since: Date,
  until: Date,
): Promise<{ namespaceName: string; username: string; events: number; lastSeenAt: Date }[]> {
  if (namespaceNames.length === 0) return [];
  const rows = await tx.$queryRaw<{ namespace_name: string; username: string; events: number; last_seen_at: Date }[]>`
    SELECT namespace_name, username, least(sum(count), 2147483647)::integer AS events, max(last_seen_at) AS last_seen_at
    FROM admission_decisions
    WHERE ${windowOf(scope, namespaceNames, 'last_seen_at', since, until)}
      AND enforce_policy <> ''
    GROUP BY 1, 2
    ORDER BY 1, 2`;
  return rows.map((r) => ({ namespaceName: r.namespace_name, username: r.username, events: r.events, lastSeenAt: r.last_seen_at }));
}

/** Audit events within the window in these namespaces whose effective user is one of `usernames`, by namespace and user. */
export async function auditEventsByUsers(
  tx: Transaction,
  scope: ClusterScope,
  namespaceNames: readonly string[],
  usernames: readonly string[],
  since: Date,
  until: Date,
): Promise<{ namespaceName: string; username: string; events: number; lastSeenAt: Date }[]> {
  if (namespaceNames.length === 0 || usernames.length === 0) return [];
  const rows = await tx.$queryRaw<{ namespace_name: string; username: string; events: number; last_seen_at: Date }[]>`
    SELECT namespace_name, coalesce(impersonated_username, username) AS username, count(*)::integer AS events, max(time) AS last_seen_at
    FROM audit_events
    WHERE ${windowOf(scope, namespaceNames, 'time', since, until)}
      AND coalesce(impersonated_username, username) = ANY(${[...usernames]}::text[])
    GROUP BY 1, 2
    ORDER BY 1, 2`;
  return rows.map((r) => ({ namespaceName: r.namespace_name, username: r.username, events: r.events, lastSeenAt: r.last_seen_at }));
}

/** Audit events within the window per namespace (all of them: each stored event is a violation PSA recorded). */
export async function auditEventsByNamespace(
  tx: Transaction,
  scope: ClusterScope,
  namespaceNames: readonly string[],
  since: Date,
  until: Date,
): Promise<{ namespaceName: string; events: number; lastSeenAt: Date }[]> {
  if (namespaceNames.length === 0) return [];
  const rows = await tx.$queryRaw<{ namespace_name: string; events: number; last_seen_at: Date }[]>`
    SELECT namespace_name, count(*)::integer AS events, max(time) AS last_seen_at FROM audit_events
    WHERE ${windowOf(scope, namespaceNames, 'time', since, until)}
    GROUP BY 1 ORDER BY 1`;
  return rows.map((r) => ({ namespaceName: r.namespace_name, events: r.events, lastSeenAt: r.last_seen_at }));
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

/**
 * The ids among these projections whose `spec.runtimeClassName` is one of `runtimeClasses`: PSA exempts such pods
 * (and pod templates) from evaluation. Projections from agents older than the field carry no runtime class.
 */
export async function projectionsWithRuntimeClasses(
  tx: Transaction,
  scope: ClusterScope,
  projectionIds: readonly string[],
  runtimeClasses: readonly string[],
): Promise<Set<string>> {
  if (projectionIds.length === 0 || runtimeClasses.length === 0) return new Set();
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM security_projections
    WHERE org_id = ${scope.orgId}::uuid AND id = ANY(${[...new Set(projectionIds)]}::uuid[])
      AND projection->'spec'->>'runtimeClassName' = ANY(${[...runtimeClasses]}::text[])`;
  return new Set(rows.map((r) => r.id));
}

/**
 * The oldest audit event or admission decision of any kind (dry runs and exempt users' included: contradictions count them) recorded in
 * each of these namespaces with `since <= time <= until`: readiness computed now goes stale when it leaves the window.
 */
export async function oldestAuditEvents(
  tx: Transaction,
  scope: ClusterScope,
  namespaceNames: readonly string[],
  since: Date,
  until: Date,
): Promise<Map<string, Date>> {
  if (namespaceNames.length === 0) return new Map();
  // Admission decisions count by their newest request: a row leaves the window with its last_seen_at.
  const rows = await tx.$queryRaw<{ namespace_name: string; oldest_at: Date }[]>`
    SELECT namespace_name, min(seen_at) AS oldest_at FROM (
      SELECT namespace_name, time AS seen_at FROM audit_events
      WHERE ${windowOf(scope, namespaceNames, 'time', since, until)}
      UNION ALL
      SELECT namespace_name, last_seen_at FROM admission_decisions
      WHERE ${windowOf(scope, namespaceNames, 'last_seen_at', since, until)}
    ) seen
    GROUP BY 1`;
  return new Map(rows.map((r) => [r.namespace_name, r.oldest_at]));
}

/**
 * The controller kinds whose objects carry a pod template PSA evaluates, by the audit event's `objectRef.resource`,
 * with the API groups they are served from ('' is the core group; an event without a group is taken as matching).
 * Upstream: `pod-security-admission/admission/admission.go` (PodSpecExtractor: the pod-template-bearing resources).
 */
export const CONTROLLER_RESOURCES: Readonly<Record<string, { kind: string; groups: readonly string[] }>> = {
  deployments: { kind: 'Deployment', groups: ['apps', 'extensions'] },
  replicasets: { kind: 'ReplicaSet', groups: ['apps', 'extensions'] },
  statefulsets: { kind: 'StatefulSet', groups: ['apps'] },
  daemonsets: { kind: 'DaemonSet', groups: ['apps', 'extensions'] },
  jobs: { kind: 'Job', groups: ['batch'] },
  cronjobs: { kind: 'CronJob', groups: ['batch'] },
  replicationcontrollers: { kind: 'ReplicationController', groups: [''] },
};

/** Audit-mode violations reported on one controller, grouped by the level violated and the checks parsed. */
export interface ControllerAuditViolations {
  namespaceName: string;
  kind: string;
  name: string;
  /** The level violated; null when unparsed without a readable level (blocks every level). */
  level: PssLevel | null;
  unparsed: boolean;
  /** Check ids parsed from the annotation (PSA's reason where the id is unknown); [] when unparsed. */
  checks: string[];
  count: number;
  newestAt: Date;
}

/**
 * The audit-mode violations within `since <= time <= until` reported on controllers (objectRef a Deployment,
 * ReplicaSet, StatefulSet, DaemonSet, Job, CronJob or ReplicationController, no subresource) in these namespaces,
 * with the same exclusions as {@link countAuditViolations} (dry runs, exempt users), so every one of them is also
 * counted there.
 */
export async function controllerAuditViolations(
  tx: Transaction,
  scope: ClusterScope,
  namespaceNames: readonly string[],
  since: Date,
  until: Date,
  exemptUsernames: readonly string[] = [],
): Promise<ControllerAuditViolations[]> {
  if (namespaceNames.length === 0) return [];
  const rows = await tx.$queryRaw<
    { namespace_name: string; resource: string; api_group: string | null; name: string; level: PssLevel | null; unparsed: boolean; checks: { id?: string; reason: string }[]; count: number; newest_at: Date }[]
  >`
    SELECT namespace_name, object_resource AS resource, object_api_group AS api_group, object_name AS name, level::text AS level, unparsed,
           checks, count(*)::integer AS count, max(time) AS newest_at
    FROM audit_events
    WHERE ${windowOf(scope, namespaceNames, 'time', since, until)}
      AND NOT dry_run
      AND NOT (coalesce(impersonated_username, username) = ANY(${[...exemptUsernames]}::text[]))
      AND object_resource = ANY(${Object.keys(CONTROLLER_RESOURCES)}::text[]) AND object_name IS NOT NULL AND coalesce(object_subresource, '') = ''
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ORDER BY 1, 2, 4`;
  return rows.flatMap((r) => {
    const controller = CONTROLLER_RESOURCES[r.resource]!;
    // Another group's resource of the same name (a CRD called `jobs`) is not one PSA evaluates.
    if (r.api_group !== null && !controller.groups.includes(r.api_group)) return [];
    const checks = r.unparsed ? [] : [...new Set((Array.isArray(r.checks) ? r.checks : []).map((c) => c.id ?? c.reason))].sort();
    return [{ namespaceName: r.namespace_name, kind: controller.kind, name: r.name, level: r.level, unparsed: r.unparsed, checks, count: r.count, newestAt: r.newest_at }];
  });
}

/** The live workloads (any level of the owner chain) of these namespaces with these kinds and names, with their top-level uid. */
export async function readControllersByName(
  tx: Transaction,
  scope: ClusterScope,
  namespaceIds: readonly string[],
  controllers: readonly { kind: string; name: string }[],
): Promise<{ namespaceId: string; kind: string; name: string; topLevelUid: string }[]> {
  if (namespaceIds.length === 0 || controllers.length === 0) return [];
  const rows = await tx.$queryRaw<{ namespace_id: string; kind: string; name: string; top_level_uid: string }[]>`
    SELECT w.namespace_id, w.kind::text AS kind, w.name, w.top_level_uid FROM workloads w
    JOIN unnest(${controllers.map((c) => c.kind)}::text[], ${controllers.map((c) => c.name)}::text[]) AS k(kind, name)
      ON w.kind::text = k.kind AND w.name = k.name
    WHERE w.org_id = ${scope.orgId}::uuid AND w.cluster_id = ${scope.clusterId}::uuid AND w.namespace_id = ANY(${[...namespaceIds]}::uuid[])
      AND w.deleted_at IS NULL`;
  return rows.map((r) => ({ namespaceId: r.namespace_id, kind: r.kind, name: r.name, topLevelUid: r.top_level_uid }));
}
