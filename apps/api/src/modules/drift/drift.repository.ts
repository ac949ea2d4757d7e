import { Injectable } from '@nestjs/common';
import { withTenant } from '@ratchet/db';

import { Database } from '../../infra/database.provider.js';

/** A drift row as the worker stored it, with its namespace's name. */
export interface DriftRow {
  namespaceId: string;
  namespace: string;
  level: 'baseline' | 'restricted';
  pinnedVersion: string;
  latestVersion: string;
  workloadCount: number;
  workloads: unknown;
  computedAt: Date;
}

@Injectable()
export class DriftRepository {
  constructor(private readonly database: Database) {}

  async clusterExists(orgId: string, clusterId: string): Promise<boolean> {
    const rows = await withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<{ id: string }[]>`SELECT id FROM clusters WHERE org_id = ${orgId}::uuid AND id = ${clusterId}::uuid`,
    );
    return rows.length > 0;
  }

  /** The drift rows of the cluster's live namespaces, by namespace name (bytewise) then level. */
  async list(orgId: string, clusterId: string, level: string | undefined): Promise<DriftRow[]> {
    return withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<DriftRow[]>`
        SELECT d.namespace_id AS "namespaceId", n.name AS namespace, d.level::text AS level, d.pinned_version AS "pinnedVersion",
               d.latest_version AS "latestVersion", d.workload_count AS "workloadCount", d.workloads, d.computed_at AS "computedAt"
        FROM namespace_drift d JOIN namespaces n ON n.org_id = d.org_id AND n.id = d.namespace_id
        WHERE d.org_id = ${orgId}::uuid AND d.cluster_id = ${clusterId}::uuid AND n.deleted_at IS NULL
          AND (${level ?? null}::text IS NULL OR d.level = ${level ?? null}::pss_level)
        ORDER BY n.name COLLATE "C", d.level`,
    );
  }
}
