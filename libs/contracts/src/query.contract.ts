import { z } from 'zod';

import {
  CheckId,
  Count,
  CursorPageQuery,
  Dns1123Label,
  EnforceableLevel,
  Id,
  KubernetesUid,
  NamespaceName,
  ObjectName,
  PsaVersion,
  SortOrder,
  StorableText,
  Timestamp,
  pageOf,
} from './common.contract.js';
import {
  AUDIT_VIOLATION_CHECKS_MAX,
  AuditId,
  AuditObjectRef,
  AuditSource,
  AuditStage,
  AuditViolationCheck,
  NamespacePsaLabels,
  OwnerLink,
  PsaConfiguration,
  WorkloadKind,
} from './ingest.contract.js';
import { ProjectionHash } from './projection.contract.js';

// Query strings arrive as strings; every filter below is a single value, and unknown parameters are refused
// with their name so a misspelt filter is an error rather than a silently unfiltered list.

/** A cluster's name: an RFC 1123 label, so it can name the agent's Helm release and label its metrics. */
export const ClusterName = Dns1123Label;
export type ClusterName = z.infer<typeof ClusterName>;

/**
 * How the agent of a cluster is doing, from the time of its last batch or heartbeat: `connected` within
 * 5 minutes, `stale` within an hour, `offline` after that, `never` before its first contact.
 */
export const AgentStatus = z
  .enum(['connected', 'stale', 'offline', 'never'])
  .meta({ description: 'connected: contact within 5 minutes; stale: within an hour; offline: longer; never: no contact yet.' });
export type AgentStatus = z.infer<typeof AgentStatus>;

/**
 * A cluster in a list: last-seen time, agent status and versions, object and open-finding counts. From the
 * agent's last heartbeat: `agent.auditSource`, where it reads audit events, and `psaConfiguration`, the
 * cluster's Pod Security admission defaults and exemptions; `null` while the agent has not said (an older agent,
 * or a configuration not given to it).
 */
/** Where a cluster's effective PSA configuration comes from, in order of precedence. */
export const PsaConfigurationSource = z
  .enum(['api', 'agent', 'organization', 'upstream'])
  .meta({ description: "api: set through PATCH /api/v1/clusters/:clusterId (wins); agent: the agent's heartbeat; organization: the organization's defaultPsaConfiguration; upstream: PSA's own defaults (privileged, latest, no exemptions)." });
export type PsaConfigurationSource = z.infer<typeof PsaConfigurationSource>;

/**
 * An audit annotation that contradicts the cluster's effective PSA configuration, for one namespace:
 * - `enforce-policy`: the newest `enforce-policy` (`"<level>:<version>"`, what PSA enforced; from audit violations
 *   or from evaluated pods without violations) differs from what the configuration and the namespace's labels say
 *   PSA enforces (`expected`);
 * - `exempt-namespace`: PSA evaluated requests (audit violations, or `enforce-policy`) in a namespace the
 *   configuration exempts;
 * - `exempt-username`: PSA evaluated requests whose effective user the configuration exempts (`observed` is the
 *   user name);
 * - `unexpected-exemption`: PSA exempted requests (`pod-security.kubernetes.io/exempt`: `namespace`, `user`,
 *   `runtimeClass`) that the configuration does not exempt: a namespace it does not list, a user it does not list
 *   (`observed` names the user), a runtime class while it lists none.
 */
export const PsaContradiction = z.strictObject({
  namespace: NamespaceName,
  kind: z.enum(['enforce-policy', 'exempt-namespace', 'exempt-username', 'unexpected-exemption']),
  expected: z.string().max(1024),
  observed: z.string().max(1024),
  events: Count.meta({ description: 'Audit events within the readiness window showing it.' }),
  lastSeenAt: Timestamp,
});
export type PsaContradiction = z.infer<typeof PsaContradiction>;

