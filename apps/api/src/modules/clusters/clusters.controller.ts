import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import {
  ClusterCreated,
  ClusterParams,
  ClusterSummary,
  ClustersPage,
  ClustersQuery,
  CreateClusterRequest,
  UpdateClusterRequest,
} from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { ClustersService } from './clusters.service.js';

const TAG = 'clusters';

@Controller('api/v1/clusters')
export class ClustersController {
  constructor(private readonly clusters: ClustersService) {}

  @Get()
  @Endpoint({
    summary: 'List clusters with agent status and counts, by name',
    tag: TAG,
    auth: 'user',
    role: 'viewer',
    query: ClustersQuery,
    response: ClustersPage,
  })
  list(@Tenant() ctx: TenantContext, @Input('query') query: ClustersQuery): Promise<ClustersPage> {
    return this.clusters.list(ctx, query);
  }

  @Post()
  @Endpoint({
    summary: 'Register a cluster: returns its agent token (shown once) and the agent install snippet',
    tag: TAG,
    auth: 'user',
    role: 'admin',
    body: CreateClusterRequest,
    response: ClusterCreated,
  })
  create(@Tenant() ctx: TenantContext, @Input('body') body: CreateClusterRequest): Promise<ClusterCreated> {
    return this.clusters.create(ctx, body);
  }

  @Get(':clusterId')
  @Endpoint({ summary: 'Get a cluster', tag: TAG, auth: 'user', role: 'viewer', params: ClusterParams, response: ClusterSummary })
  get(@Tenant() ctx: TenantContext, @Input('params') params: ClusterParams): Promise<ClusterSummary> {
    return this.clusters.get(ctx, params.clusterId);
  }

  @Patch(':clusterId')
  @Endpoint({
    summary: 'Rename a cluster and/or set its Pod Security admission configuration (overrides the agent-reported one; re-queues readiness)',
    tag: TAG,
    auth: 'user',
    role: 'admin',
    params: ClusterParams,
    body: UpdateClusterRequest,
    response: ClusterSummary,
  })
  update(
    @Tenant() ctx: TenantContext,
    @Input('params') params: ClusterParams,
    @Input('body') body: UpdateClusterRequest,
  ): Promise<ClusterSummary> {
    return this.clusters.update(ctx, params.clusterId, body);
  }

  @Delete(':clusterId')
  @HttpCode(204)
  @Endpoint({
    summary: 'Delete a cluster and all of its data; its agent tokens stop working',
    tag: TAG,
    auth: 'user',
    role: 'admin',
    params: ClusterParams,
    status: 204,
  })
  delete(@Tenant() ctx: TenantContext, @Input('params') params: ClusterParams): Promise<void> {
    return this.clusters.delete(ctx, params.clusterId);
  }
}
