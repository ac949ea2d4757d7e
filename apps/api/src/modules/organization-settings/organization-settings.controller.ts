import { Controller, Get, Patch } from '@nestjs/common';
import { OrganizationSettings, UpdateOrganizationSettingsRequest } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { OrganizationSettingsService } from './organization-settings.service.js';

const TAG = 'organization';

@Controller('api/v1/organization/settings')
export class OrganizationSettingsController {
  constructor(private readonly settings: OrganizationSettingsService) {}

  @Get()
  @Endpoint({
    summary: "The organization's settings: readiness window, privileged namespace allowlist, audit retention, default PSA configuration",
    tag: TAG,
    auth: 'user',
    role: 'viewer',
    response: OrganizationSettings,
  })
  get(@Tenant() ctx: TenantContext): Promise<OrganizationSettings> {
    return this.settings.get(ctx);
  }

  @Patch()
  @Endpoint({
    summary: "Change the organization's settings; a change to what readiness reads re-queues readiness for every cluster",
    tag: TAG,
    auth: 'user',
    role: 'admin',
    body: UpdateOrganizationSettingsRequest,
    response: OrganizationSettings,
  })
  update(@Tenant() ctx: TenantContext, @Input('body') body: UpdateOrganizationSettingsRequest): Promise<OrganizationSettings> {
    return this.settings.update(ctx, body);
  }
}
