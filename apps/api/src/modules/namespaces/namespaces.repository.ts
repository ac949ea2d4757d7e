import { Injectable } from '@nestjs/common';
import type { NamespaceSortField, ReadinessStatus, SortOrder } from '@ratchet/contracts';
import { Prisma, withTenant } from '@ratchet/db';

import type { KeysetColumn } from '../../common/pagination/keyset-sql.util.js';
import { keysetAfter, keysetOrderBy } from '../../common/pagination/keyset-sql.util.js';
import { Database } from '../../infra/database.provider.js';
import { topLevelWorkload } from '../workloads/top-level-workload.util.js';
import type { StoredPsaLabels } from './psa-labels.util.js';

/** The worker's readiness of a namespace at one level, if it has computed it at the version that applies. */
export interface ReadinessRow {
  state: ReadinessStatus;
  /** The version the worker computed it at; null when not computed. */
  version: string | null;
  blockingWorkloads: number;
  computedAt: Date | null;
  provisional: boolean;
  observedSince: Date | null;
  auditSource: string | null;
  exempt: boolean;
  windowDays: number | null;
  /** When the newest audit violation that blocks this level leaves the window; null when none blocks. */
  auditBlockedUntil: Date | null;
  /** While audit violations block: the worker's attachments of controller-level violations (stored JSON). */
  auditWorkloads: StoredAuditWorkload[] | null;
  auditControllers: StoredAuditController[] | null;
}

/** A blocking workload entry with an `audit` part, as the worker stores it in `blocking_workloads`. */
export interface StoredAuditWorkload {
  workloadId: string;
  kind: string;
  name: string;
  audit: { source: 'audit'; violations: number; checks: string[]; unparsed: number; lastSeenAt: string; objects: string[] };
}

/** An entry of `audit_controller_blocks`. */
export interface StoredAuditController {
  kind: string;
  name: string;
  violations: number;
  checks: string[];
  unparsed: number;
  lastSeenAt: string;
}

/** A namespace with its cluster's name, labels, readiness per level and counts. */
export interface NamespaceRow extends StoredPsaLabels {
  id: string;
  clusterId: string;
  clusterName: string;
  name: string;
  uid: string | null;
  readinessVersion: string;
  baseline: ReadinessRow;
  restricted: ReadinessRow;
  workloads: number;
  pods: number;
  openFindings: number;
  /** metadata.creationTimestamp as the agent reported it; when it has not (a placeholder, an older row), first seen. */
  createdAt: Date;
  firstSeenAt: Date;
  lastSeenAt: Date;
  deletedAt: Date | null;
}

/** Which live namespaces to read; every field narrows. */
export interface NamespaceFilter {
  clusterId?: string | undefined;
  namePrefix?: string | undefined;
  readiness?: { level: 'baseline' | 'restricted'; state: ReadinessStatus } | undefined;
}

/** One keyset page: rows strictly after `after` in the order `sort`, `order`. */
export interface NamespacePageRequest {
  filter: NamespaceFilter;
  sort: NamespaceSortField;
  order: SortOrder;
  after?: { keys: readonly unknown[]; id: string } | undefined;
  limit: number;
}

interface NamespaceRecord extends StoredPsaLabels {
  id: string;
  cluster_id: string;
  cluster_name: string;
  name: string;
  uid: string | null;
  readiness_version: string;
  baseline_state: ReadinessStatus;
  baseline_version: string | null;
  baseline_blocking: number | null;
  baseline_computed_at: Date | null;
  baseline_provisional: boolean | null;
  baseline_observed_since: Date | null;
  baseline_audit_source: string | null;
  baseline_exempt: boolean | null;
  baseline_window_days: number | null;
  baseline_audit_blocked_until: Date | null;
  baseline_audit_workloads: StoredAuditWorkload[] | null;
  baseline_audit_controllers: StoredAuditController[] | null;
  restricted_state: ReadinessStatus;
  restricted_version: string | null;
  restricted_blocking: number | null;
  restricted_computed_at: Date | null;
  restricted_provisional: boolean | null;
  restricted_observed_since: Date | null;
  restricted_audit_source: string | null;
  restricted_exempt: boolean | null;
  restricted_window_days: number | null;
  restricted_audit_blocked_until: Date | null;
  restricted_audit_workloads: StoredAuditWorkload[] | null;
  restricted_audit_controllers: StoredAuditController[] | null;
  workloads: number;
  pods: number;
  open_findings: number;
  created_at: Date;
  first_seen_at: Date;
  last_seen_at: Date;
  deleted_at: Date | null;
}

const ID: KeysetColumn = { sql: Prisma.sql`ns.id`, type: 'uuid' };

