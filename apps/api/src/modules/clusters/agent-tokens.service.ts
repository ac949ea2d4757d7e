import { Inject, Injectable } from '@nestjs/common';
import type { AgentTokenIssued, AgentTokenList, AgentTokenSummary, IssueAgentTokenRequest } from '@ratchet/contracts';

import { TOKEN_PREFIX, issueToken } from '../../common/auth/token.util.js';
import type { TenantContext } from '../../common/auth/tenant-context.js';
import { notFound } from '../../common/errors/app-error.js';
import { API_CONFIG } from '../../config/api-config.js';
import type { ApiConfig } from '../../config/api-config.js';
import { renderAgentInstall } from './agent-install.util.js';
import { AgentTokensRepository } from './agent-tokens.repository.js';
import type { AgentTokenRow } from './agent-tokens.repository.js';

function toAgentTokenSummary(row: AgentTokenRow): AgentTokenSummary {
  return {
    id: row.id,
    clusterId: row.clusterId,
    name: row.name,
    prefix: row.tokenPrefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class AgentTokensService {
  constructor(
    private readonly tokens: AgentTokensRepository,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async list(ctx: TenantContext, clusterId: string): Promise<AgentTokenList> {
    const rows = await this.tokens.list(ctx.orgId, clusterId);
    if (!rows) throw notFound('cluster');
    return { items: rows.map(toAgentTokenSummary) };
  }

  /** Another token for the cluster, e.g. to rotate without a gap: install it, then revoke the old one. */
  async issue(ctx: TenantContext, clusterId: string, request: IssueAgentTokenRequest): Promise<AgentTokenIssued> {
    const token = issueToken(TOKEN_PREFIX.agentToken);
    const name = request.name ?? `issued ${new Date().toISOString().slice(0, 10)}`;
    const created = await this.tokens.create(ctx.orgId, clusterId, { name, tokenHash: token.hash, tokenPrefix: token.displayPrefix });
    if (!created) throw notFound('cluster');
    return {
      token: toAgentTokenSummary(created.token),
      agentToken: token.token,
      install: renderAgentInstall({
        apiUrl: this.config.RATCHET_PUBLIC_URL,
        chart: this.config.RATCHET_AGENT_HELM_CHART,
        clusterName: created.clusterName,
        token: token.token,
      }),
    };
  }

  /** Revokes a token: its agent gets 401 from then on. Revoking twice is harmless. */
  async revoke(ctx: TenantContext, clusterId: string, tokenId: string): Promise<AgentTokenSummary> {
    const row = await this.tokens.revoke(ctx.orgId, clusterId, tokenId, new Date());
    if (!row) throw notFound('agent token');
    return toAgentTokenSummary(row);
  }
}