export const ClusterSummary = z.strictObject({
  id: Id,
  name: ClusterName,
  createdAt: Timestamp,
  lastSeenAt: Timestamp.nullable(),
  agent: z.strictObject({
    status: AgentStatus,
    version: z.string().max(64).nullable(),
    kubernetesVersion: z.string().max(64).nullable(),
    auditSource: AuditSource.nullable(),
  }),
  psaConfiguration: PsaConfiguration.nullable(),
  /** The configuration set through the API (overrides the agent's); null when none is set. */
  psaConfigurationOverride: PsaConfiguration.nullable(),
  /** The configuration readiness, at-risk and coverage use, and where it comes from. */
  effectivePsaConfiguration: z.strictObject({ source: PsaConfigurationSource, configuration: PsaConfiguration }),
  /** Audit annotations that contradict the effective configuration (empty: none seen, or not computed yet). */
  psaContradictions: z.array(PsaContradiction).max(1000),
  /** Namespaces, top-level workloads and pods the agent last reported (deleted ones excluded); open findings. */
  counts: z.strictObject({
    namespaces: Count,
    workloads: Count,
    pods: Count,
    openFindings: Count,
  }),
});
export type ClusterSummary = z.infer<typeof ClusterSummary>;

/** Query of `GET /api/v1/clusters`, ordered by name. */
export const ClustersQuery = CursorPageQuery.extend({
  agentStatus: AgentStatus.optional().meta({ description: 'Only clusters whose agent has this status.' }),
});
export type ClustersQuery = z.infer<typeof ClustersQuery>;

/** A page of clusters. */
export const ClustersPage = pageOf(ClusterSummary);
export type ClustersPage = z.infer<typeof ClustersPage>;

/**
 * Readiness of a namespace for one level (DESIGN.md "Readiness"): `ready`, `blocked` (workloads would be
 * rejected), `unknown` (the agent has not reported the namespace), or `at-risk` (it already enforces the level
 * and workloads fail it, so their next rollout will be rejected).
 */
export const ReadinessStatus = z
  .enum(['ready', 'blocked', 'unknown', 'at-risk'])
  .meta({ description: 'ready, blocked (workloads would be rejected), unknown (not reported), at-risk (enforces the level and fails it).' });
export type ReadinessStatus = z.infer<typeof ReadinessStatus>;

/** Readiness of a namespace at one level, at the version the namespace enforces (else `latest`). */
const AuditBlockFigures = {
  violations: Count.meta({ description: 'Audit-mode violations of the level (or a lower one) within the readiness window; dry runs and exempt users left out.' }),
  checks: z.array(z.string().max(1024)).meta({ description: "Check ids parsed from the `audit-violations` annotations (PSA's reason where the id is unknown), sorted." }),
  unparsed: Count.meta({ description: 'Of `violations`, how many annotations could not be parsed (they block without naming checks).' }),
  lastSeenAt: Timestamp.meta({ description: 'The newest of these violations.' }),
};

/**
 * Audit-mode violations reported on controllers (objectRef a Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
 * CronJob or ReplicationController) that block a level, as the worker attached them.
 */
export const ReadinessAuditBlocks = z
  .strictObject({
    workloads: z
      .array(
        z.strictObject({
          source: z.literal('audit').meta({ description: 'These checks come from audit annotations, not from the inventory.' }),
          workloadId: Id,
          kind: z.string().max(64),
          name: z.string().max(253),
          ...AuditBlockFigures,
          objects: z.array(z.string().max(320)).meta({ description: 'The controllers the events named, `Kind/name` (a ReplicaSet of a Deployment, a Job of a CronJob, or the workload itself).' }),
        }),
      )
      .meta({ description: 'Live top-level workloads the violations attach to, through the stored owner chain.' }),
    controllers: z
      .array(z.strictObject({ kind: z.string().max(64), name: z.string().max(253), ...AuditBlockFigures }))
      .meta({ description: 'Controllers the violations name that are not live in the inventory (never seen, or deleted): namespace-level blocks.' }),
  })
  .meta({ description: 'Which workloads (or unknown controllers) audit-mode violations reported on controllers block this level for.' });
