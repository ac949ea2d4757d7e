import { Injectable } from '@nestjs/common';
import type { SortOrder } from '@ratchet/contracts';
import { Prisma, withTenant } from '@ratchet/db';

import type { KeysetColumn } from '../../common/pagination/keyset-sql.util.js';
import { keysetAfter, keysetOrderBy } from '../../common/pagination/keyset-sql.util.js';
import { Database } from '../../infra/database.provider.js';

/** A stored audit-mode violation with its cluster's name. */
export interface AuditEventRow {
  id: string;
  clusterId: string;
  clusterName: string;
  auditId: string;
  stage: string;
  time: Date;
  receivedAt: Date;
  verb: string;
  username: string;
  userGroups: string[];
  impersonatedUsername: string | null;
  impersonatedUserGroups: string[];
  objectResource: string;
  objectNamespace: string | null;
  objectName: string | null;
  objectApiGroup: string | null;
  objectApiVersion: string | null;
  objectSubresource: string | null;
  namespaceName: string;
  dryRun: boolean;
  level: string | null;
  version: string | null;
  checks: unknown;
  unparsed: boolean;
  parseError: string | null;
  auditViolations: string;
  annotationKeyPrefix: string | null;
  enforcePolicy: string | null;
  responseCode: number | null;
}

/** Which events to read: a time range (`from` inclusive, `to` exclusive), narrowed by the other fields. */
export interface AuditEventFilter {
  from: Date;
  to: Date;
  clusterId?: string | undefined;
  namespace?: string | undefined;
  username?: string | undefined;
  impersonatedUsername?: string | undefined;
  resource?: string | undefined;
  checkId?: string | undefined;
  level?: string | undefined;
  dryRun?: boolean | undefined;
  unparsed?: boolean | undefined;
}

/** One keyset page in time order: rows strictly after `after`. */
export interface AuditEventPageRequest {
  filter: AuditEventFilter;
  order: SortOrder;
  after?: { time: string; id: string } | undefined;
  limit: number;
}

const COLUMNS: KeysetColumn[] = [
  { sql: Prisma.sql`a.time`, type: 'timestamptz' },
  { sql: Prisma.sql`a.id`, type: 'uuid' },
];

const SELECT = Prisma.sql`
  SELECT a.id, a.cluster_id AS "clusterId", c.name AS "clusterName", a.audit_id AS "auditId", a.stage::text AS stage, a.time,
    a.received_at AS "receivedAt", a.verb, a.username, a.user_groups AS "userGroups",
    a.impersonated_username AS "impersonatedUsername", a.impersonated_user_groups AS "impersonatedUserGroups",
    a.object_resource AS "objectResource", a.object_namespace AS "objectNamespace", a.object_name AS "objectName",
    a.object_api_group AS "objectApiGroup", a.object_api_version AS "objectApiVersion", a.object_subresource AS "objectSubresource",
    a.namespace_name AS "namespaceName", a.dry_run AS "dryRun", a.level::text AS level, a.version, a.checks, a.unparsed,
    a.parse_error AS "parseError", a.audit_violations AS "auditViolations", a.annotation_key_prefix AS "annotationKeyPrefix",
    a.enforce_policy AS "enforcePolicy", a.response_code AS "responseCode"
  FROM audit_events a
  JOIN clusters c ON c.org_id = a.org_id AND c.id = a.cluster_id`;

function conditions(orgId: string, filter: AuditEventFilter): Prisma.Sql {
  // The time bounds come first and are plain comparisons on the partition key, so only the months in range
  // are scanned.
  const parts = [
    Prisma.sql`a.org_id = ${orgId}::uuid`,
    Prisma.sql`a.time >= ${filter.from.toISOString()}::timestamptz`,
    Prisma.sql`a.time < ${filter.to.toISOString()}::timestamptz`,
  ];
  if (filter.clusterId !== undefined) parts.push(Prisma.sql`a.cluster_id = ${filter.clusterId}::uuid`);
  if (filter.namespace !== undefined) parts.push(Prisma.sql`a.namespace_name = ${filter.namespace}`);
  if (filter.username !== undefined) parts.push(Prisma.sql`a.username = ${filter.username}`);
  if (filter.impersonatedUsername !== undefined) parts.push(Prisma.sql`a.impersonated_username = ${filter.impersonatedUsername}`);
  if (filter.resource !== undefined) parts.push(Prisma.sql`a.object_resource = ${filter.resource}`);
  if (filter.dryRun !== undefined) parts.push(Prisma.sql`a.dry_run = ${filter.dryRun}`);
  if (filter.unparsed !== undefined) parts.push(Prisma.sql`a.unparsed = ${filter.unparsed}`);
  // Containment filters the rows the (org_id, time, id) index yields; see the query_indexes migration for why
  // a GIN index would not help under row-level security.
  if (filter.checkId !== undefined) parts.push(Prisma.sql`a.checks @> ${JSON.stringify([{ id: filter.checkId }])}::jsonb`);
  if (filter.level !== undefined) parts.push(Prisma.sql`a.level = ${filter.level}::pss_level`);
  return Prisma.join(parts, ' AND ');
}

@Injectable()
export class AuditEventsRepository {
  constructor(private readonly database: Database) {}

  async page(orgId: string, request: AuditEventPageRequest): Promise<AuditEventRow[]> {
    const after = request.after
      ? Prisma.sql`AND ${keysetAfter(COLUMNS, [request.after.time, request.after.id], request.order)}`
      : Prisma.empty;
    return withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<AuditEventRow[]>`${SELECT}
        WHERE ${conditions(orgId, request.filter)} ${after}
        ${keysetOrderBy(COLUMNS, request.order)}
        LIMIT ${request.limit}`,
    );
  }

  /** An event by id. The table is partitioned by time, so this probes each partition's (org_id, id, time) key. */
  async find(orgId: string, auditEventId: string): Promise<AuditEventRow | null> {
    const [row] = await withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<AuditEventRow[]>`${SELECT} WHERE a.org_id = ${orgId}::uuid AND a.id = ${auditEventId}::uuid`,
    );
    return row ?? null;
  }
}
