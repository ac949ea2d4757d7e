import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import type { HostResolver } from '@ratchet/alerts';

import { AlertChannelsController } from './alert-channels.controller.js';
import { AlertChannelsRepository } from './alert-channels.repository.js';
import { AlertChannelsService } from './alert-channels.service.js';
import { AlertHistoryController } from './alert-history.controller.js';
import { AlertHistoryRepository } from './alert-history.repository.js';
import { AlertHistoryService } from './alert-history.service.js';
import { alertOutboundProvider } from './alert-outbound.provider.js';
import { AlertRulesController } from './alert-rules.controller.js';
import { AlertRulesRepository } from './alert-rules.repository.js';
import { AlertRulesService } from './alert-rules.service.js';

/** Alert rules and channels (CRUD, test sends) and what was sent; the worker evaluates and delivers. */
@Module({})
export class AlertsModule {
  /** `resolver` replaces the system DNS resolver of the destination check (tests). */
  static forRoot(resolver?: HostResolver): DynamicModule {
    return {
      module: AlertsModule,
      controllers: [AlertRulesController, AlertChannelsController, AlertHistoryController],
      providers: [
        alertOutboundProvider(resolver),
        AlertRulesService,
        AlertRulesRepository,
        AlertChannelsService,
        AlertChannelsRepository,
        AlertHistoryService,
        AlertHistoryRepository,
      ],
    };
  }
}
