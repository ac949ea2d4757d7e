import { Global, Module } from '@nestjs/common';

import { MetricsController } from './metrics.controller.js';
import { ApiMetrics } from './metrics.registry.js';

@Global()
@Module({ controllers: [MetricsController], providers: [ApiMetrics], exports: [ApiMetrics] })
export class MetricsModule {}
