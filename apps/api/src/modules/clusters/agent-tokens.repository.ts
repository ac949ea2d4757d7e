import { Injectable } from '@nestjs/common';
import { withTenant } from '@ratchet/db';

import { Database } from '../../infra/database.provider.js';
import type { NewAgentToken } from './clusters.repository.js';

export interface AgentTokenRow {
  id: string;
  clusterId: string;
  name: string;
  tokenPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const COLUMNS = { id: true, clusterId: true, name: true, tokenPrefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

@Injectable()
export class AgentTokensRepository {
  constructor(private readonly database: Database) {}

  /** The cluster's tokens, newest first; null when the organization has no such cluster. */
  async list(orgId: string, clusterId: string): Promise<AgentTokenRow[] | null> {
    return withTenant(this.database.client, orgId, async (tx) => {
      const cluster = await tx.cluster.findUnique({ where: { orgId_id: { orgId, id: clusterId } }, select: { id: true } });
      if (!cluster) return null;
      return tx.agentToken.findMany({ where: { orgId, clusterId }, select: COLUMNS, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    });
  }

  /** Stores another token of the cluster; null when the organization has no such cluster. */
  async create(orgId: string, clusterId: string, token: NewAgentToken): Promise<{ clusterName: string; token: AgentTokenRow } | null> {
    return withTenant(this.database.client, orgId, async (tx) => {
      const cluster = await tx.cluster.findUnique({ where: { orgId_id: { orgId, id: clusterId } }, select: { name: true } });
      if (!cluster) return null;
      const created = await tx.agentToken.create({ data: { orgId, clusterId, ...token }, select: COLUMNS });
      return { clusterName: cluster.name, token: created };
    });
  }

  /** Revokes the token once (a second revoke keeps the first time); null when the cluster has no such token. */
  async revoke(orgId: string, clusterId: string, tokenId: string, now: Date): Promise<AgentTokenRow | null> {
    return withTenant(this.database.client, orgId, async (tx) => {
      await tx.agentToken.updateMany({ where: { orgId, clusterId, id: tokenId, revokedAt: null }, data: { revokedAt: now } });
      return tx.agentToken.findFirst({ where: { orgId, clusterId, id: tokenId }, select: COLUMNS });
    });
  }
}
