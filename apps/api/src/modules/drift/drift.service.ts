import { Injectable } from '@nestjs/common';
import { CheckId, WorkloadKind } from '@ratchet/contracts';
import type { ClusterDrift, DriftQuery, NamespaceDrift } from '@ratchet/contracts';
import { remediationFor } from '@ratchet/pss';
import { z } from 'zod';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { notFound } from '../../common/errors/app-error.js';
import { DriftRepository } from './drift.repository.js';

// What the worker stores in namespace_drift.workloads; a row it wrote differently lists with what parses.
const StoredWorkloads = z.array(
  z.object({ workloadId: z.string(), kind: WorkloadKind, name: z.string(), checks: z.array(z.object({ id: CheckId, reason: z.string(), detail: z.string() })) }),
);

/** Version drift of a cluster's pinned namespaces, as the worker computed it with readiness. */
@Injectable()
export class DriftService {
  constructor(private readonly repository: DriftRepository) {}

  async list(ctx: TenantContext, clusterId: string, query: DriftQuery): Promise<ClusterDrift> {
    if (!(await this.repository.clusterExists(ctx.orgId, clusterId))) throw notFound('cluster');
    const rows = await this.repository.list(ctx.orgId, clusterId, query.level);
    const namespaces: NamespaceDrift[] = rows.map((row) => {
      const parsed = StoredWorkloads.safeParse(row.workloads);
      return {
        namespaceId: row.namespaceId,
        namespace: row.namespace,
        level: row.level,
        pinnedVersion: row.pinnedVersion,
        latestVersion: row.latestVersion,
        workloadCount: row.workloadCount,
        workloads: (parsed.success ? parsed.data : []).map((w) => ({
          workloadId: w.workloadId,
          kind: w.kind,
          name: w.name,
          checks: w.checks.map((c) => ({ id: c.id, reason: c.reason, detail: c.detail, remediation: remediationFor(c.id).what })),
        })),
        computedAt: row.computedAt.toISOString(),
      };
    });
    return { clusterId, namespaces };
  }
}
