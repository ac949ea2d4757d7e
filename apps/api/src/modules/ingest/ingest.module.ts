import { Module } from '@nestjs/common';

import { AdmissionDecisionsRepository } from './admission-decisions.repository.js';
import { AuditIngestRepository } from './audit-ingest.repository.js';
import { IngestBatchesRepository } from './ingest-batches.repository.js';
import { IngestController } from './ingest.controller.js';
import { IngestService } from './ingest.service.js';
import { JobQueue } from './job-queue.provider.js';
import { OutboxRelayProvider } from './outbox-relay.provider.js';

/** Ingestion from cluster agents, the worker's queue it fills, and the outbox relay behind it. */
@Module({
  controllers: [IngestController],
  providers: [
    IngestService,
    IngestBatchesRepository,
    AuditIngestRepository,
    AdmissionDecisionsRepository,
    JobQueue,
    OutboxRelayProvider,
  ],
  // The queue and relay are shared: settings re-queue readiness, what-if queues evaluations it will not do on demand.
  exports: [JobQueue, OutboxRelayProvider],
})
export class IngestModule {}
