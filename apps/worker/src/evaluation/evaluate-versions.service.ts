import type { ClusterScope, Transaction } from '@ratchet/db';

import { ensureVerdicts } from './evaluation.service.js';

/**
 * The projections of a cluster's live workloads and pods after `afterId` (by id), at most `limit`: the ones a
 * what-if, gate or drift of the cluster reads.
 */
export async function clusterProjectionIds(tx: Transaction, scope: ClusterScope, afterId: string | null, limit: number): Promise<string[]> {
  const after = afterId ?? '00000000-0000-0000-0000-000000000000';
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM (
      SELECT projection_id AS id FROM workloads
      WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND deleted_at IS NULL
      UNION
      SELECT projection_id AS id FROM pods WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid
    ) p
    WHERE id > ${after}::uuid
    ORDER BY id
    LIMIT ${limit}::integer`;
  return rows.map((r) => r.id);
}

/**
 * Evaluates one chunk (`limit` projections after `afterId`) of the cluster's projections at these concrete versions
 * and both levels, storing the verdicts not stored yet. Returns the last id taken, or null when none was left.
 * Idempotent: a verdict already stored is read, not evaluated again.
 */
export async function evaluateVersionsChunk(
  tx: Transaction,
  scope: ClusterScope,
  versions: readonly string[],
  afterId: string | null,
  limit: number,
  now: Date,
): Promise<{ lastId: string | null; taken: number }> {
  const ids = await clusterProjectionIds(tx, scope, afterId, limit);
  if (ids.length === 0) return { lastId: null, taken: 0 };
  await ensureVerdicts(tx, scope, ids, versions, now);
  return { lastId: ids[ids.length - 1]!, taken: ids.length };
}
