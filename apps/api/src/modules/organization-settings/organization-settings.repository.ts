import { Injectable } from '@nestjs/common';
import type { UpdateOrganizationSettingsRequest } from '@ratchet/contracts';
import { withTenant, type Transaction } from '@ratchet/db';
import type { OutboxEntry } from '@ratchet/jobs';

import { Database } from '../../infra/database.provider.js';
import { markReadinessStale } from '../readiness-requeue/readiness-requeue.repository.js';

/** The organization's settings as stored; `defaultPsaConfiguration` is JSON the service checks against its contract. */
export interface OrganizationSettingsRow {
  readinessWindowDays: number;
  privilegedNamespaceAllowlist: string[];
  auditRetentionDays: number;
  defaultPsaConfiguration: unknown;
  updatedAt: Date;
}

async function select(tx: Transaction, orgId: string): Promise<OrganizationSettingsRow | null> {
  const [row] = await tx.$queryRaw<
    { readiness_window_days: number; privileged_namespace_allowlist: string[]; audit_retention_days: number; default_psa_configuration: unknown; updated_at: Date }[]
  >`
    SELECT readiness_window_days, privileged_namespace_allowlist, audit_retention_days, default_psa_configuration, updated_at
    FROM organizations WHERE id = ${orgId}::uuid`;
  return row
    ? {
        readinessWindowDays: row.readiness_window_days,
        privilegedNamespaceAllowlist: row.privileged_namespace_allowlist,
        auditRetentionDays: row.audit_retention_days,
        defaultPsaConfiguration: row.default_psa_configuration,
        updatedAt: row.updated_at,
      }
    : null;
}

@Injectable()
export class OrganizationSettingsRepository {
  constructor(private readonly database: Database) {}

  async find(orgId: string): Promise<OrganizationSettingsRow | null> {
    return withTenant(this.database.client, orgId, (tx) => select(tx, orgId));
  }

  /**
   * Applies the change in one transaction; when it changes what readiness reads (`requeue`), every cluster of the
   * organization gets its namespaces marked and a readiness job in the outbox in the same transaction.
   */
  async update(
    orgId: string,
    change: UpdateOrganizationSettingsRequest,
    requeue: (before: OrganizationSettingsRow, after: OrganizationSettingsRow) => boolean,
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
      if (!requeue(before, after)) return { settings: after, outbox: [] };
      const clusters = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM clusters WHERE org_id = ${orgId}::uuid ORDER BY id`;
      return { settings: after, outbox: await markReadinessStale(tx, orgId, clusters.map((c) => c.id)) };
    });
  }
}