// Columns of the derived table `ns` below, so a sort can use the computed counts.
const SORT_COLUMNS: Record<NamespaceSortField, KeysetColumn[]> = {
  name: [{ sql: Prisma.sql`ns.name COLLATE "C"`, type: 'text' }, ID],
  openFindings: [{ sql: Prisma.sql`ns.open_findings`, type: 'int' }, ID],
  createdAt: [{ sql: Prisma.sql`ns.created_at`, type: 'timestamptz' }, ID],
};

// Readiness applies at the version PSA enforces in the namespace: its valid enforce-version label; for a namespace
// without one, the cluster's default enforce-version (API-set configuration, else the agent's, else the
// organization's, else latest: the precedence of resolvePsaConfiguration; stored configurations are complete, so
// the key is there when the configuration is); latest for an invalid label (what PSA falls back to). The pattern is
// PSA's version grammar, as PsaVersion in the contracts spells it. A namespace that already enforces the level and
// fails it is `at-risk`; no row at that version means not computed: `unknown`.
function readinessJoin(level: 'baseline' | 'restricted', alias: string): Prisma.Sql {
  const r = Prisma.raw(alias);
  return Prisma.sql`LEFT JOIN namespace_readiness ${r}
    ON ${r}.org_id = n.org_id AND ${r}.namespace_id = n.id AND ${r}.level = ${level}::pss_level AND ${r}.version = v.version`;
}

// A row blocked only by audit-mode violations (no blocking workload) whose newest violation has left the window by
// `now` reads as ready: the worker recomputes such rows on its `readiness-expiry` schedule, but an answer read
// between its ticks must not say blocked because of an expired violation (docs/readiness.md).
function readinessState(alias: string, now: Date): Prisma.Sql {
  const r = Prisma.raw(alias);
  return Prisma.sql`CASE WHEN ${r}.id IS NULL THEN 'unknown'
    WHEN ${r}.status = 'blocked' AND ${r}.blocking_workload_count = 0 AND ${r}.audit_blocked_until <= ${now}::timestamptz THEN 'ready'
    WHEN ${r}.at_risk THEN 'at-risk' ELSE ${r}.status::text END`;
}

function readinessColumns(level: 'baseline' | 'restricted', alias: string, now: Date): Prisma.Sql {
  const r = Prisma.raw(alias);
  const c = (column: string) => Prisma.raw(`${level}_${column}`);
  return Prisma.sql`${readinessState(alias, now)} AS ${c('state')}, ${r}.version AS ${c('version')},
      ${r}.blocking_workload_count AS ${c('blocking')}, ${r}.computed_at AS ${c('computed_at')}, ${r}.provisional AS ${c('provisional')},
      ${r}.observed_since AS ${c('observed_since')}, ${r}.audit_source::text AS ${c('audit_source')}, ${r}.exempt AS ${c('exempt')},
      ${r}.window_days AS ${c('window_days')},
      CASE WHEN ${r}.audit_blocked_until > ${now}::timestamptz THEN ${r}.audit_blocked_until END AS ${c('audit_blocked_until')},
      CASE WHEN ${r}.audit_blocked_until > ${now}::timestamptz THEN
        (SELECT jsonb_agg(b ORDER BY b->>'kind', b->>'name') FROM jsonb_array_elements(${r}.blocking_workloads) b WHERE b ? 'audit') END AS ${c('audit_workloads')},
      CASE WHEN ${r}.audit_blocked_until > ${now}::timestamptz THEN ${r}.audit_controller_blocks END AS ${c('audit_controllers')}`;
}

function derivedTable(orgId: string, where: Prisma.Sql, now: Date): Prisma.Sql {
  return Prisma.sql`(
    SELECT n.id, n.cluster_id, c.name AS cluster_name, n.name, n.uid::text AS uid,
      n.enforce_level AS "enforceLevel", n.enforce_version AS "enforceVersion", n.audit_level AS "auditLevel",
      n.audit_version AS "auditVersion", n.warn_level AS "warnLevel", n.warn_version AS "warnVersion",
      v.version AS readiness_version,
      ${readinessColumns('baseline', 'rb', now)},
      ${readinessColumns('restricted', 'rr', now)},
      (SELECT count(*) FROM workloads w
        WHERE w.org_id = n.org_id AND w.namespace_id = n.id AND w.deleted_at IS NULL AND ${topLevelWorkload('w')})::int AS workloads,
      (SELECT count(*) FROM pods p WHERE p.org_id = n.org_id AND p.namespace_id = n.id)::int AS pods,
      (SELECT count(*) FROM findings f WHERE f.org_id = n.org_id AND f.namespace_id = n.id AND f.status = 'open')::int AS open_findings,
      coalesce(n.creation_timestamp, n.first_seen_at) AS created_at, n.first_seen_at, n.last_seen_at, n.deleted_at
    FROM namespaces n
    JOIN clusters c ON c.org_id = n.org_id AND c.id = n.cluster_id
    CROSS JOIN LATERAL (
      SELECT CASE WHEN n.enforce_version ~ '^v1\\.(0|[1-9][0-9]*)$' THEN n.enforce_version
                  WHEN n.enforce_version IS NULL THEN coalesce(
                    c.psa_configuration_override #>> '{defaults,enforce-version}', c.psa_configuration #>> '{defaults,enforce-version}',
                    (SELECT o.default_psa_configuration #>> '{defaults,enforce-version}' FROM organizations o WHERE o.id = n.org_id), 'latest')
                  ELSE 'latest' END AS version
    ) v
    ${readinessJoin('baseline', 'rb')}
    ${readinessJoin('restricted', 'rr')}
    WHERE n.org_id = ${orgId}::uuid AND ${where}
  ) ns`;
}

