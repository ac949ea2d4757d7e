import { Injectable } from '@nestjs/common';
import { PsaConfiguration } from '@ratchet/contracts';
import type { OrganizationSettings, UpdateOrganizationSettingsRequest } from '@ratchet/contracts';
import { isDeepStrictEqual } from 'node:util';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { notFound } from '../../common/errors/app-error.js';
import type { StaleScope } from '../readiness-requeue/readiness-requeue.repository.js';
import { ReadinessRequeue } from '../readiness-requeue/readiness-requeue.service.js';
import { OrganizationSettingsRepository } from './organization-settings.repository.js';
import type { OrganizationSettingsRow } from './organization-settings.repository.js';

// Written only through the contract; a value that no longer parses reads as upstream's defaults (null).
const StoredPsaConfiguration = PsaConfiguration.nullable().catch(null);

function toSettings(row: OrganizationSettingsRow): OrganizationSettings {
  return {
    readinessWindowDays: row.readinessWindowDays,
    privilegedNamespaceAllowlist: row.privilegedNamespaceAllowlist,
    auditRetentionDays: row.auditRetentionDays,
    defaultPsaConfiguration: StoredPsaConfiguration.parse(row.defaultPsaConfiguration ?? null),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Readiness reads the window; readiness and findings read the default PSA configuration (its default versions are
 * versions findings are evaluated at). The allowlist is read by coverage at request time and retention by its own
 * job, so neither re-queues anything.
 */
function staleAfter(before: OrganizationSettingsRow, after: OrganizationSettingsRow): StaleScope | null {
  if (!isDeepStrictEqual(before.defaultPsaConfiguration ?? null, after.defaultPsaConfiguration ?? null)) return 'inventory';
  return before.readinessWindowDays !== after.readinessWindowDays ? 'readiness' : null;
}

@Injectable()
export class OrganizationSettingsService {
  constructor(
    private readonly repository: OrganizationSettingsRepository,
    private readonly readiness: ReadinessRequeue,
  ) {}

  async get(ctx: TenantContext): Promise<OrganizationSettings> {
    const row = await this.repository.find(ctx.orgId);
    if (!row) throw notFound('organization');
    return toSettings(row);
  }

  async update(ctx: TenantContext, change: UpdateOrganizationSettingsRequest): Promise<OrganizationSettings> {
    const updated = await this.repository.update(ctx.orgId, change, staleAfter);
    if (!updated) throw notFound('organization');
    await this.readiness.dispatch(updated.outbox);
    return toSettings(updated.settings);
  }
}
