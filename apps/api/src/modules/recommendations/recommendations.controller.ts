import { Controller, Get } from '@nestjs/common';
import { NamespaceParams, NamespaceRecommendation } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { RecommendationsService } from './recommendations.service.js';

@Controller('api/v1/namespaces/:namespaceId/recommendation')
export class RecommendationsController {
  constructor(private readonly recommendations: RecommendationsService) {}

  @Get()
  @Endpoint({
    summary: 'The next safe Pod Security label set of a namespace (staged rollout), as YAML and a kubectl label command, with the reasoning',
    tag: 'recommendations',
    auth: 'user',
    role: 'viewer',
    params: NamespaceParams,
    response: NamespaceRecommendation,
  })
  get(@Tenant() ctx: TenantContext, @Input('params') params: NamespaceParams): Promise<NamespaceRecommendation> {
    return this.recommendations.recommend(ctx, params.namespaceId);
  }
}
