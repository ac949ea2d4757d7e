import { Injectable } from '@nestjs/common';
import type { FindingSortField, FindingStatus, SortOrder } from '@ratchet/contracts';
import { Prisma, withTenant } from '@ratchet/db';

import type { KeysetColumn } from '../../common/pagination/keyset-sql.util.js';
import { keysetAfter, keysetOrderBy } from '../../common/pagination/keyset-sql.util.js';
import { Database } from '../../infra/database.provider.js';

/** A finding with its cluster's name and its workload's uid and pod count. */
export interface FindingRow {
  id: string;
  clusterId: string;
  clusterName: string;
  namespaceName: string;
  workloadKind: string;
  workloadName: string;
  workloadUid: string;
  workloadPodCount: number;
  level: string;
  version: string;
  checkId: string;
  status: FindingStatus;
  message: string;
  detail: unknown;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
}

/** Which findings to read; every field narrows. */
export interface FindingFilter {
  status: FindingStatus;
  clusterId?: string | undefined;
  namespace?: string | undefined;
  level?: string | undefined;
  checkId?: string | undefined;
  version?: string | undefined;
  workloadKind?: string | undefined;
  workloadName?: string | undefined;
  workloadId?: string | undefined;
}

/** One keyset page: rows strictly after `after` in the order `sort`, `order`. */
export interface FindingPageRequest {
  filter: FindingFilter;
  sort: FindingSortField;
  order: SortOrder;
  after?: { keys: readonly unknown[]; id: string } | undefined;
  limit: number;
}

const ID: KeysetColumn = { sql: Prisma.sql`f.id`, type: 'uuid' };

// Text keys sort bytewise (COLLATE "C"): Kubernetes names are ASCII, and clients can predict the order.
const SORT_COLUMNS: Record<FindingSortField, KeysetColumn[]> = {
  lastSeenAt: [{ sql: Prisma.sql`f.last_seen_at`, type: 'timestamptz' }, ID],
  firstSeenAt: [{ sql: Prisma.sql`f.first_seen_at`, type: 'timestamptz' }, ID],
  namespace: [{ sql: Prisma.sql`f.namespace_name COLLATE "C"`, type: 'text' }, ID],
  workload: [{ sql: Prisma.sql`f.workload_name COLLATE "C"`, type: 'text' }, ID],
  level: [{ sql: Prisma.sql`f.level`, type: 'pss_level' }, ID],
  checkId: [{ sql: Prisma.sql`f.check_id COLLATE "C"`, type: 'text' }, ID],
};

function conditions(orgId: string, filter: FindingFilter): Prisma.Sql {
  const parts = [Prisma.sql`f.org_id = ${orgId}::uuid`, Prisma.sql`f.status = ${filter.status}::finding_status`];
  if (filter.clusterId !== undefined) parts.push(Prisma.sql`f.cluster_id = ${filter.clusterId}::uuid`);
  if (filter.namespace !== undefined) parts.push(Prisma.sql`f.namespace_name = ${filter.namespace}`);
  if (filter.level !== undefined) parts.push(Prisma.sql`f.level = ${filter.level}::pss_level`);
  if (filter.checkId !== undefined) parts.push(Prisma.sql`f.check_id = ${filter.checkId}`);
  if (filter.version !== undefined) parts.push(Prisma.sql`f.version = ${filter.version}`);
  if (filter.workloadKind !== undefined) parts.push(Prisma.sql`f.workload_kind = ${filter.workloadKind}::workload_kind`);
  if (filter.workloadName !== undefined) parts.push(Prisma.sql`f.workload_name = ${filter.workloadName}`);
  if (filter.workloadId !== undefined) parts.push(Prisma.sql`f.workload_id = ${filter.workloadId}::uuid`);
  return Prisma.join(parts, ' AND ');
}

const SELECT = Prisma.sql`
  SELECT f.id, f.cluster_id AS "clusterId", c.name AS "clusterName", f.namespace_name AS "namespaceName",
    f.workload_kind::text AS "workloadKind", f.workload_name AS "workloadName", w.uid::text AS "workloadUid",
    w.pod_count AS "workloadPodCount", f.level::text AS level, f.version, f.check_id AS "checkId",
    f.status::text AS status, f.message, f.detail, f.first_seen_at AS "firstSeenAt", f.last_seen_at AS "lastSeenAt",
    f.resolved_at AS "resolvedAt"
  FROM findings f
  JOIN clusters c ON c.org_id = f.org_id AND c.id = f.cluster_id
  JOIN workloads w ON w.org_id = f.org_id AND w.id = f.workload_id`;

@Injectable()
export class FindingsRepository {
  constructor(private readonly database: Database) {}

  /** Up to `limit` findings after the cursor position, in one tenant transaction. */
  async page(orgId: string, request: FindingPageRequest): Promise<FindingRow[]> {
    const columns = SORT_COLUMNS[request.sort];
    const after = request.after
      ? Prisma.sql`AND ${keysetAfter(columns, [...request.after.keys, request.after.id], request.order)}`
      : Prisma.empty;
    return withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<FindingRow[]>`${SELECT}
        WHERE ${conditions(orgId, request.filter)} ${after}
        ${keysetOrderBy(columns, request.order)}
        LIMIT ${request.limit}`,
    );
  }

  async find(orgId: string, findingId: string): Promise<FindingRow | null> {
    const [row] = await withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<FindingRow[]>`${SELECT} WHERE f.org_id = ${orgId}::uuid AND f.id = ${findingId}::uuid`,
    );
    return row ?? null;
  }
}
