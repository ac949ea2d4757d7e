import { Global, Module } from '@nestjs/common';

import { ApiMetrics } from './metrics.registry.js';
import { MetricsServer } from './metrics.server.js';

/** The process's Prometheus registry, served on its own port (RATCHET_METRICS_PORT), never on the API's. */
@Global()
@Module({ providers: [ApiMetrics, MetricsServer], exports: [ApiMetrics] })
export class MetricsModule {}
