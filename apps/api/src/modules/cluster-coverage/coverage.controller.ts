import { Controller, Get } from '@nestjs/common';
import { ClusterCoverage, ClusterParams } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { CoverageService } from './coverage.service.js';

@Controller('api/v1/clusters/:clusterId/coverage')
export class CoverageController {
  constructor(private readonly coverage: CoverageService) {}

  @Get()
  @Endpoint({
    summary:
      'Namespaces Pod Security does not knowingly cover: unlabeled, invalid labels (and what PSA falls back to), allowlisted, privileged outside the allowlist (flagged), exempt, unreported. Not compliance.',
    tag: 'clusters',
    auth: 'user',
    role: 'viewer',
    params: ClusterParams,
    response: ClusterCoverage,
  })
  get(@Tenant() ctx: TenantContext, @Input('params') params: ClusterParams): Promise<ClusterCoverage> {
    return this.coverage.get(ctx, params.clusterId);
  }
}
