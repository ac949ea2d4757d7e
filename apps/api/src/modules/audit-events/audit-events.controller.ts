import { Controller, Get, Res } from '@nestjs/common';
import { AuditEventParams, AuditEventSummary, AuditEventsExportQuery, AuditEventsPage, AuditEventsQuery } from '@ratchet/contracts';
import type { Response } from 'express';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { sendCsv } from '../../common/csv/csv-response.util.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { AuditEventsService } from './audit-events.service.js';

const TAG = 'audit-events';

@Controller('api/v1/audit-events')
export class AuditEventsController {
  constructor(private readonly auditEvents: AuditEventsService) {}

  @Get()
  @Endpoint({
    summary: 'List audit-mode violations in a time range (default the last 7 days, at most 90), newest first; by cursor',
    tag: TAG,
    auth: 'user',
    role: 'viewer',
    query: AuditEventsQuery,
    response: AuditEventsPage,
  })
  list(@Tenant() ctx: TenantContext, @Input('query') query: AuditEventsQuery): Promise<AuditEventsPage> {
    return this.auditEvents.list(ctx, query);
  }

  // Declared before :auditEventId, which would otherwise take "export.csv" as an id.
  @Get('export.csv')
  @Endpoint({
    summary: 'Export the audit-mode violations the filters match as CSV (streamed, not paginated)',
    tag: TAG,
    auth: 'user',
    role: 'viewer',
    query: AuditEventsExportQuery,
    produces: 'text/csv',
  })
  async exportCsv(@Tenant() ctx: TenantContext, @Input('query') query: AuditEventsExportQuery, @Res() response: Response): Promise<void> {
    await sendCsv(response, this.auditEvents.exportCsv(ctx, query));
  }

  @Get(':auditEventId')
  @Endpoint({ summary: 'Get an audit event', tag: TAG, auth: 'user', role: 'viewer', params: AuditEventParams, response: AuditEventSummary })
  get(@Tenant() ctx: TenantContext, @Input('params') params: AuditEventParams): Promise<AuditEventSummary> {
    return this.auditEvents.get(ctx, params.auditEventId);
  }
}
