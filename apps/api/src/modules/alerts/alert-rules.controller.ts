import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { AlertRule, AlertRuleList, AlertRuleParams, CreateAlertRuleRequest, UpdateAlertRuleRequest } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { AlertRulesService } from './alert-rules.service.js';

const TAG = 'alerts';

@Controller('api/v1/alert-rules')
export class AlertRulesController {
  constructor(private readonly rules: AlertRulesService) {}

  @Get()
  @Endpoint({ summary: "The organization's alert rules, by name", tag: TAG, auth: 'user', role: 'viewer', response: AlertRuleList })
  list(@Tenant() ctx: TenantContext): Promise<AlertRuleList> {
    return this.rules.list(ctx);
  }

  @Post()
  @Endpoint({ summary: 'Create an alert rule: trigger, scope, minimum severity, cooldown and channels', tag: TAG, auth: 'user', role: 'admin', body: CreateAlertRuleRequest, response: AlertRule })
  create(@Tenant() ctx: TenantContext, @Input('body') body: CreateAlertRuleRequest): Promise<AlertRule> {
    return this.rules.create(ctx, body);
  }

  @Get(':ruleId')
  @Endpoint({ summary: 'Get an alert rule', tag: TAG, auth: 'user', role: 'viewer', params: AlertRuleParams, response: AlertRule })
  get(@Tenant() ctx: TenantContext, @Input('params') params: AlertRuleParams): Promise<AlertRule> {
    return this.rules.get(ctx, params.ruleId);
  }

  @Patch(':ruleId')
  @Endpoint({ summary: 'Change an alert rule (its trigger stays)', tag: TAG, auth: 'user', role: 'admin', params: AlertRuleParams, body: UpdateAlertRuleRequest, response: AlertRule })
  update(@Tenant() ctx: TenantContext, @Input('params') params: AlertRuleParams, @Input('body') body: UpdateAlertRuleRequest): Promise<AlertRule> {
    return this.rules.update(ctx, params.ruleId, body);
  }

  @Delete(':ruleId')
  @HttpCode(204)
  @Endpoint({ summary: 'Delete an alert rule, its alerts and deliveries', tag: TAG, auth: 'user', role: 'admin', params: AlertRuleParams, status: 204 })
  delete(@Tenant() ctx: TenantContext, @Input('params') params: AlertRuleParams): Promise<void> {
    return this.rules.delete(ctx, params.ruleId);
  }
}
