import { z } from 'zod';

import {
  CHECK_IDS,
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
  Timestamp,
  pageOf,
} from './common.contract.js';
import { AuditId, AuditObjectRef, AuditStage, AuditViolationCheck, NamespacePsaLabels, WorkloadKind } from './ingest.contract.js';
import { ProjectionHash } from './projection.contract.js';

// Query strings arrive as strings; every filter below is a single value, and unknown parameters are refused
// with their name so a misspelt filter is an error rather than a silently unfiltered list.

/** A cluster's name: an RFC 1123 label, so it can name the agent's Helm release and label its metrics. */
export const ClusterName = Dns1123Label;
export type ClusterName = z.infer<typeof ClusterName>;

/** How the agent of a cluster is doing: `pending` until its first heartbeat, then `online` or `offline`. */
export const AgentStatus = z.enum(['pending', 'online', 'offline']);
export type AgentStatus = z.infer<typeof AgentStatus>;

/** A cluster in a list: last-seen time, agent status and versions, object and open-finding counts. */
export const ClusterSummary = z.strictObject({
  id: Id,
  name: ClusterName,
  description: z.string().max(500).nullable(),
  createdAt: Timestamp,
  lastSeenAt: Timestamp.nullable(),
  agent: z.strictObject({
    status: AgentStatus,
    version: z.string().max(64).nullable(),
    kubernetesVersion: z.string().max(64).nullable(),
    startedAt: Timestamp.nullable(),
  }),
  counts: z.strictObject({
    namespaces: Count,
    workloads: Count,
    pods: Count,
    openFindings: Count,
  }),
});
export type ClusterSummary = z.infer<typeof ClusterSummary>;

/** Query of `GET /api/v1/clusters`. */
export const ClustersQuery = CursorPageQuery.extend({
  agentStatus: AgentStatus.optional(),
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
export const ReadinessStatus = z.enum(['ready', 'blocked', 'unknown', 'at-risk']);
export type ReadinessStatus = z.infer<typeof ReadinessStatus>;

/** Readiness of a namespace at one level, at the version the namespace enforces (else `latest`). */
export const LevelReadiness = z.strictObject({
  status: ReadinessStatus,
  version: PsaVersion,
  blockingWorkloads: Count,
  computedAt: Timestamp.nullable(),
});
export type LevelReadiness = z.infer<typeof LevelReadiness>;

/** A namespace label whose value PSA would not accept, and what PSA falls back to. */
export const InvalidPsaLabel = z.strictObject({
  label: NamespacePsaLabels.keyof(),
  value: z.string().max(63),
  message: z.string().max(256),
});
export type InvalidPsaLabel = z.infer<typeof InvalidPsaLabel>;

/** A namespace in a list: its Pod Security labels, readiness per level and counts. */
export const NamespaceSummary = z.strictObject({
  clusterId: Id,
  clusterName: ClusterName,
  name: NamespaceName,
  uid: KubernetesUid,
  labels: NamespacePsaLabels,
  invalidLabels: z.array(InvalidPsaLabel).max(6),
  readiness: z.strictObject({ baseline: LevelReadiness, restricted: LevelReadiness }),
  counts: z.strictObject({ workloads: Count, pods: Count, openFindings: Count }),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
});
export type NamespaceSummary = z.infer<typeof NamespaceSummary>;

/** Sort fields of the namespace list. */
export const NamespaceSortField = z.enum(['name', 'openFindings', 'createdAt']);
export type NamespaceSortField = z.infer<typeof NamespaceSortField>;

/** Query of `GET /api/v1/namespaces`: by cluster, by readiness at a level, by name prefix. */
export const NamespacesQuery = CursorPageQuery.extend({
  clusterId: Id.optional(),
  namePrefix: z.string().max(63).optional(),
  level: EnforceableLevel.optional(),
  readiness: ReadinessStatus.optional(),
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

/** A workload in a list, with its open findings per level. */
export const WorkloadSummary = z.strictObject({
  id: Id,
  clusterId: Id,
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
});
export type WorkloadSummary = z.infer<typeof WorkloadSummary>;

/** Query of `GET /api/v1/workloads`. */
export const WorkloadsQuery = CursorPageQuery.extend({
  clusterId: Id.optional(),
  namespace: NamespaceName.optional(),
  kind: WorkloadKind.optional(),
  failingLevel: EnforceableLevel.optional(),
  sort: z.enum(['name', 'kind', 'lastSeenAt']).default('name'),
  order: SortOrder.default('asc'),
});
export type WorkloadsQuery = z.infer<typeof WorkloadsQuery>;

/** A page of workloads. */
export const WorkloadsPage = pageOf(WorkloadSummary);
export type WorkloadsPage = z.infer<typeof WorkloadsPage>;

/** Whether a finding still holds. */
export const FindingStatus = z.enum(['open', 'resolved']);
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
  remediation: z.string().max(4096).nullable(),
  podCount: Count,
  firstSeenAt: Timestamp,
  lastSeenAt: Timestamp,
  resolvedAt: Timestamp.nullable(),
});
export type Finding = z.infer<typeof Finding>;

/** Sort fields of the findings list. */
export const FindingSortField = z.enum(['lastSeenAt', 'firstSeenAt', 'namespace', 'workload', 'level', 'checkId']);
export type FindingSortField = z.infer<typeof FindingSortField>;

/** Filters of the findings list and its CSV export. */
export const FindingsFilter = z.strictObject({
  clusterId: Id.optional(),
  namespace: NamespaceName.optional(),
  level: EnforceableLevel.optional(),
  checkId: CheckId.optional(),
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

/** An audit-mode violation as stored: the ingested event, its cluster, and when it was received. */
export const AuditEventSummary = z.strictObject({
  id: Id,
  clusterId: Id,
  auditId: AuditId,
  stage: AuditStage,
  time: Timestamp,
  receivedAt: Timestamp,
  verb: z.string().max(32),
  user: z.strictObject({ username: z.string().max(1024), groups: z.array(z.string().max(1024)).max(512) }),
  objectRef: AuditObjectRef,
  namespace: NamespaceName,
  level: EnforceableLevel,
  version: PsaVersion,
  checks: z.array(AuditViolationCheck).max(CHECK_IDS.length),
  enforcePolicy: z.string().max(256).nullable(),
  responseCode: z.int().min(100).max(599).nullable(),
});
export type AuditEventSummary = z.infer<typeof AuditEventSummary>;

/** Filters of the audit event list and its CSV export: a time range (`from` inclusive, `to` exclusive) and more. */
export const AuditEventsFilter = z.strictObject({
  clusterId: Id.optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  namespace: NamespaceName.optional(),
  user: z.string().min(1).max(1024).optional(),
  checkId: CheckId.optional(),
  level: EnforceableLevel.optional(),
  order: SortOrder.default('desc'),
});
export type AuditEventsFilter = z.infer<typeof AuditEventsFilter>;

function checkTimeRange(range: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx) {
  if (range.from !== undefined && range.to !== undefined && Date.parse(range.from) >= Date.parse(range.to)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  }
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
