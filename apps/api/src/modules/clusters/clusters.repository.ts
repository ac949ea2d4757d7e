import { Injectable } from '@nestjs/common';
import { Prisma, withTenant } from '@ratchet/db';
import type { Transaction } from '@ratchet/db';
import type { OutboxEntry } from '@ratchet/jobs';
import { isDeepStrictEqual } from 'node:util';

import { uniqueViolation } from '../../common/errors/postgres-error.util.js';
import { keysetAfter, keysetOrderBy } from '../../common/pagination/keyset-sql.util.js';
import type { KeysetColumn } from '../../common/pagination/keyset-sql.util.js';
import { Database } from '../../infra/database.provider.js';
import { topLevelWorkload } from '../workloads/top-level-workload.util.js';
import { markReadinessStale } from '../readiness-requeue/readiness-requeue.repository.js';
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
  /** Set through the API; overrides psaConfiguration. */
  psaConfigurationOverride: unknown;
  /** The organization's default, for a cluster with neither. */
  organizationPsaConfiguration: unknown;
  /** What the worker found contradicting the configuration, per namespace (stored JSON). */
  psaContradictions: unknown[];
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
  psa_configuration_override: unknown;
  default_psa_configuration: unknown;
  psa_contradictions: unknown[] | null;
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
 * `now` is the API's clock: contradictions whose newest event is older than the window before it are left out.
 */
async function selectSummaries(tx: Transaction, orgId: string, where: Prisma.Sql, limit: number, now: Date): Promise<ClusterRow[]> {
  const records = await tx.$queryRaw<SummaryRecord[]>`
    WITH page AS (
      SELECT c.id, c.name, c.created_at, c.last_seen_at, c.agent_version, c.kubernetes_version, c.audit_source::text AS audit_source,
        c.psa_configuration, c.psa_configuration_override,
        (SELECT o.default_psa_configuration FROM organizations o WHERE o.id = c.org_id) AS default_psa_configuration
      FROM clusters c
      WHERE c.org_id = ${orgId}::uuid ${where}
      ${keysetOrderBy(ORDER, 'asc')}
      LIMIT ${limit}
    )
    SELECT page.*,
      COALESCE(ns.count, 0)::int AS namespaces,
      COALESCE(wl.count, 0)::int AS workloads,
      COALESCE(po.count, 0)::int AS pods,
      COALESCE(fi.count, 0)::int AS open_findings,
      pc.contradictions AS psa_contradictions
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
    -- One row per namespace carries its contradictions (they are the same at every level): the baseline one.
    LEFT JOIN LATERAL (
      SELECT jsonb_agg(x.item ORDER BY x.item->>'namespace', x.item->>'kind', x.item->>'observed') AS contradictions
      FROM (
        SELECT e.item FROM namespace_readiness r
        JOIN namespaces n ON n.org_id = r.org_id AND n.id = r.namespace_id AND n.deleted_at IS NULL
        CROSS JOIN LATERAL jsonb_array_elements(r.psa_contradictions) AS e(item)
        WHERE r.org_id = ${orgId}::uuid AND r.cluster_id = page.id AND r.level = 'baseline' AND r.psa_contradictions <> '[]'::jsonb
          -- Read late (before the readiness-expiry schedule recomputed the row), a contradiction whose newest event has
          -- left the window is not shown: only what the apiserver did within the window counts.
          AND (e.item->>'lastSeenAt')::timestamptz + make_interval(days => r.window_days) >= ${now}::timestamptz
        LIMIT 1000
      ) x
    ) pc ON TRUE
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
    psaConfigurationOverride: record.psa_configuration_override,
    organizationPsaConfiguration: record.default_psa_configuration,
    psaContradictions: record.psa_contradictions ?? [],
    counts: { namespaces: record.namespaces, workloads: record.workloads, pods: record.pods, openFindings: record.open_findings },
  }));
}

async function selectSummary(tx: Transaction, orgId: string, clusterId: string, now: Date): Promise<ClusterRow | null> {
  const [row] = await selectSummaries(tx, orgId, Prisma.sql`AND c.id = ${clusterId}::uuid`, 1, now);
  return row ?? null;
}

@Injectable()
export class ClustersRepository {
  constructor(private readonly database: Database) {}

  async list(orgId: string, filter: ClusterListFilter, now: Date): Promise<ClusterRow[]> {
    const after = filter.after ? Prisma.sql`AND ${keysetAfter(ORDER, [filter.after.name, filter.after.id], 'asc')}` : Prisma.empty;
    const lastSeen = filter.lastSeen ? lastSeenCondition(filter.lastSeen) : Prisma.empty;
    return withTenant(this.database.client, orgId, (tx) => selectSummaries(tx, orgId, Prisma.sql`${after} ${lastSeen}`, filter.limit, now));
  }

  async find(orgId: string, clusterId: string, now: Date): Promise<ClusterRow | null> {
    return withTenant(this.database.client, orgId, (tx) => selectSummary(tx, orgId, clusterId, now));
  }

  /** Creates the cluster and its first agent token together: a cluster is never left without a way in. */
  async create(orgId: string, name: string, token: NewAgentToken, now: Date): Promise<ClusterRow> {
    try {
      return await withTenant(this.database.client, orgId, async (tx) => {
        const cluster = await tx.cluster.create({ data: { orgId, name } });
        await tx.agentToken.create({ data: { orgId, clusterId: cluster.id, ...token } });
        return (await selectSummary(tx, orgId, cluster.id, now))!;
      });
    } catch (error) {
      if (uniqueViolation(error) !== undefined) throw new DuplicateClusterNameError(name);
      throw error;
    }
  }

  /**
   * Renames the cluster and/or sets (null: removes) its API-set PSA configuration. A configuration change marks
   * the cluster's namespaces and writes a readiness job to the outbox in the same transaction; the entries are
   * returned for the caller to enqueue after commit. Null when there is no such cluster.
   */
  async update(
    orgId: string,
    clusterId: string,
    change: { name?: string | undefined; psaConfiguration?: object | null | undefined },
    now: Date,
  ): Promise<{ row: ClusterRow; outbox: OutboxEntry[] } | null> {
    try {
      return await withTenant(this.database.client, orgId, async (tx) => {
        const [current] = await tx.$queryRaw<{ psa_configuration_override: unknown }[]>`
          SELECT psa_configuration_override FROM clusters WHERE org_id = ${orgId}::uuid AND id = ${clusterId}::uuid FOR UPDATE`;
        if (!current) return null;
        if (change.name !== undefined) await tx.cluster.updateMany({ where: { orgId, id: clusterId }, data: { name: change.name } });
        const psa = change.psaConfiguration;
        if (psa !== undefined) {
          await tx.$executeRaw`
            UPDATE clusters SET psa_configuration_override = ${psa === null ? null : JSON.stringify(psa)}::jsonb, updated_at = now()
            WHERE org_id = ${orgId}::uuid AND id = ${clusterId}::uuid`;
        }
        const changed = psa !== undefined && !isDeepStrictEqual(current.psa_configuration_override ?? null, psa);
        const outbox = changed ? await markReadinessStale(tx, orgId, [clusterId], 'inventory') : [];
        return { row: (await selectSummary(tx, orgId, clusterId, now))!, outbox };
      });
    } catch (error) {
      if (uniqueViolation(error) !== undefined) throw new DuplicateClusterNameError(change.name ?? '');
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
