import { JOB_NAMES, JOB_PAYLOAD_VERSION } from '@ratchet/contracts';
import { markClusterNamespaces, type Transaction } from '@ratchet/db';
import { prepareJob, writeOutboxJobs, type OutboxEntry } from '@ratchet/jobs';

/**
 * Inside the caller's tenant transaction: marks every live namespace of these clusters for readiness and writes a
 * `recompute-readiness` outbox job per cluster that has any, so the change that made readiness stale and the work
 * that refreshes it commit together. Returns the outbox entries to enqueue after commit.
 */
export async function markReadinessStale(tx: Transaction, orgId: string, clusterIds: readonly string[]): Promise<OutboxEntry[]> {
  const entries: OutboxEntry[] = [];
  for (const clusterId of [...clusterIds].sort()) {
    const scope = { orgId, clusterId };
    if ((await markClusterNamespaces(tx, scope)) === 0) continue;
    const job = prepareJob(JOB_NAMES.recomputeReadiness, { version: JOB_PAYLOAD_VERSION, orgId, clusterId });
    entries.push(...(await writeOutboxJobs(tx, scope, [job])));
  }
  return entries;
}
