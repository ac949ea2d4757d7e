import type { TenantScope } from '../scope.js';
import type { Transaction } from '../tenant-transaction.js';

/**
 * The organization settings as stored (`GET /api/v1/organization/settings` shows them): what readiness, coverage and
 * retention read. `defaultPsaConfiguration` is stored JSON (checked against the PsaConfiguration contract by readers;
 * null: upstream's defaults).
 */
export interface StoredOrganizationSettings {
  /** Days, 1..90. */
  readinessWindowDays: number;
  privilegedNamespaceAllowlist: string[];
  /** Days, 1..400. */
  auditRetentionDays: number;
  defaultPsaConfiguration: unknown;
  updatedAt: Date;
}

/** The settings of the tenant's organization, in a tenant transaction; null when the organization does not exist. */
export async function readOrganizationSettings(tx: Transaction, scope: TenantScope): Promise<StoredOrganizationSettings | null> {
  const [row] = await tx.$queryRaw<
    { readiness_window_days: number; privileged_namespace_allowlist: string[]; audit_retention_days: number; default_psa_configuration: unknown; updated_at: Date }[]
  >`
    SELECT readiness_window_days, privileged_namespace_allowlist, audit_retention_days, default_psa_configuration, updated_at
    FROM organizations WHERE id = ${scope.orgId}::uuid`;
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
