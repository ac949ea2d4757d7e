import { Injectable } from '@nestjs/common';
import { withTenant } from '@ratchet/db';

import { Database } from '../../infra/database.provider.js';
import type { NamespaceLabels } from './staged-rollout.util.js';

/** A live, reported namespace with its labels and when Ratchet first saw it. */
export interface RecommendationNamespace {
  id: string;
  name: string;
  labels: NamespaceLabels;
  firstSeenAt: Date;
  readinessWindowDays: number;
}

/** The worker's stored readiness of the namespace for one level. */
export interface StoredReadiness {
  level: 'baseline' | 'restricted';
  status: 'ready' | 'blocked' | 'unknown';
  blockingWorkloadCount: number;
  auditViolationCount: number;
}

@Injectable()
export class RecommendationsRepository {
  constructor(private readonly database: Database) {}

  /** The namespace (null when it is not the tenant's, deleted, or a placeholder) and its stored readiness. */
  async find(orgId: string, namespaceId: string): Promise<{ namespace: RecommendationNamespace; readiness: StoredReadiness[] } | null> {
    return withTenant(this.database.client, orgId, async (tx) => {
      const [row] = await tx.$queryRaw<
        {
          id: string;
          name: string;
          enforce_level: string | null;
          enforce_version: string | null;
          audit_level: string | null;
          audit_version: string | null;
          warn_level: string | null;
          warn_version: string | null;
          first_seen_at: Date;
          readiness_window_days: number;
        }[]
      >`
        SELECT n.id, n.name, n.enforce_level, n.enforce_version, n.audit_level, n.audit_version, n.warn_level, n.warn_version,
               n.first_seen_at, o.readiness_window_days
        FROM namespaces n JOIN organizations o ON o.id = n.org_id
        WHERE n.org_id = ${orgId}::uuid AND n.id = ${namespaceId}::uuid AND n.deleted_at IS NULL`;
      if (!row) return null;
      const readiness = await tx.$queryRaw<{ level: 'baseline' | 'restricted'; status: 'ready' | 'blocked' | 'unknown'; blocking_workload_count: number; audit_violation_count: number }[]>`
        SELECT level::text AS level, status::text AS status, blocking_workload_count, audit_violation_count FROM namespace_readiness
        WHERE org_id = ${orgId}::uuid AND namespace_id = ${namespaceId}::uuid
        ORDER BY computed_at DESC`;
      return {
        namespace: {
          id: row.id,
          name: row.name,
          labels: {
            enforce: row.enforce_level,
            enforceVersion: row.enforce_version,
            audit: row.audit_level,
            auditVersion: row.audit_version,
            warn: row.warn_level,
            warnVersion: row.warn_version,
          },
          firstSeenAt: row.first_seen_at,
          readinessWindowDays: row.readiness_window_days,
        },
        readiness: readiness.map((r) => ({ level: r.level, status: r.status, blockingWorkloadCount: r.blocking_workload_count, auditViolationCount: r.audit_violation_count })),
      };
    });
  }
}
