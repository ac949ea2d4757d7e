import { Module } from '@nestjs/common';

import { ReadinessRequeueModule } from '../readiness-requeue/readiness-requeue.module.js';
import { OrganizationSettingsController } from './organization-settings.controller.js';
import { OrganizationSettingsRepository } from './organization-settings.repository.js';
import { OrganizationSettingsService } from './organization-settings.service.js';

/** The organization's settings that readiness, coverage and retention read. */
@Module({
  imports: [ReadinessRequeueModule],
  controllers: [OrganizationSettingsController],
  providers: [OrganizationSettingsService, OrganizationSettingsRepository],
})
export class OrganizationSettingsModule {}
