import { Controller, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { AuditEventBatch, Heartbeat, IngestAccepted, InventoryDelta, InventoryResyncChunk } from '@ratchet/contracts';
import type { Response } from 'express';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { IdempotencyKey } from './idempotency-key.decorator.js';
import type { IngestReply } from './ingest.service.js';
import { IngestService } from './ingest.service.js';
import { JsonBodyGuard } from './json-body.guard.js';

const TAG = 'ingest';

/** Sends a stored answer as it was first given, marking a replay so an agent can tell. */
function answer(response: Response, reply: IngestReply): IngestAccepted {
  response.status(reply.status);
  if (reply.replayed) response.setHeader('Idempotent-Replayed', 'true');
  return reply.body;
}

/** Batches from cluster agents: inventory (full resync in chunks, deltas), audit-mode violations, heartbeats. */
@Controller('api/v1/ingest')
@UseGuards(JsonBodyGuard)
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @Post('inventory/resync')
  @HttpCode(202)
  @Endpoint({
    summary: 'One chunk of a full inventory resync (Idempotency-Key header required)',
    tag: TAG,
    auth: 'agent',
    rateLimit: 'ingest',
    body: InventoryResyncChunk,
    response: IngestAccepted,
    status: 202,
  })
  async resync(
    @Tenant() ctx: TenantContext,
    @IdempotencyKey() key: string,
    @Input('body') chunk: InventoryResyncChunk,
    @Res({ passthrough: true }) response: Response,
  ): Promise<IngestAccepted> {
    return answer(response, await this.ingest.resync(ctx, key, chunk));
  }

  @Post('inventory/delta')
  @HttpCode(202)
  @Endpoint({
    summary: 'Inventory upserts and deletes since the last batch (Idempotency-Key header required)',
    tag: TAG,
    auth: 'agent',
    rateLimit: 'ingest',
    body: InventoryDelta,
    response: IngestAccepted,
    status: 202,
  })
  async delta(
    @Tenant() ctx: TenantContext,
    @IdempotencyKey() key: string,
    @Input('body') delta: InventoryDelta,
    @Res({ passthrough: true }) response: Response,
  ): Promise<IngestAccepted> {
    return answer(response, await this.ingest.delta(ctx, key, delta));
  }

  @Post('audit-events')
  @HttpCode(202)
  @Endpoint({
    summary: 'A batch of Pod Security audit-mode violations (Idempotency-Key header required)',
    tag: TAG,
    auth: 'agent',
    rateLimit: 'ingest',
    body: AuditEventBatch,
    response: IngestAccepted,
    status: 202,
  })
  async auditEvents(
    @Tenant() ctx: TenantContext,
    @IdempotencyKey() key: string,
    @Input('body') batch: AuditEventBatch,
    @Res({ passthrough: true }) response: Response,
  ): Promise<IngestAccepted> {
    return answer(response, await this.ingest.auditEvents(ctx, key, batch));
  }

  @Post('heartbeat')
  @HttpCode(202)
  @Endpoint({
    summary: "The agent's heartbeat: versions and counts; marks the cluster seen (Idempotency-Key header required)",
    tag: TAG,
    auth: 'agent',
    rateLimit: 'ingest',
    body: Heartbeat,
    response: IngestAccepted,
    status: 202,
  })
  async heartbeat(
    @Tenant() ctx: TenantContext,
    @IdempotencyKey() key: string,
    @Input('body') heartbeat: Heartbeat,
    @Res({ passthrough: true }) response: Response,
  ): Promise<IngestAccepted> {
    return answer(response, await this.ingest.heartbeat(ctx, key, heartbeat));
  }
}
