import { Controller, Get, Res } from '@nestjs/common';
import { Finding, FindingParams, FindingsExportQuery, FindingsPage, FindingsQuery } from '@ratchet/contracts';
import type { Response } from 'express';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { sendCsv } from '../../common/csv/csv-response.util.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { FindingsService } from './findings.service.js';

const TAG = 'findings';

@Controller('api/v1/findings')
export class FindingsController {
  constructor(private readonly findings: FindingsService) {}

  @Get()
  @Endpoint({
    summary: 'List findings: filter by cluster, namespace, level, check, version, workload and status; sorted, by cursor',
    tag: TAG,
    auth: 'user',
    role: 'viewer',
    query: FindingsQuery,
    response: FindingsPage,
  })
  list(@Tenant() ctx: TenantContext, @Input('query') query: FindingsQuery): Promise<FindingsPage> {
    return this.findings.list(ctx, query);
  }

  // Declared before :findingId, which would otherwise take "export.csv" as an id.
  @Get('export.csv')
  @Endpoint({
    summary: 'Export the findings the filters match as CSV (streamed, not paginated)',
    tag: TAG,
    auth: 'user',
    role: 'viewer',
    query: FindingsExportQuery,
    produces: 'text/csv',
  })
  async exportCsv(@Tenant() ctx: TenantContext, @Input('query') query: FindingsExportQuery, @Res() response: Response): Promise<void> {
    await sendCsv(response, this.findings.exportCsv(ctx, query));
  }

  @Get(':findingId')
  @Endpoint({ summary: 'Get a finding', tag: TAG, auth: 'user', role: 'viewer', params: FindingParams, response: Finding })
  get(@Tenant() ctx: TenantContext, @Input('params') params: FindingParams): Promise<Finding> {
    return this.findings.get(ctx, params.findingId);
  }
}
