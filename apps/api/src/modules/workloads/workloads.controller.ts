import { Controller, Get } from '@nestjs/common';
import { WorkloadDetail, WorkloadParams, WorkloadsPage, WorkloadsQuery } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { WorkloadsService } from './workloads.service.js';

const TAG = 'workloads';

@Controller('api/v1/workloads')
export class WorkloadsController {
  constructor(private readonly workloads: WorkloadsService) {}

  @Get()
  @Endpoint({
    summary: 'List top-level workloads with their open findings per level: filter by cluster, namespace, kind; by cursor',
    tag: TAG,
    auth: 'user',
    role: 'viewer',
    query: WorkloadsQuery,
    response: WorkloadsPage,
  })
  list(@Tenant() ctx: TenantContext, @Input('query') query: WorkloadsQuery): Promise<WorkloadsPage> {
    return this.workloads.list(ctx, query);
  }

  @Get(':workloadId')
  @Endpoint({
    summary: 'Get a workload with its controllers and open findings',
    tag: TAG,
    auth: 'user',
    role: 'viewer',
    params: WorkloadParams,
    response: WorkloadDetail,
  })
  get(@Tenant() ctx: TenantContext, @Input('params') params: WorkloadParams): Promise<WorkloadDetail> {
    return this.workloads.get(ctx, params.workloadId);
  }
}
