import { Injectable } from '@nestjs/common';
import { Prisma, withTenant } from '@ratchet/db';
import type { Transaction } from '@ratchet/db';

import { uniqueViolation } from '../../common/errors/postgres-error.util.js';
import { keysetAfter, keysetOrderBy } from '../../common/pagination/keyset-sql.util.js';
import type { KeysetColumn } from '../../common/pagination/keyset-sql.util.js';
import { Database } from '../../infra/database.provider.js';
import { topLevelWorkload } from '../workloads/top-level-workload.util.js';
import type { LastSeenRange } from './agent-status.util.js';

/** A cluster with what its agent last reported and the counts of its inventory. */
export interface ClusterRow {
  id: string;
  name: string;
  createdAt: Date;
  lastSeenAt: Date | null;
  agentVersion: string | null;
  kubernetesVersion: string | null;
  /** From the agent's last heartbeat, as stored: the service checks them against their contracts. */
  auditSource: string | null;
  psaConfiguration: unknown;
  counts: { namespaces: number; workloads: number; pods: number; openFindings: number };
}

/** Where a page of clusters, in (name, id) order, ended. */
export interface ClusterPosition {
  name: string;
  id: string;
}

export interface ClusterListFilter {
  after?: ClusterPosition;
  lastSeen?: LastSeenRange;
  limit: number;
}

/** An agent token to store: its hash and display prefix, never the token. */
export interface NewAgentToken {
  name: string;
  tokenHash: string;
  tokenPrefix: string;
}

/** A name another cluster of the organization already has. */
export class DuplicateClusterNameError extends Error {
  override readonly name = 'DuplicateClusterNameError';
}

interface SummaryRecord {
  id: string;
  name: string;
  created_at: Date;
  last_seen_at: Date | null;
  agent_version: string | null;
  kubernetes_version: string | null;
  audit_source: string | null;
  psa_configuration: unknown;
  namespaces: number;
  workloads: number;
  pods: number;
  open_findings: number;
}

const ORDER: KeysetColumn[] = [
  { sql: Prisma.sql`c.name`, type: 'text' },
  { sql: Prisma.sql`c.id`, type: 'uuid' },
];

function lastSeenCondition(range: LastSeenRange): Prisma.Sql {
  if (range.never) return Prisma.sql`AND c.last_seen_at IS NULL`;
  return Prisma.sql`AND c.last_seen_at IS NOT NULL
    ${range.after ? Prisma.sql`AND c.last_seen_at > ${range.after}::timestamptz` : Prisma.empty}
    ${range.notAfter ? Prisma.sql`AND c.last_seen_at <= ${range.notAfter}::timestamptz` : Prisma.empty}`;
}

/**
 * One page of clusters with their counts, in one statement: the page is chosen first, then each count is one
 * grouped scan restricted to the page's clusters. Only top-level workloads count, as the workload list shows them.
 */
async function selectSummaries(tx: Transaction, orgId: string, where: Prisma.Sql, limit: number): Promise<ClusterRow[]> {
  const records = await tx.$queryRaw<SummaryRecord[]>`
    WITH page AS (
      SELECT c.id, c.name, c.created_at, c.last_seen_at, c.agent_version, c.kubernetes_version, c.audit_source::text AS audit_source,
        c.psa_configuration
      FROM clusters c
      WHERE c.org_id = ${orgId}::uuid ${where}
      ${keysetOrderBy(ORDER, 'asc')}
      LIMIT ${limit}
    )
    SELECT page.*,
      COALESCE(ns.count, 0)::int AS namespaces,
      COALESCE(wl.count, 0)::int AS workloads,
      COALESCE(po.count, 0)::int AS pods,
      COALESCE(fi.count, 0)::int AS open_findings
    FROM page
    LEFT JOIN (
      SELECT cluster_id, count(*) AS count FROM namespaces
      WHERE org_id = ${orgId}::uuid AND cluster_id IN (SELECT id FROM page) AND deleted_at IS NULL
      GROUP BY cluster_id
    ) ns ON ns.cluster_id = page.id
    LEFT JOIN (
      SELECT w.cluster_id, count(*) AS count FROM workloads w
      WHERE w.org_id = ${orgId}::uuid AND w.cluster_id IN (SELECT id FROM page) AND w.deleted_at IS NULL
        AND ${topLevelWorkload('w')}
      GROUP BY w.cluster_id
    ) wl ON wl.cluster_id = page.id
    LEFT JOIN (
      SELECT cluster_id, count(*) AS count FROM pods
      WHERE org_id = ${orgId}::uuid AND cluster_id IN (SELECT id FROM page)
      GROUP BY cluster_id
    ) po ON po.cluster_id = page.id
    LEFT JOIN (
      SELECT cluster_id, count(*) AS count FROM findings
      WHERE org_id = ${orgId}::uuid AND cluster_id IN (SELECT id FROM page) AND status = 'open'
      GROUP BY cluster_id
    ) fi ON fi.cluster_id = page.id
    ORDER BY page.name, page.id`;
  return records.map((record) => ({
    id: record.id,
    name: record.name,
    createdAt: record.created_at,
    lastSeenAt: record.last_seen_at,
    agentVersion: record.agent_version,
    kubernetesVersion: record.kubernetes_version,
    auditSource: record.audit_source,
    psaConfiguration: record.psa_configuration,
    counts: { namespaces: record.namespaces, workloads: record.workloads, pods: record.pods, openFindings: record.open_findings },
  }));
}

