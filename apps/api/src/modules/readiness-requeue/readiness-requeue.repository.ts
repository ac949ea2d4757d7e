import { JOB_NAMES, JOB_PAYLOAD_VERSION } from '@ratchet/contracts';
import { markClusterInventory, markClusterNamespaces, type Transaction } from '@ratchet/db';
import { prepareJob, writeOutboxJobs, type OutboxEntry } from '@ratchet/jobs';

/**
 * What a change makes stale: `readiness` (the window: namespaces only) or `inventory` (the PSA configuration, whose
 * default versions are versions findings are evaluated at: namespaces and top-level workloads).
 */
export type StaleScope = 'readiness' | 'inventory';

/**
 * Inside the caller's tenant transaction: marks the live namespaces (and, for `inventory`, top-level workloads) of
 * these clusters and writes the jobs that refresh them (`recompute-readiness`, and `evaluate-projections` for
 * workloads) to the outbox, so the change that made them stale and the work that refreshes it commit together.
 * Returns the outbox entries to enqueue after commit.
 */
export async function markReadinessStale(tx: Transaction, orgId: string, clusterIds: readonly string[], stale: StaleScope): Promise<OutboxEntry[]> {
  const entries: OutboxEntry[] = [];
  for (const clusterId of [...clusterIds].sort()) {
    const scope = { orgId, clusterId };
    const payload = { version: JOB_PAYLOAD_VERSION, orgId, clusterId } as const;
    const marks = stale === 'inventory' ? await markClusterInventory(tx, scope) : { namespaces: await markClusterNamespaces(tx, scope), workloads: 0 };
    const jobs = [
      ...(marks.workloads > 0 ? [prepareJob(JOB_NAMES.evaluateProjections, payload)] : []),
      ...(marks.namespaces > 0 ? [prepareJob(JOB_NAMES.recomputeReadiness, payload)] : []),
    ];
    if (jobs.length > 0) entries.push(...(await writeOutboxJobs(tx, scope, jobs)));
  }
  return entries;
}
