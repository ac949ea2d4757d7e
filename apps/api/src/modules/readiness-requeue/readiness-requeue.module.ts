import { Module } from '@nestjs/common';

import { IngestModule } from '../ingest/ingest.module.js';
import { ReadinessRequeue } from './readiness-requeue.service.js';

/** Re-queues readiness when what it reads (organization settings, a cluster's PSA configuration) changes. */
@Module({
  imports: [IngestModule],
  providers: [ReadinessRequeue],
  exports: [ReadinessRequeue],
})
export class ReadinessRequeueModule {}
