import { Controller, HttpCode, Post } from '@nestjs/common';
import { ClusterParams, WhatIfRequest, WhatIfResult } from '@ratchet/contracts';
import type { WhatIfRequestParsed } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { WhatIfService } from './what-if.service.js';

@Controller('api/v1/clusters/:clusterId/what-if')
export class WhatIfController {
  constructor(private readonly whatIf: WhatIfService) {}

  // A question, not a change: POST only because the namespace list can be long; viewers may ask.
  @Post()
  @HttpCode(200)
  @Endpoint({
    summary:
      'What-if: the workloads and pods that would be rejected if the namespaces enforced a level at a version, with the failing checks, the kubectl warning and the fix for each',
    tag: 'what-if',
    auth: 'user',
    role: 'viewer',
    params: ClusterParams,
    body: WhatIfRequest,
    response: WhatIfResult,
    status: 200,
  })
  ask(@Tenant() ctx: TenantContext, @Input('params') params: ClusterParams, @Input('body') body: WhatIfRequestParsed): Promise<WhatIfResult> {
    return this.whatIf.whatIf(ctx, params.clusterId, body);
  }
}
