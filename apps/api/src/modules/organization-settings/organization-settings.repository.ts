import { Injectable } from '@nestjs/common';
import type { UpdateOrganizationSettingsRequest } from '@ratchet/contracts';
import { readOrganizationSettings, withTenant, type StoredOrganizationSettings, type Transaction } from '@ratchet/db';
import type { OutboxEntry } from '@ratchet/jobs';

import { Database } from '../../infra/database.provider.js';
import { markReadinessStale, type StaleScope } from '../readiness-requeue/readiness-requeue.repository.js';

/** The organization's settings as stored; `defaultPsaConfiguration` is JSON the service checks against its contract. */
export type OrganizationSettingsRow = StoredOrganizationSettings;

const select = (tx: Transaction, orgId: string) => readOrganizationSettings(tx, { orgId });

@Injectable()
export class OrganizationSettingsRepository {
  constructor(private readonly database: Database) {}

  async find(orgId: string): Promise<OrganizationSettingsRow | null> {
    return withTenant(this.database.client, orgId, (tx) => select(tx, orgId));
  }

  /**
   * Applies the change in one transaction; when it changes what readiness or findings read (`stale`), every
   * cluster of the organization gets its inventory marked and the refreshing jobs in the outbox in the same transaction.
   */
  async update(
    orgId: string,
    change: UpdateOrganizationSettingsRequest,
    stale: (before: OrganizationSettingsRow, after: OrganizationSettingsRow) => StaleScope | null,
  ): Promise<{ settings: OrganizationSettingsRow; outbox: OutboxEntry[] } | null> {
    return withTenant(this.database.client, orgId, async (tx) => {
      const before = await select(tx, orgId);
      if (!before) return null;
      const psa = change.defaultPsaConfiguration;
      await tx.$executeRaw`
        UPDATE organizations SET
          readiness_window_days = coalesce(${change.readinessWindowDays ?? null}::integer, readiness_window_days),
          audit_retention_days = coalesce(${change.auditRetentionDays ?? null}::integer, audit_retention_days),
          privileged_namespace_allowlist = coalesce(${change.privilegedNamespaceAllowlist ?? null}::text[], privileged_namespace_allowlist),
          default_psa_configuration = CASE WHEN ${psa !== undefined} THEN ${psa === undefined || psa === null ? null : JSON.stringify(psa)}::jsonb
                                           ELSE default_psa_configuration END,
          updated_at = now()
        WHERE id = ${orgId}::uuid`;
      const after = (await select(tx, orgId))!;
      const scope = stale(before, after);
      if (scope === null) return { settings: after, outbox: [] };
      const clusters = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM clusters WHERE org_id = ${orgId}::uuid ORDER BY id`;
      return { settings: after, outbox: await markReadinessStale(tx, orgId, clusters.map((c) => c.id), scope) };
    });
  }
}
