import { Injectable } from '@nestjs/common';
import { withTenant } from '@ratchet/db';
import type { PssLevel } from '@ratchet/db';

import { Database } from '../../infra/database.provider.js';

/** Audit-mode violations of one namespace by the level violated (null: unparsed, level unreadable). */
export interface AuditCount {
  namespaceName: string;
  level: PssLevel | null;
  count: number;
}

@Injectable()
export class GateRepository {
  constructor(private readonly database: Database) {}

  /**
   * Audit-mode violations the cluster recorded in these namespaces with `since <= time <= until`, by level; dry runs
   * left out (nothing was created, so nothing would be rejected), as the worker's readiness counts them.
   */
  async auditViolations(orgId: string, clusterId: string, namespaceNames: readonly string[], since: Date, until: Date): Promise<AuditCount[]> {
    if (namespaceNames.length === 0) return [];
    const rows = await withTenant(this.database.client, orgId, (tx) =>
      tx.$queryRaw<{ namespace_name: string; level: PssLevel | null; count: number }[]>`
        SELECT namespace_name, level::text AS level, count(*)::integer AS count FROM audit_events
        WHERE org_id = ${orgId}::uuid AND cluster_id = ${clusterId}::uuid AND namespace_name = ANY(${[...namespaceNames]}::text[])
          AND time >= ${since}::timestamptz AND time <= ${until}::timestamptz AND NOT dry_run
        GROUP BY namespace_name, level`,
    );
    return rows.map((r) => ({ namespaceName: r.namespace_name, level: r.level, count: r.count }));
  }
}
