import { Controller, Delete, Get, Post } from '@nestjs/common';
import { AgentTokenIssued, AgentTokenList, AgentTokenParams, AgentTokenSummary, ClusterParams, IssueAgentTokenRequest } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { AgentTokensService } from './agent-tokens.service.js';

const TAG = 'clusters';

@Controller('api/v1/clusters/:clusterId/agent-tokens')
export class AgentTokensController {
  constructor(private readonly tokens: AgentTokensService) {}

  @Get()
  @Endpoint({
    summary: "List a cluster's agent tokens, revoked ones included",
    tag: TAG,
    auth: 'user',
    role: 'admin',
    params: ClusterParams,
    response: AgentTokenList,
  })
  list(@Tenant() ctx: TenantContext, @Input('params') params: ClusterParams): Promise<AgentTokenList> {
    return this.tokens.list(ctx, params.clusterId);
  }

  @Post()
  @Endpoint({
    summary: 'Issue another agent token for a cluster (shown once), e.g. to rotate',
    tag: TAG,
    auth: 'user',
    role: 'admin',
    params: ClusterParams,
    body: IssueAgentTokenRequest,
    response: AgentTokenIssued,
  })
  issue(
    @Tenant() ctx: TenantContext,
    @Input('params') params: ClusterParams,
    @Input('body') body: IssueAgentTokenRequest,
  ): Promise<AgentTokenIssued> {
    return this.tokens.issue(ctx, params.clusterId, body);
  }

  @Delete(':tokenId')
  @Endpoint({
    summary: 'Revoke an agent token: its agent is refused from then on',
    tag: TAG,
    auth: 'user',
    role: 'admin',
    params: AgentTokenParams,
    response: AgentTokenSummary,
  })
  revoke(@Tenant() ctx: TenantContext, @Input('params') params: AgentTokenParams): Promise<AgentTokenSummary> {
    return this.tokens.revoke(ctx, params.clusterId, params.tokenId);
  }
}
