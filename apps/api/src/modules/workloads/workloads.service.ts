import { Injectable } from '@nestjs/common';
import { OwnerLink, WorkloadKind } from '@ratchet/contracts';
import type { WorkloadDetail, WorkloadSummary, WorkloadsPage, WorkloadsQuery } from '@ratchet/contracts';
import { z } from 'zod';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { notFound } from '../../common/errors/app-error.js';
import type { KeysetPosition, KeysetSort } from '../../common/pagination/keyset-cursor.util.js';
import { KeysetKey, decodeKeysetCursor, keysetPage } from '../../common/pagination/keyset-cursor.util.js';
import { FindingsService } from '../findings/findings.service.js';
import type { WorkloadRow, WorkloadSortField } from './workloads.repository.js';
import { WorkloadsRepository } from './workloads.repository.js';

// The cursor's sort keys, checked on the way back in with the request primitives (any stored value round-trips).
const CURSOR_KEYS: Record<WorkloadSortField, z.ZodTuple> = {
  name: z.tuple([KeysetKey.text]),
  kind: z.tuple([WorkloadKind, KeysetKey.text]),
  lastSeenAt: z.tuple([KeysetKey.timestamp]),
};

function positionOf(row: WorkloadRow, sort: WorkloadSortField): KeysetPosition<readonly unknown[]> {
  const keys: Record<WorkloadSortField, () => unknown[]> = {
    name: () => [row.name],
    kind: () => [row.kind, row.name],
    lastSeenAt: () => [row.lastSeenAt.toISOString()],
  };
  return { keys: keys[sort](), id: row.id };
}

function toSummary(row: WorkloadRow): WorkloadSummary {
  return {
    id: row.id,
    clusterId: row.clusterId,
    clusterName: row.clusterName,
    namespaceId: row.namespaceId,
    namespace: row.namespaceName,
    kind: row.kind as WorkloadSummary['kind'],
    name: row.name,
    uid: row.uid,
    replicas: row.replicas,
    podCount: row.podCount,
    projectionHash: row.projectionHash,
    openFindings: { baseline: row.openBaseline, restricted: row.openRestricted },
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

const OwnerChain = z.array(OwnerLink);

@Injectable()
export class WorkloadsService {
  constructor(
    private readonly repository: WorkloadsRepository,
    private readonly findings: FindingsService,
  ) {}

  async list(ctx: TenantContext, query: WorkloadsQuery): Promise<WorkloadsPage> {
    const sort: KeysetSort = { field: query.sort, order: query.order };
    const after = query.cursor === undefined ? undefined : decodeKeysetCursor(query.cursor, sort, CURSOR_KEYS[query.sort]);
    const filter = { deleted: query.deleted, clusterId: query.clusterId, namespace: query.namespace, kind: query.kind, failingLevel: query.failingLevel };
    const rows = await this.repository.page(ctx.orgId, { filter, sort: query.sort, order: query.order, after, limit: query.limit + 1 });
    return keysetPage(rows, query.limit, sort, toSummary, (row) => positionOf(row, query.sort));
  }

  async get(ctx: TenantContext, workloadId: string): Promise<WorkloadDetail> {
    const row = await this.repository.find(ctx.orgId, workloadId);
    if (!row) throw notFound('workload');
    const ownerChain = OwnerChain.safeParse(row.ownerChain);
    return {
      ...toSummary(row),
      // Written by ingest from the agent's validated batch; anything else is shown as no controllers.
      ownerChain: ownerChain.success ? ownerChain.data : [],
      findings: await this.findings.openFindingsOf(ctx, workloadId),
    };
  }
}
