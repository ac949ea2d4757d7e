import { Controller, Get } from '@nestjs/common';
import { ClusterParams, ClusterTrends, NamespaceParams, NamespaceTrends, TrendsQuery } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { TrendsService } from './trends.service.js';

const TAG = 'trends';

@Controller('api/v1')
export class TrendsController {
  constructor(private readonly trends: TrendsService) {}

  @Get('clusters/:clusterId/trends')
  @Endpoint({
    summary: "A cluster's hourly or daily trend per level: violating workloads and pods, audit violations, findings, by check",
    tag: TAG,
    auth: 'user',
    role: 'viewer',
    params: ClusterParams,
    query: TrendsQuery,
    response: ClusterTrends,
  })
  cluster(@Tenant() ctx: TenantContext, @Input('params') params: ClusterParams, @Input('query') query: TrendsQuery): Promise<ClusterTrends> {
    return this.trends.cluster(ctx, params.clusterId, query);
  }

  @Get('namespaces/:namespaceId/trends')
  @Endpoint({
    summary: "A namespace's hourly or daily trend per level, with its estimated ready date from the daily trend",
    tag: TAG,
    auth: 'user',
    role: 'viewer',
    params: NamespaceParams,
    query: TrendsQuery,
    response: NamespaceTrends,
  })
  namespace(@Tenant() ctx: TenantContext, @Input('params') params: NamespaceParams, @Input('query') query: TrendsQuery): Promise<NamespaceTrends> {
    return this.trends.namespace(ctx, params.namespaceId, query);
  }
}
