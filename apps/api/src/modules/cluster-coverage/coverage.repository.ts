import { Injectable } from '@nestjs/common';
import { COVERAGE_NAMESPACES_MAX } from '@ratchet/contracts';
import { withTenant } from '@ratchet/db';

import { Database } from '../../infra/database.provider.js';
import type { StoredPsaLabels } from '../namespaces/psa-labels.util.js';

/** What coverage reads of a cluster: its stored PSA configurations and the organization's allowlist and default. */
export interface CoverageCluster {
  psaConfigurationOverride: unknown;
  psaConfiguration: unknown;
  organizationPsaConfiguration: unknown;
  privilegedNamespaceAllowlist: string[];
}

/** A live namespace of the cluster with its raw PSA labels; `uid` null while only objects in it were reported. */
export interface CoverageNamespaceRow extends StoredPsaLabels {
  id: string;
  name: string;
  uid: string | null;
}

@Injectable()
export class CoverageRepository {
  constructor(private readonly database: Database) {}

  /** The cluster and its live namespaces (by name, at most COVERAGE_NAMESPACES_MAX + 1); null when there is no such cluster. */
  async read(orgId: string, clusterId: string): Promise<{ cluster: CoverageCluster; namespaces: CoverageNamespaceRow[] } | null> {
    return withTenant(this.database.client, orgId, async (tx) => {
      const [cluster] = await tx.$queryRaw<
        { psa_configuration_override: unknown; psa_configuration: unknown; default_psa_configuration: unknown; privileged_namespace_allowlist: string[] }[]
      >`
        SELECT c.psa_configuration_override, c.psa_configuration, o.default_psa_configuration, o.privileged_namespace_allowlist
        FROM clusters c JOIN organizations o ON o.id = c.org_id
        WHERE c.org_id = ${orgId}::uuid AND c.id = ${clusterId}::uuid`;
      if (!cluster) return null;
      const namespaces = await tx.$queryRaw<CoverageNamespaceRow[]>`
        SELECT id, name, uid::text AS uid, enforce_level AS "enforceLevel", enforce_version AS "enforceVersion", audit_level AS "auditLevel",
               audit_version AS "auditVersion", warn_level AS "warnLevel", warn_version AS "warnVersion"
        FROM namespaces
        WHERE org_id = ${orgId}::uuid AND cluster_id = ${clusterId}::uuid AND deleted_at IS NULL
        ORDER BY name COLLATE "C"
        LIMIT ${COVERAGE_NAMESPACES_MAX + 1}`;
      return {
        cluster: {
          psaConfigurationOverride: cluster.psa_configuration_override,
          psaConfiguration: cluster.psa_configuration,
          organizationPsaConfiguration: cluster.default_psa_configuration,
          privilegedNamespaceAllowlist: cluster.privileged_namespace_allowlist,
        },
        namespaces,
      };
    });
  }

  /** Live namespaces of the cluster (the list above is capped). */
  async count(orgId: string, clusterId: string): Promise<number> {
    const [row] = await withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS count FROM namespaces WHERE org_id = ${orgId}::uuid AND cluster_id = ${clusterId}::uuid AND deleted_at IS NULL`,
    );
    return row?.count ?? 0;
  }
}