async function selectSummary(tx: Transaction, orgId: string, clusterId: string): Promise<ClusterRow | null> {
  const [row] = await selectSummaries(tx, orgId, Prisma.sql`AND c.id = ${clusterId}::uuid`, 1);
  return row ?? null;
}

@Injectable()
export class ClustersRepository {
  constructor(private readonly database: Database) {}

  async list(orgId: string, filter: ClusterListFilter): Promise<ClusterRow[]> {
    const after = filter.after ? Prisma.sql`AND ${keysetAfter(ORDER, [filter.after.name, filter.after.id], 'asc')}` : Prisma.empty;
    const lastSeen = filter.lastSeen ? lastSeenCondition(filter.lastSeen) : Prisma.empty;
    return withTenant(this.database.client, orgId, (tx) => selectSummaries(tx, orgId, Prisma.sql`${after} ${lastSeen}`, filter.limit));
  }

  async find(orgId: string, clusterId: string): Promise<ClusterRow | null> {
    return withTenant(this.database.client, orgId, (tx) => selectSummary(tx, orgId, clusterId));
  }

  /** Creates the cluster and its first agent token together: a cluster is never left without a way in. */
  async create(orgId: string, name: string, token: NewAgentToken): Promise<ClusterRow> {
    try {
      return await withTenant(this.database.client, orgId, async (tx) => {
        const cluster = await tx.cluster.create({ data: { orgId, name } });
        await tx.agentToken.create({ data: { orgId, clusterId: cluster.id, ...token } });
        return {
          id: cluster.id,
          name: cluster.name,
          createdAt: cluster.createdAt,
          lastSeenAt: cluster.lastSeenAt,
          agentVersion: cluster.agentVersion,
          kubernetesVersion: cluster.kubernetesVersion,
          auditSource: cluster.auditSource,
          psaConfiguration: cluster.psaConfiguration,
          counts: { namespaces: 0, workloads: 0, pods: 0, openFindings: 0 },
        };
      });
    } catch (error) {
      if (uniqueViolation(error) !== undefined) throw new DuplicateClusterNameError(name);
      throw error;
    }
  }

  async rename(orgId: string, clusterId: string, name: string): Promise<ClusterRow | null> {
    try {
      return await withTenant(this.database.client, orgId, async (tx) => {
        const { count } = await tx.cluster.updateMany({ where: { orgId, id: clusterId }, data: { name } });
        return count === 0 ? null : selectSummary(tx, orgId, clusterId);
      });
    } catch (error) {
      if (uniqueViolation(error) !== undefined) throw new DuplicateClusterNameError(name);
      throw error;
    }
  }

  /** Deletes the cluster; foreign keys cascade to its tokens, inventory, findings, audit events and batches. */
  async delete(orgId: string, clusterId: string): Promise<boolean> {
    return withTenant(this.database.client, orgId, async (tx) => {
      const { count } = await tx.cluster.deleteMany({ where: { orgId, id: clusterId } });
      return count > 0;
    });
  }
}
