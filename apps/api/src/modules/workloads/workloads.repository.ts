import { Injectable } from '@nestjs/common';
import type { SortOrder, WorkloadsQuery } from '@ratchet/contracts';
import { Prisma, withTenant } from '@ratchet/db';

import type { KeysetColumn } from '../../common/pagination/keyset-sql.util.js';
import { keysetAfter, keysetOrderBy } from '../../common/pagination/keyset-sql.util.js';
import { Database } from '../../infra/database.provider.js';
import { topLevelWorkload } from './top-level-workload.util.js';

/** A workload with its cluster and namespace names, its projection's hash and its open findings per level. */
export interface WorkloadRow {
  id: string;
  clusterId: string;
  clusterName: string;
  namespaceId: string;
  namespaceName: string;
  kind: string;
  name: string;
  uid: string;
  replicas: number | null;
  podCount: number;
  projectionHash: string;
  ownerChain: unknown;
  openBaseline: number;
  openRestricted: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  deletedAt: Date | null;
}

export type WorkloadSortField = WorkloadsQuery['sort'];

/** Which workloads to read: top-level ones, live or deleted, narrowed by the other fields. */
export interface WorkloadFilter {
  deleted: boolean;
  clusterId?: string | undefined;
  namespace?: string | undefined;
  kind?: string | undefined;
  failingLevel?: string | undefined;
}

/** One keyset page: rows strictly after `after` in the order `sort`, `order`. */
export interface WorkloadPageRequest {
  filter: WorkloadFilter;
  sort: WorkloadSortField;
  order: SortOrder;
  after?: { keys: readonly unknown[]; id: string } | undefined;
  limit: number;
}

const ID: KeysetColumn = { sql: Prisma.sql`w.id`, type: 'uuid' };
const NAME: KeysetColumn = { sql: Prisma.sql`w.name COLLATE "C"`, type: 'text' };

const SORT_COLUMNS: Record<WorkloadSortField, KeysetColumn[]> = {
  name: [NAME, ID],
  kind: [{ sql: Prisma.sql`w.kind`, type: 'workload_kind' }, NAME, ID],
  lastSeenAt: [{ sql: Prisma.sql`w.last_seen_at`, type: 'timestamptz' }, ID],
};

function openFindings(level: 'baseline' | 'restricted'): Prisma.Sql {
  return Prisma.sql`(SELECT count(*) FROM findings f
    WHERE f.org_id = w.org_id AND f.workload_id = w.id AND f.status = 'open' AND f.level = ${level}::pss_level)::int`;
}

const SELECT = Prisma.sql`
  SELECT w.id, w.cluster_id AS "clusterId", c.name AS "clusterName", w.namespace_id AS "namespaceId",
    n.name AS "namespaceName", w.kind::text AS kind, w.name, w.uid::text AS uid, w.replicas, w.pod_count AS "podCount",
    p.content_hash AS "projectionHash", w.owner_chain AS "ownerChain",
    ${openFindings('baseline')} AS "openBaseline", ${openFindings('restricted')} AS "openRestricted",
    w.first_seen_at AS "firstSeenAt", w.last_seen_at AS "lastSeenAt", w.deleted_at AS "deletedAt"
  FROM workloads w
  JOIN clusters c ON c.org_id = w.org_id AND c.id = w.cluster_id
  JOIN namespaces n ON n.org_id = w.org_id AND n.id = w.namespace_id
  JOIN security_projections p ON p.org_id = w.org_id AND p.id = w.projection_id`;

function conditions(orgId: string, filter: WorkloadFilter): Prisma.Sql {
  const parts = [
    Prisma.sql`w.org_id = ${orgId}::uuid`,
    filter.deleted ? Prisma.sql`w.deleted_at IS NOT NULL` : Prisma.sql`w.deleted_at IS NULL`,
    topLevelWorkload('w'),
  ];
  if (filter.clusterId !== undefined) parts.push(Prisma.sql`w.cluster_id = ${filter.clusterId}::uuid`);
  if (filter.namespace !== undefined) parts.push(Prisma.sql`n.name = ${filter.namespace}`);
  if (filter.kind !== undefined) parts.push(Prisma.sql`w.kind = ${filter.kind}::workload_kind`);
  if (filter.failingLevel !== undefined) {
    parts.push(Prisma.sql`EXISTS (SELECT 1 FROM findings f
      WHERE f.org_id = w.org_id AND f.workload_id = w.id AND f.status = 'open' AND f.level = ${filter.failingLevel}::pss_level)`);
  }
  return Prisma.join(parts, ' AND ');
}

@Injectable()
export class WorkloadsRepository {
  constructor(private readonly database: Database) {}

  async page(orgId: string, request: WorkloadPageRequest): Promise<WorkloadRow[]> {
    const columns = SORT_COLUMNS[request.sort];
    const after = request.after
      ? Prisma.sql`AND ${keysetAfter(columns, [...request.after.keys, request.after.id], request.order)}`
      : Prisma.empty;
    return withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<WorkloadRow[]>`${SELECT}
        WHERE ${conditions(orgId, request.filter)} ${after}
        ${keysetOrderBy(columns, request.order)}
        LIMIT ${request.limit}`,
    );
  }

  /** A workload by id, live or deleted, top-level or not. */
  async find(orgId: string, workloadId: string): Promise<WorkloadRow | null> {
    const [row] = await withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<WorkloadRow[]>`${SELECT} WHERE w.org_id = ${orgId}::uuid AND w.id = ${workloadId}::uuid`,
    );
    return row ?? null;
  }
}
