import { Controller, Get } from '@nestjs/common';
import { ClusterDrift, ClusterParams, DriftQuery } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { DriftService } from './drift.service.js';

@Controller('api/v1/clusters/:clusterId/drift')
export class DriftController {
  constructor(private readonly drift: DriftService) {}

  @Get()
  @Endpoint({
    summary: "Version drift: for namespaces pinned to a version, the workloads and checks latest (the cluster's release) would additionally reject",
    tag: 'drift',
    auth: 'user',
    role: 'viewer',
    params: ClusterParams,
    query: DriftQuery,
    response: ClusterDrift,
  })
  list(@Tenant() ctx: TenantContext, @Input('params') params: ClusterParams, @Input('query') query: DriftQuery): Promise<ClusterDrift> {
    return this.drift.list(ctx, params.clusterId, query);
  }
}