export type ReadinessAuditBlocks = z.infer<typeof ReadinessAuditBlocks>;

export const LevelReadiness = z.strictObject({
  status: ReadinessStatus,
  version: PsaVersion,
  blockingWorkloads: Count,
  computedAt: Timestamp.nullable(),
  provisional: z.boolean().meta({
    description:
      '`ready` that is not firm yet: the namespace has been observed for less than the readiness window, or the cluster has no audit source (short-lived pods may have gone unseen). False for every other status.',
  }),
  observedSince: Timestamp.nullable().meta({ description: 'When Ratchet first saw the namespace; null before the worker computed readiness.' }),
  auditSource: AuditSource.nullable().meta({ description: "The cluster's audit source when readiness was computed; null while unknown (counts as none)." }),
  exempt: z.boolean().meta({ description: "The cluster's PSA configuration exempts the namespace: PSA evaluates nothing in it. `ready` then says nothing about compliance." }),
  auditBlockedUntil: Timestamp.nullable()
    .optional()
    .meta({
      description:
        'While `blocked` or `at-risk` because of audit-mode violations: when the newest of them leaves the readiness window (its time plus the window). Past it, with no blocking workload, the status reads `ready` without waiting for the worker. Null when no audit violation blocks.',
    }),
  auditBlocks: ReadinessAuditBlocks.optional().meta({
    description:
      'Present while audit-mode violations reported on controllers block the level (until `auditBlockedUntil`): the workloads they attach to and the controllers not in the inventory. `blockingWorkloads` counts only workloads whose template or pods fail.',
  }),
});
export type LevelReadiness = z.infer<typeof LevelReadiness>;

/** A namespace label whose value PSA would not accept, and what PSA falls back to. */
export const InvalidPsaLabel = z.strictObject({
  label: NamespacePsaLabels.keyof(),
  value: z.string().max(63),
  message: z.string().max(256),
});
export type InvalidPsaLabel = z.infer<typeof InvalidPsaLabel>;

/**
 * A namespace in a list: its Pod Security labels, readiness per level and counts. `uid` is null while the agent
 * has reported objects in the namespace but not the namespace itself (resync chunks arrive in any order).
 */
export const NamespaceSummary = z.strictObject({
  id: Id,
  clusterId: Id,
  clusterName: ClusterName,
  name: NamespaceName,
  uid: KubernetesUid.nullable(),
  labels: NamespacePsaLabels,
  invalidLabels: z.array(InvalidPsaLabel).max(6),
  readiness: z.strictObject({ baseline: LevelReadiness, restricted: LevelReadiness }),
  /** Live top-level workloads and pods as the agent last reported them; open findings. */
  counts: z.strictObject({ workloads: Count, pods: Count, openFindings: Count }),
  /** The namespace's metadata.creationTimestamp as the agent reported it; when first seen, for one it has not. */
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  deletedAt: Timestamp.nullable(),
});
export type NamespaceSummary = z.infer<typeof NamespaceSummary>;

/** Sort fields of the namespace list. */
export const NamespaceSortField = z.enum(['name', 'openFindings', 'createdAt']).meta({ description: 'Sort field; ties are broken by id.' });
export type NamespaceSortField = z.infer<typeof NamespaceSortField>;

/** Query of `GET /api/v1/namespaces` (live namespaces): by cluster, by readiness at a level, by name prefix. */
export const NamespacesQuery = CursorPageQuery.extend({
  clusterId: Id.optional().meta({ description: 'Only rows of this cluster.' }),
  namePrefix: StorableText.max(63).optional().meta({ description: 'Only namespaces whose name starts with this text.' }),
  level: EnforceableLevel.optional().meta({ description: 'The level `readiness` filters on.' }),
  readiness: ReadinessStatus.optional().meta({ description: 'Only namespaces with this readiness at `level` (which it needs).' }),
  sort: NamespaceSortField.default('name'),
  order: SortOrder.default('asc'),
}).refine((query) => query.readiness === undefined || query.level !== undefined, {
  message: 'readiness needs level',
  path: ['readiness'],
});
export type NamespacesQuery = z.infer<typeof NamespacesQuery>;

