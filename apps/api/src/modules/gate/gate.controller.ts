import { Controller, Get } from '@nestjs/common';
import { ClusterParams, GateQuery, GateResult } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { GateService } from './gate.service.js';

@Controller('api/v1/clusters/:clusterId/gate')
export class GateController {
  constructor(private readonly gates: GateService) {}

  @Get()
  @Endpoint({
    summary: 'CI gate: may these namespaces enforce a level at a version? The verdict and what blocks it (rejected workloads, audit-mode violations within the readiness window)',
    tag: 'gate',
    auth: 'user',
    role: 'viewer',
    params: ClusterParams,
    query: GateQuery,
    response: GateResult,
  })
  gate(@Tenant() ctx: TenantContext, @Input('params') params: ClusterParams, @Input('query') query: GateQuery): Promise<GateResult> {
    return this.gates.gate(ctx, params.clusterId, query);
  }
}
