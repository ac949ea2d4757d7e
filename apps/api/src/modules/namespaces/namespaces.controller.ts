import { Controller, Get } from '@nestjs/common';
import { NamespaceParams, NamespaceSummary, NamespacesPage, NamespacesQuery } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { NamespacesService } from './namespaces.service.js';

const TAG = 'namespaces';

@Controller('api/v1/namespaces')
export class NamespacesController {
  constructor(private readonly namespaces: NamespacesService) {}

  @Get()
  @Endpoint({
    summary: 'List namespaces with their Pod Security labels, readiness per level and counts; by cursor',
    tag: TAG,
    auth: 'user',
    role: 'viewer',
    query: NamespacesQuery,
    response: NamespacesPage,
  })
  list(@Tenant() ctx: TenantContext, @Input('query') query: NamespacesQuery): Promise<NamespacesPage> {
    return this.namespaces.list(ctx, query);
  }

  @Get(':namespaceId')
  @Endpoint({ summary: 'Get a namespace', tag: TAG, auth: 'user', role: 'viewer', params: NamespaceParams, response: NamespaceSummary })
  get(@Tenant() ctx: TenantContext, @Input('params') params: NamespaceParams): Promise<NamespaceSummary> {
    return this.namespaces.get(ctx, params.namespaceId);
  }
}