/** A page of namespaces. */
export const NamespacesPage = pageOf(NamespaceSummary);
export type NamespacesPage = z.infer<typeof NamespacesPage>;

/** Path parameters of `GET /api/v1/namespaces/:namespaceId`. */
export const NamespaceParams = z.strictObject({ namespaceId: Id });
export type NamespaceParams = z.infer<typeof NamespaceParams>;

/** A workload in a list, with its open findings per level. `deletedAt` is set once the agent saw it go. */
export const WorkloadSummary = z.strictObject({
  id: Id,
  clusterId: Id,
  clusterName: ClusterName,
  namespaceId: Id,
  namespace: NamespaceName,
  kind: WorkloadKind,
  name: ObjectName,
  uid: KubernetesUid,
  replicas: Count.nullable(),
  podCount: Count,
  projectionHash: ProjectionHash,
  openFindings: z.strictObject({ baseline: Count, restricted: Count }),
  firstSeenAt: Timestamp,
  lastSeenAt: Timestamp,
  deletedAt: Timestamp.nullable(),
});
export type WorkloadSummary = z.infer<typeof WorkloadSummary>;

/**
 * Query of `GET /api/v1/workloads`: top-level workloads (DESIGN.md "Workload": a ReplicaSet a Deployment manages
 * is part of the Deployment), live ones unless `deleted=true`, which lists the deleted ones.
 */
export const WorkloadsQuery = CursorPageQuery.extend({
  clusterId: Id.optional().meta({ description: 'Only rows of this cluster.' }),
  namespace: NamespaceName.optional().meta({ description: 'Only rows of this namespace.' }),
  kind: WorkloadKind.optional().meta({ description: 'Only workloads of this kind.' }),
  failingLevel: EnforceableLevel.optional().meta({ description: 'Only workloads with open findings at this level.' }),
  deleted: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .meta({ description: 'true lists the workloads the agent saw deleted, instead of the live ones.' }),
  /** `kind` sorts kinds in the order of WORKLOAD_KINDS, then by name. */
  sort: z.enum(['name', 'kind', 'lastSeenAt']).default('name').meta({ description: 'Sort field; ties are broken by id.' }),
  order: SortOrder.default('asc'),
});
export type WorkloadsQuery = z.infer<typeof WorkloadsQuery>;

/** A page of workloads. */
export const WorkloadsPage = pageOf(WorkloadSummary);
export type WorkloadsPage = z.infer<typeof WorkloadsPage>;

/** Path parameters of `GET /api/v1/workloads/:workloadId`. */
export const WorkloadParams = z.strictObject({ workloadId: Id });
export type WorkloadParams = z.infer<typeof WorkloadParams>;

/** Whether a finding still holds. */
export const FindingStatus = z.enum(['open', 'resolved']).meta({ description: 'open: the workload still fails the check; resolved: it no longer does.' });
export type FindingStatus = z.infer<typeof FindingStatus>;

/**
 * One workload failing one check at one level@version, with the pods behind it. Its fingerprint is
 * (cluster, namespace, kind, name, level, check).
 */
export const Finding = z.strictObject({
  id: Id,
  clusterId: Id,
  clusterName: ClusterName,
  namespace: NamespaceName,
  workload: z.strictObject({ kind: WorkloadKind, name: ObjectName, uid: KubernetesUid }),
  level: EnforceableLevel,
  version: PsaVersion,
  checkId: CheckId,
  status: FindingStatus,
  reason: z.string().max(256),
  detail: z.string().max(16_384),
  injectedContainers: z.array(Dns1123Label).max(256).meta({
    description:
      "Failing containers found in running pods but not in the workload's template (service-mesh sidecars, debug or ephemeral containers): fix the injector, not the application.",
  }),
  remediation: z.string().max(4096).nullable(),
  podCount: Count,
  firstSeenAt: Timestamp,
  lastSeenAt: Timestamp,
  resolvedAt: Timestamp.nullable(),
});
export type Finding = z.infer<typeof Finding>;

