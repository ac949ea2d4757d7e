import { Injectable } from '@nestjs/common';
import { LEVEL_TRIGGERS } from '@ratchet/contracts';
import type { AlertRule, AlertRuleList, CreateAlertRuleRequest, UpdateAlertRuleRequest } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { AppError, invalidRequest, notFound } from '../../common/errors/app-error.js';
import { AlertRulesRepository, UnknownReferenceError } from './alert-rules.repository.js';
import type { AlertRuleFields } from './alert-rules.repository.js';
import { toAlertRule } from './alert-views.util.js';

function invalid(path: string, message: string): AppError {
  return invalidRequest([{ path, message }]);
}

function referenceError(error: unknown): never {
  if (error instanceof UnknownReferenceError) throw invalid(`body.${error.field}[${error.index}]`, error.message);
  throw error;
}

@Injectable()
export class AlertRulesService {
  constructor(private readonly rules: AlertRulesRepository) {}

  async list(ctx: TenantContext): Promise<AlertRuleList> {
    return { items: (await this.rules.list(ctx.orgId)).map(toAlertRule) };
  }

  async get(ctx: TenantContext, ruleId: string): Promise<AlertRule> {
    const row = await this.rules.find(ctx.orgId, ruleId);
    if (!row) throw notFound('alert rule');
    return toAlertRule(row);
  }

  async create(ctx: TenantContext, request: CreateAlertRuleRequest): Promise<AlertRule> {
    const fields: AlertRuleFields = {
      name: request.name,
      description: request.description,
      enabled: request.enabled,
      trigger: request.trigger,
      parameters: { level: request.level, silentMinutes: request.trigger === 'agent_silent' ? (request.silentMinutes ?? 15) : null },
      minSeverity: request.minSeverity,
      clusterIds: request.scope.clusterIds,
      includeNamespaces: request.scope.includeNamespaces,
      excludeNamespaces: request.scope.excludeNamespaces,
      labelSelector: request.scope.labelSelector,
      cooldownMinutes: request.cooldownMinutes,
      channelIds: [...new Set(request.channelIds)],
    };
    try {
      return toAlertRule(await this.rules.create(ctx.orgId, fields));
    } catch (error) {
      return referenceError(error);
    }
  }

  async update(ctx: TenantContext, ruleId: string, request: UpdateAlertRuleRequest): Promise<AlertRule> {
    const stored = await this.rules.find(ctx.orgId, ruleId);
    if (!stored) throw notFound('alert rule');
    const parameters = (stored.parameters ?? {}) as { level?: string | null; silentMinutes?: number | null };
    if (request.level != null && !LEVEL_TRIGGERS.includes(stored.trigger)) throw invalid('body.level', `must be null for trigger ${stored.trigger}`);
    if (request.silentMinutes != null && stored.trigger !== 'agent_silent') throw invalid('body.silentMinutes', 'is only for trigger agent_silent');
    const fields: Partial<Omit<AlertRuleFields, 'trigger'>> = {
      ...(request.name === undefined ? {} : { name: request.name }),
      ...(request.description === undefined ? {} : { description: request.description }),
      ...(request.enabled === undefined ? {} : { enabled: request.enabled }),
      ...(request.minSeverity === undefined ? {} : { minSeverity: request.minSeverity }),
      ...(request.cooldownMinutes === undefined ? {} : { cooldownMinutes: request.cooldownMinutes }),
      ...(request.channelIds === undefined ? {} : { channelIds: [...new Set(request.channelIds)] }),
      ...(request.level === undefined && request.silentMinutes === undefined
        ? {}
        : {
            parameters: {
              level: request.level === undefined ? (parameters.level ?? null) : request.level,
              silentMinutes: request.silentMinutes === undefined ? (parameters.silentMinutes ?? null) : (request.silentMinutes ?? (stored.trigger === 'agent_silent' ? 15 : null)),
            },
          }),
      ...(request.scope === undefined
        ? {}
        : {
            clusterIds: request.scope.clusterIds,
            includeNamespaces: request.scope.includeNamespaces,
            excludeNamespaces: request.scope.excludeNamespaces,
            labelSelector: request.scope.labelSelector,
          }),
    };
    try {
      const row = await this.rules.update(ctx.orgId, ruleId, fields);
      if (!row) throw notFound('alert rule');
      return toAlertRule(row);
    } catch (error) {
      return referenceError(error);
    }
  }

  async delete(ctx: TenantContext, ruleId: string): Promise<void> {
    if (!(await this.rules.delete(ctx.orgId, ruleId))) throw notFound('alert rule');
  }
}
