import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';

import { CommonModule } from './common/common.module.js';
import type { ApiConfig } from './config/api-config.js';
import { Clock } from './infra/clock.provider.js';
import { InfraModule } from './infra/infra.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { MembersModule } from './modules/members/members.module.js';
import { ApiTokensModule } from './modules/api-tokens/api-tokens.module.js';
import { ClustersModule } from './modules/clusters/clusters.module.js';
import { IngestModule } from './modules/ingest/ingest.module.js';
import { NamespacesModule } from './modules/namespaces/namespaces.module.js';
import { WorkloadsModule } from './modules/workloads/workloads.module.js';
import { FindingsModule } from './modules/findings/findings.module.js';
import { AuditEventsModule } from './modules/audit-events/audit-events.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { MetricsModule } from './modules/metrics/metrics.module.js';
import { OpenApiModule } from './modules/openapi/openapi.module.js';
import { TrendsModule } from './modules/trends/trends.module.js';
import { OrganizationSettingsModule } from './modules/organization-settings/organization-settings.module.js';
import { CoverageModule } from './modules/cluster-coverage/coverage.module.js';
import { WhatIfModule } from './modules/what-if/what-if.module.js';
import { GateModule } from './modules/gate/gate.module.js';
import { DriftModule } from './modules/drift/drift.module.js';
import { RecommendationsModule } from './modules/recommendations/recommendations.module.js';
import { AlertsModule } from './modules/alerts/alerts.module.js';
import type { HostResolver } from '@ratchet/alerts';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig, options: { alertResolver?: HostResolver; now?: () => Date } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfraModule.forRoot(config, new Clock(options.now)),
        CommonModule,
        MetricsModule,
        HealthModule,
        OpenApiModule,
        AuthModule,
        MembersModule,
        ApiTokensModule,
        ClustersModule,
        IngestModule,
        NamespacesModule,
        WorkloadsModule,
        FindingsModule,
        AuditEventsModule,
        TrendsModule,
        OrganizationSettingsModule,
        CoverageModule,
        WhatIfModule,
        GateModule,
        DriftModule,
        RecommendationsModule,
        AlertsModule.forRoot(options.alertResolver),
      ],
    };
  }
}