/**
 * What the worker stores in `findings.detail`: PSA's detail for the check (per container, as the violation
 * message words it) and the names of the pods behind the workload that fail it.
 */
export const FindingDetailRecord = z.object({
  detail: z.string().max(16_384),
  pods: z.array(ObjectName).max(10_000),
});
export type FindingDetailRecord = z.infer<typeof FindingDetailRecord>;

/** A workload with its controllers and its open findings. */
export const WorkloadDetail = WorkloadSummary.extend({
  ownerChain: z.array(OwnerLink).max(16),
  findings: z.array(Finding).max(500),
});
export type WorkloadDetail = z.infer<typeof WorkloadDetail>;

/** Path parameters of `GET /api/v1/findings/:findingId`. */
export const FindingParams = z.strictObject({ findingId: Id });
export type FindingParams = z.infer<typeof FindingParams>;

/**
 * Sort fields of the findings list. Names sort bytewise, `workload` by workload name, `level` baseline before
 * restricted; ties are broken by id, so pages never overlap.
 */
export const FindingSortField = z
  .enum(['lastSeenAt', 'firstSeenAt', 'namespace', 'workload', 'level', 'checkId'])
  .meta({ description: 'Sort field; ties are broken by id.' });
export type FindingSortField = z.infer<typeof FindingSortField>;

/** Filters of the findings list and its CSV export. */
export const FindingsFilter = z.strictObject({
  clusterId: Id.optional().meta({ description: 'Only rows of this cluster.' }),
  namespace: NamespaceName.optional().meta({ description: 'Only rows of this namespace.' }),
  level: EnforceableLevel.optional().meta({ description: 'Only rows at this Pod Security level.' }),
  checkId: CheckId.optional().meta({ description: 'Only rows failing this check.' }),
  version: PsaVersion.optional().meta({ description: 'Only findings evaluated at this Pod Security version.' }),
  workloadKind: WorkloadKind.optional().meta({ description: 'Only findings of workloads of this kind.' }),
  workloadName: ObjectName.optional().meta({ description: 'Only findings of the workload with this name.' }),
  status: FindingStatus.default('open'),
  sort: FindingSortField.default('lastSeenAt'),
  order: SortOrder.default('desc'),
});
export type FindingsFilter = z.infer<typeof FindingsFilter>;

/** Query of `GET /api/v1/findings`. */
export const FindingsQuery = FindingsFilter.extend(CursorPageQuery.shape);
export type FindingsQuery = z.infer<typeof FindingsQuery>;

/** A page of findings. */
export const FindingsPage = pageOf(Finding);
export type FindingsPage = z.infer<typeof FindingsPage>;

const StoredAuditUser = z.strictObject({ username: z.string().max(1024), groups: z.array(z.string().max(1024)).max(512) });

/**
 * An audit-mode violation as stored: the ingested event, its cluster, and when it was received.
 * - `stage` is the latest stage of the request received; `responseCode` its status (403: refused by enforce).
 * - `impersonatedUser` is the effective user of an impersonated request, else `null`.
 * - `dryRun`: a server-side dry run; the object was never created.
 * - `auditViolations` is the raw annotation and `annotationKeyPrefix` the prefix its key had (`null` when the
 *   agent did not say, i.e. the built-in plugin's `pod-security.kubernetes.io`).
 * - `unparsed`: the annotation could not be parsed (`parseError` says why; it still counts as a violation).
 *   Then `checks` is empty, and `level` and `version` are what the annotation's `"<level>:<version>"` prefix
 *   says when that part is readable, else `null`. Parsed events always have both.
 */
