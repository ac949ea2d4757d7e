import { Inject, Injectable } from '@nestjs/common';
import { AuditSource, ClusterName, PsaConfiguration, PsaContradiction, resolvePsaConfiguration } from '@ratchet/contracts';
import type { ClusterCreated, ClusterSummary, ClustersPage, ClustersQuery, CreateClusterRequest, UpdateClusterRequest } from '@ratchet/contracts';
import { z } from 'zod';

import { TOKEN_PREFIX, issueToken } from '../../common/auth/token.util.js';
import type { TenantContext } from '../../common/auth/tenant-context.js';
import { AppError, notFound } from '../../common/errors/app-error.js';
import { decodeKeysetCursor, keysetPage } from '../../common/pagination/keyset-cursor.util.js';
import type { KeysetSort } from '../../common/pagination/keyset-cursor.util.js';
import { API_CONFIG } from '../../config/api-config.js';
import type { ApiConfig } from '../../config/api-config.js';
import { Clock } from '../../infra/clock.provider.js';
import { ReadinessRequeue } from '../readiness-requeue/readiness-requeue.service.js';
import { renderAgentInstall } from './agent-install.util.js';
import { agentStatus, lastSeenRange } from './agent-status.util.js';
import { ClustersRepository, DuplicateClusterNameError } from './clusters.repository.js';
import type { ClusterPosition, ClusterRow } from './clusters.repository.js';

/** The name of the token a cluster is created with. */
const FIRST_AGENT_TOKEN_NAME = 'created with the cluster';

// Clusters are listed by name only: few enough per organization that other orders are the client's to make.
const LIST_SORT: KeysetSort = { field: 'name', order: 'asc' };
const LIST_KEYS = z.tuple([ClusterName]);

// Written by ingest from a validated heartbeat; anything else reads as unknown rather than failing the page.
const StoredAuditSource = AuditSource.nullable().catch(null);
const StoredPsaConfiguration = PsaConfiguration.nullable().catch(null);

function toClusterSummary(row: ClusterRow, now: Date): ClusterSummary {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    agent: {
      status: agentStatus(row.lastSeenAt, now),
      version: row.agentVersion,
      kubernetesVersion: row.kubernetesVersion,
      auditSource: StoredAuditSource.parse(row.auditSource),
    },
    psaConfiguration: StoredPsaConfiguration.parse(row.psaConfiguration),
    psaConfigurationOverride: StoredPsaConfiguration.parse(row.psaConfigurationOverride ?? null),
    effectivePsaConfiguration: resolvePsaConfiguration(row.psaConfigurationOverride, row.psaConfiguration, row.organizationPsaConfiguration),
    psaContradictions: row.psaContradictions.flatMap((item) => {
      const parsed = PsaContradiction.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    }),
    counts: row.counts,
  };
}

function decodePosition(cursor: string): ClusterPosition {
  const position = decodeKeysetCursor(cursor, LIST_SORT, LIST_KEYS);
  return { name: position.keys[0], id: position.id };
}

function duplicateName(name: string): AppError {
  return new AppError('conflict', `a cluster named "${name}" already exists in this organization; choose another name`);
}

@Injectable()
export class ClustersService {
  constructor(
    private readonly clusters: ClustersRepository,
    private readonly readiness: ReadinessRequeue,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    // The agent's status (connected, silent...) is how long ago it was last seen, by the API's clock.
    private readonly clock: Clock,
  ) {}

  async list(ctx: TenantContext, query: ClustersQuery): Promise<ClustersPage> {
    const now = this.clock.now();
    const rows = await this.clusters.list(ctx.orgId, {
      ...(query.cursor !== undefined ? { after: decodePosition(query.cursor) } : {}),
      ...(query.agentStatus !== undefined ? { lastSeen: lastSeenRange(query.agentStatus, now) } : {}),
      limit: query.limit + 1,
    }, now);
    return keysetPage(rows, query.limit, LIST_SORT, (row) => toClusterSummary(row, now), (row) => ({ keys: [row.name], id: row.id }));
  }

  async get(ctx: TenantContext, clusterId: string): Promise<ClusterSummary> {
    const now = this.clock.now();
    const row = await this.clusters.find(ctx.orgId, clusterId, now);
    if (!row) throw notFound('cluster');
    return toClusterSummary(row, now);
  }

  async create(ctx: TenantContext, request: CreateClusterRequest): Promise<ClusterCreated> {
    const token = issueToken(TOKEN_PREFIX.agentToken);
    const now = this.clock.now();
    let row: ClusterRow;
    try {
      row = await this.clusters.create(ctx.orgId, request.name, {
        name: FIRST_AGENT_TOKEN_NAME,
        tokenHash: token.hash,
        tokenPrefix: token.displayPrefix,
      }, now);
    } catch (error) {
      if (error instanceof DuplicateClusterNameError) throw duplicateName(request.name);
      throw error;
    }
    return {
      cluster: toClusterSummary(row, now),
      agentToken: token.token,
      install: renderAgentInstall({
        apiUrl: this.config.RATCHET_PUBLIC_URL,
        chart: this.config.RATCHET_AGENT_HELM_CHART,
        clusterName: row.name,
        token: token.token,
      }),
    };
  }

  /** Renames the cluster and/or sets its PSA configuration; a configuration change re-queues its readiness. */
  async update(ctx: TenantContext, clusterId: string, request: UpdateClusterRequest): Promise<ClusterSummary> {
    let updated: Awaited<ReturnType<ClustersRepository['update']>>;
    const now = this.clock.now();
    try {
      updated = await this.clusters.update(ctx.orgId, clusterId, request, now);
    } catch (error) {
      if (error instanceof DuplicateClusterNameError && request.name !== undefined) throw duplicateName(request.name);
      throw error;
    }
    if (!updated) throw notFound('cluster');
    await this.readiness.dispatch(updated.outbox);
    return toClusterSummary(updated.row, now);
  }

  async delete(ctx: TenantContext, clusterId: string): Promise<void> {
    if (!(await this.clusters.delete(ctx.orgId, clusterId))) throw notFound('cluster');
  }
}