function toRow(record: NamespaceRecord): NamespaceRow {
  return {
    id: record.id,
    clusterId: record.cluster_id,
    clusterName: record.cluster_name,
    name: record.name,
    uid: record.uid,
    enforceLevel: record.enforceLevel,
    enforceVersion: record.enforceVersion,
    auditLevel: record.auditLevel,
    auditVersion: record.auditVersion,
    warnLevel: record.warnLevel,
    warnVersion: record.warnVersion,
    readinessVersion: record.readiness_version,
    baseline: {
      state: record.baseline_state,
      version: record.baseline_version,
      blockingWorkloads: record.baseline_blocking ?? 0,
      computedAt: record.baseline_computed_at,
      provisional: record.baseline_provisional ?? false,
      observedSince: record.baseline_observed_since,
      auditSource: record.baseline_audit_source,
      exempt: record.baseline_exempt ?? false,
      windowDays: record.baseline_window_days,
      auditBlockedUntil: record.baseline_audit_blocked_until,
      auditWorkloads: record.baseline_audit_workloads,
      auditControllers: record.baseline_audit_controllers,
    },
    restricted: {
      state: record.restricted_state,
      version: record.restricted_version,
      blockingWorkloads: record.restricted_blocking ?? 0,
      computedAt: record.restricted_computed_at,
      provisional: record.restricted_provisional ?? false,
      observedSince: record.restricted_observed_since,
      auditSource: record.restricted_audit_source,
      exempt: record.restricted_exempt ?? false,
      windowDays: record.restricted_window_days,
      auditBlockedUntil: record.restricted_audit_blocked_until,
      auditWorkloads: record.restricted_audit_workloads,
      auditControllers: record.restricted_audit_controllers,
    },
    workloads: record.workloads,
    pods: record.pods,
    openFindings: record.open_findings,
    createdAt: record.created_at,
    firstSeenAt: record.first_seen_at,
    lastSeenAt: record.last_seen_at,
    deletedAt: record.deleted_at,
  };
}

@Injectable()
export class NamespacesRepository {
  constructor(private readonly database: Database) {}

  /** Up to `limit` live namespaces after the cursor position. */
  /** `now`: the time readiness is read at (an audit block that has expired by then reads as ready). */
  async page(orgId: string, request: NamespacePageRequest, now: Date): Promise<NamespaceRow[]> {
    const { filter } = request;
    const inner = [Prisma.sql`n.deleted_at IS NULL`];
    if (filter.clusterId !== undefined) inner.push(Prisma.sql`n.cluster_id = ${filter.clusterId}::uuid`);
    if (filter.namePrefix !== undefined) inner.push(Prisma.sql`starts_with(n.name, ${filter.namePrefix})`);
    const outer = [Prisma.sql`TRUE`];
    if (filter.readiness !== undefined) {
      const state = Prisma.raw(filter.readiness.level === 'baseline' ? 'ns.baseline_state' : 'ns.restricted_state');
      outer.push(Prisma.sql`${state} = ${filter.readiness.state}`);
    }
    const columns = SORT_COLUMNS[request.sort];
    if (request.after) outer.push(keysetAfter(columns, [...request.after.keys, request.after.id], request.order));
    const records = await withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<NamespaceRecord[]>`SELECT * FROM ${derivedTable(orgId, Prisma.join(inner, ' AND '), now)}
        WHERE ${Prisma.join(outer, ' AND ')}
        ${keysetOrderBy(columns, request.order)}
        LIMIT ${request.limit}`,
    );
    return records.map(toRow);
  }

  /** A namespace by id, deleted or not. */
  async find(orgId: string, namespaceId: string, now: Date): Promise<NamespaceRow | null> {
    const [record] = await withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<NamespaceRecord[]>`SELECT * FROM ${derivedTable(orgId, Prisma.sql`n.id = ${namespaceId}::uuid`, now)}`,
    );
    return record ? toRow(record) : null;
  }
}