export const AuditEventSummary = z.strictObject({
  id: Id,
  clusterId: Id,
  clusterName: ClusterName,
  auditId: AuditId,
  stage: AuditStage,
  time: Timestamp,
  receivedAt: Timestamp,
  verb: z.string().max(32),
  user: StoredAuditUser,
  impersonatedUser: StoredAuditUser.nullable(),
  objectRef: AuditObjectRef,
  namespace: NamespaceName,
  dryRun: z.boolean(),
  level: EnforceableLevel.nullable(),
  version: PsaVersion.nullable(),
  checks: z.array(AuditViolationCheck).max(AUDIT_VIOLATION_CHECKS_MAX),
  unparsed: z.boolean(),
  parseError: z.string().max(4096).nullable(),
  auditViolations: z.string().max(65_536),
  annotationKeyPrefix: z.string().max(253).nullable(),
  enforcePolicy: z.string().max(256).nullable(),
  responseCode: z.int().min(100).max(599).nullable(),
});
export type AuditEventSummary = z.infer<typeof AuditEventSummary>;

const QueryBoolean = z.enum(['true', 'false']).transform((value) => value === 'true');

/**
 * Filters of the audit event list and its CSV export: a time range (`from` inclusive, `to` exclusive) and more.
 * `user` is the requesting user's name, `impersonatedUser` the effective user's; `dryRun` and `unparsed` are
 * `true` or `false`; `resource` is `objectRef.resource` (`pods`, `deployments`, ...). `level` matches unparsed
 * events only when their annotation's policy was readable.
 */
export const AuditEventsFilter = z.strictObject({
  clusterId: Id.optional().meta({ description: 'Only rows of this cluster.' }),
  from: Timestamp.optional().meta({ description: 'Start of the time range, inclusive (default: 7 days before `to`); at most 90 days before `to`.' }),
  to: Timestamp.optional().meta({ description: 'End of the time range, exclusive (default: now).' }),
  namespace: NamespaceName.optional().meta({ description: 'Only rows of this namespace.' }),
  user: StorableText.min(1).max(1024).optional().meta({ description: 'Only events of requests by this Kubernetes username.' }),
  impersonatedUser: StorableText.min(1).max(1024).optional().meta({ description: 'Only events of requests impersonating this Kubernetes username (the effective user).' }),
  resource: AuditObjectRef.shape.resource.optional().meta({ description: 'Only events on this resource (`objectRef.resource`: pods, deployments, ...).' }),
  checkId: CheckId.optional().meta({ description: 'Only rows failing this check.' }),
  level: EnforceableLevel.optional().meta({ description: 'Only rows at this Pod Security level.' }),
  dryRun: QueryBoolean.optional().meta({ description: '`true`: only server-side dry runs; `false`: none of them.' }),
  unparsed: QueryBoolean.optional().meta({ description: '`true`: only events whose annotation could not be parsed; `false`: none of them.' }),
  order: SortOrder.default('desc'),
});
export type AuditEventsFilter = z.infer<typeof AuditEventsFilter>;

/** How far back the audit event list and export look when `from` is not given. */
export const AUDIT_EVENTS_DEFAULT_RANGE_DAYS = 7;

/** The longest time range one audit event query may cover, so a query never scans every partition. */
export const AUDIT_EVENTS_MAX_RANGE_DAYS = 90;

const DAY_MS = 86_400_000;

/**
 * The time range an audit event query covers: `to` defaults to `now`, `from` to 7 days before `to`. The API
 * and its contract resolve the defaults with this one function, so they agree on what a query means.
 */
export function auditEventsTimeRange(range: { from?: string | undefined; to?: string | undefined }, now: Date): { from: Date; to: Date } {
  const to = range.to === undefined ? now : new Date(range.to);
  const from = range.from === undefined ? new Date(to.getTime() - AUDIT_EVENTS_DEFAULT_RANGE_DAYS * DAY_MS) : new Date(range.from);
  return { from, to };
}

