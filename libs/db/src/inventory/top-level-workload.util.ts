import { WORKLOAD_KINDS } from '@ratchet/contracts';

const WATCHED_KINDS: ReadonlySet<string> = new Set(WORKLOAD_KINDS);

/**
 * The uid of a workload's top-level workload (DESIGN.md "Workload"): the farthest controller in its owner chain
 * (nearest first) whose kind the agent watches, or the workload itself when none is. A ReplicaSet under a
 * Deployment belongs to the Deployment; a ReplicaSet under an operator's custom resource is a workload of its own.
 * Stored at ingest as `workloads.top_level_uid` (the migration 20261130100000 backfilled it with the same rule).
 */
export function topLevelUid(workload: { uid: string; ownerChain: readonly { kind: string; uid: string }[] }): string {
  for (let index = workload.ownerChain.length - 1; index >= 0; index -= 1) {
    const owner = workload.ownerChain[index]!;
    if (WATCHED_KINDS.has(owner.kind)) return owner.uid;
  }
  return workload.uid;
}
