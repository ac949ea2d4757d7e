import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';

import { CommonModule } from './common/common.module.js';
import type { ApiConfig } from './config/api-config.js';
import { InfraModule } from './infra/infra.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { MetricsModule } from './modules/metrics/metrics.module.js';
import { OpenApiModule } from './modules/openapi/openapi.module.js';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfraModule.forRoot(config), CommonModule, MetricsModule, HealthModule, OpenApiModule],
    };
  }
}