const isTimestampOrAbsent = (value: string | undefined) => value === undefined || Timestamp.safeParse(value).success;

/**
 * What is wrong with an audit event query's range once resolved against `now` (auditEventsTimeRange): `from` not
 * before `to`, or more than AUDIT_EVENTS_MAX_RANGE_DAYS; `path` is the query parameter to name. The contract checks
 * a query that gives `to`; one that omits it ends at the API's clock, and the API checks it there.
 */
export function auditEventsRangeIssues(range: { from?: string | undefined; to?: string | undefined }, now: Date): { path: 'from' | 'to'; message: string }[] {
  const { from, to } = auditEventsTimeRange(range, now);
  if (from.getTime() >= to.getTime()) {
    return [range.to === undefined ? { path: 'from', message: 'must be in the past (to defaults to now)' } : { path: 'to', message: 'must be after from' }];
  }
  if (to.getTime() - from.getTime() > AUDIT_EVENTS_MAX_RANGE_DAYS * DAY_MS) {
    return [{ path: 'from', message: `the range from..to spans more than ${AUDIT_EVENTS_MAX_RANGE_DAYS} days (to defaults to now); query several shorter ranges` }];
  }
  return [];
}

function checkTimeRange(range: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx) {
  // zod runs this even when from or to failed their own check, which already reported them. A range without `to`
  // ends at the API's clock, which the API checks.
  if (range.to === undefined || !isTimestampOrAbsent(range.from) || !isTimestampOrAbsent(range.to)) return;
  for (const issue of auditEventsRangeIssues(range, new Date(range.to))) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
}

/** Query of `GET /api/v1/audit-events`, newest first unless `order=asc`. */
export const AuditEventsQuery = AuditEventsFilter.extend(CursorPageQuery.shape).superRefine(checkTimeRange);
export type AuditEventsQuery = z.infer<typeof AuditEventsQuery>;

/** Query of the audit events CSV export. */
export const AuditEventsExportQuery = AuditEventsFilter.superRefine(checkTimeRange);
export type AuditEventsExportQuery = z.infer<typeof AuditEventsExportQuery>;

/** Query of the findings CSV export: the list's filters without pagination. */
export const FindingsExportQuery = FindingsFilter;
export type FindingsExportQuery = z.infer<typeof FindingsExportQuery>;

/** A page of audit events. */
export const AuditEventsPage = pageOf(AuditEventSummary);
export type AuditEventsPage = z.infer<typeof AuditEventsPage>;

/** Path parameters of `GET /api/v1/audit-events/:auditEventId`. */
export const AuditEventParams = z.strictObject({ auditEventId: Id });
export type AuditEventParams = z.infer<typeof AuditEventParams>;

/** Columns of the findings CSV export, in order. */
export const FINDINGS_CSV_COLUMNS = [
  'cluster',
  'namespace',
  'kind',
  'name',
  'level',
  'version',
  'check',
  'status',
  'reason',
  'detail',
  'pods',
  'firstSeenAt',
  'lastSeenAt',
  'resolvedAt',
] as const;

/** Columns of the audit events CSV export, in order. */
export const AUDIT_EVENTS_CSV_COLUMNS = [
  'time',
  'cluster',
  'namespace',
  'resource',
  'name',
  'verb',
  'user',
  'level',
  'version',
  'checks',
  'enforcePolicy',
  'responseCode',
  'auditId',
  'impersonatedUser',
  'dryRun',
  'unparsed',
  'parseError',
] as const;

/** Where the query endpoints live, under the versioned API prefix. */
export const QUERY_PATHS = {
  clusters: '/api/v1/clusters',
  namespaces: '/api/v1/namespaces',
  workloads: '/api/v1/workloads',
  findings: '/api/v1/findings',
  findingsCsv: '/api/v1/findings/export.csv',
  auditEvents: '/api/v1/audit-events',
  auditEventsCsv: '/api/v1/audit-events/export.csv',
} as const;
