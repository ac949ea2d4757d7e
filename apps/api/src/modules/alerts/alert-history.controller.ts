import { Controller, Get } from '@nestjs/common';
import { AlertDeliveriesPage, AlertDeliveriesQuery, AlertsPage, AlertsQuery } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { AlertHistoryService } from './alert-history.service.js';

const TAG = 'alerts';

@Controller('api/v1')
export class AlertHistoryController {
  constructor(private readonly history: AlertHistoryService) {}

  @Get('alerts')
  @Endpoint({ summary: 'Alert history: firing and resolved alerts, most recently fired first', tag: TAG, auth: 'user', role: 'viewer', query: AlertsQuery, response: AlertsPage })
  alerts(@Tenant() ctx: TenantContext, @Input('query') query: AlertsQuery): Promise<AlertsPage> {
    return this.history.alerts(ctx, query);
  }

  @Get('alert-deliveries')
  @Endpoint({
    summary: 'Deliveries (grouped messages and tests) with status, attempts and the receiver’s answer, newest first',
    tag: TAG,
    auth: 'user',
    role: 'viewer',
    query: AlertDeliveriesQuery,
    response: AlertDeliveriesPage,
  })
  deliveries(@Tenant() ctx: TenantContext, @Input('query') query: AlertDeliveriesQuery): Promise<AlertDeliveriesPage> {
    return this.history.deliveries(ctx, query);
  }
}
