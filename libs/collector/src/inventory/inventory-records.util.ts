import type { InventoryNamespace, InventoryPod, InventoryWorkload, OwnerLink } from '@ratchet/contracts';

import type { OwnerRef, StrippedObject } from './strip-object.util.js';

/** The cluster's inventory as the API's contract has it. */
export interface InventoryRecords {
  namespaces: InventoryNamespace[];
  workloads: InventoryWorkload[];
  pods: InventoryPod[];
}

/** The three lists of an inventory, in the order batches carry them. */
export const INVENTORY_LISTS = ['namespaces', 'workloads', 'pods'] as const;

const MAX_CHAIN = 16;

/** The records built last time, by uid per list: a record whose fields did not change is reused as is. */
export interface PreviousRecords {
  namespaces: ReadonlyMap<string, InventoryNamespace>;
  workloads: ReadonlyMap<string, InventoryWorkload>;
  pods: ReadonlyMap<string, InventoryPod>;
}

const NO_PREVIOUS: PreviousRecords = { namespaces: new Map(), workloads: new Map(), pods: new Map() };

function sameLabels(a: Record<string, string | undefined>, b: Record<string, string | undefined>): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key] || !Object.hasOwn(b, key)) return false;
  return true;
}

/**
 * Builds the inventory from the stripped objects of every watched resource: namespaces, every controller as a
 * workload with its owner chain (nearest first) and pod count, and every pod with its workload, the top
 * controller among the watched kinds (Pod → ReplicaSet → Deployment, Job → CronJob). A pod without a watched
 * controller is its own workload, of kind `Pod`.
 *
 * With `previous` (the records this returned last time), every record whose fields are unchanged is that same
 * object, so callers diff by identity, and a rebuild at 10,000 pods allocates only for what changed instead of
 * ~17,000 records and their owner chains.
 */
export function buildInventoryRecords(
  namespaces: Iterable<StrippedObject>,
  controllers: Iterable<StrippedObject>,
  pods: Iterable<StrippedObject>,
  previous: PreviousRecords = NO_PREVIOUS,
): InventoryRecords {
  const byUid = new Map<string, StrippedObject>();
  for (const controller of controllers) byUid.set(controller.uid, controller);

  // Walks the owner chain (nearest first, at most MAX_CHAIN links, stopping at a cycle) without allocating per
  // object: `visit` returns false to stop early. One scratch array serves every walk.
  const seen: string[] = [];
  const walkChain = (object: StrippedObject, visit: (owner: OwnerRef, index: number) => boolean): void => {
    seen.length = 0;
    seen.push(object.uid);
    let owner = object.owner;
    let index = 0;
    while (owner && index < MAX_CHAIN && !seen.includes(owner.uid)) {
      seen.push(owner.uid);
      if (!visit(owner, index)) return;
      index += 1;
      owner = byUid.get(owner.uid)?.owner;
    }
  };
  const chainOf = (object: StrippedObject, before: OwnerLink[] | undefined): OwnerLink[] => {
    if (before) {
      let same = true;
      let length = 0;
      walkChain(object, (owner, index) => {
        const link = before[index];
        same = link !== undefined && link.uid === owner.uid && link.kind === owner.kind && link.name === owner.name;
        length = index + 1;
        return same;
      });
      if (same && length === before.length) return before;
    }
    const chain: OwnerLink[] = [];
    walkChain(object, (owner) => chain.push({ kind: owner.kind, name: owner.name, uid: owner.uid }) > 0);
    return chain;
  };

  const podCounts = new Map<string, number>();
  const records: InventoryRecords = { namespaces: [], workloads: [], pods: [] };
  for (const ns of namespaces) {
    const labels = ns.labels ?? {};
    const before = previous.namespaces.get(ns.uid);
    if (before && before.name === ns.name && before.createdAt === ns.createdAt && sameLabels(before.labels, labels)) records.namespaces.push(before);
    else records.namespaces.push({ uid: ns.uid, name: ns.name, labels, createdAt: ns.createdAt });
  }
  for (const pod of pods) {
    let workloadUid = pod.uid;
    walkChain(pod, (owner) => {
      if (!byUid.has(owner.uid)) return false;
      workloadUid = owner.uid;
      podCounts.set(owner.uid, (podCounts.get(owner.uid) ?? 0) + 1);
      return true;
    });
    const projectionHash = pod.projectionHash!;
    if (workloadUid === pod.uid) records.workloads.push(workloadRecord(pod, 'Pod', null, 1, projectionHash));
    const phase = pod.phase ?? 'Pending';
    const before = previous.pods.get(pod.uid);
    if (
      before &&
      before.namespace === pod.namespace &&
      before.name === pod.name &&
      before.workloadUid === workloadUid &&
      before.projectionHash === projectionHash &&
      before.phase === phase
    ) {
      records.pods.push(before);
    } else {
      records.pods.push({ uid: pod.uid, namespace: pod.namespace, name: pod.name, workloadUid, projectionHash, phase });
    }
  }
  for (const controller of byUid.values()) {
    const kind = controller.kind as InventoryWorkload['kind'];
    records.workloads.push(workloadRecord(controller, kind, controller.replicas, podCounts.get(controller.uid) ?? 0, controller.projectionHash!));
  }
  return records;

  function workloadRecord(object: StrippedObject, kind: InventoryWorkload['kind'], replicas: number | null, podCount: number, projectionHash: string): InventoryWorkload {
    const before = previous.workloads.get(object.uid);
    const ownerChain = chainOf(object, before?.ownerChain);
    if (
      before &&
      before.ownerChain === ownerChain &&
      before.kind === kind &&
      before.namespace === object.namespace &&
      before.name === object.name &&
      before.replicas === replicas &&
      before.podCount === podCount &&
      before.projectionHash === projectionHash
    ) {
      return before;
    }
    return { uid: object.uid, kind, namespace: object.namespace, name: object.name, ownerChain, replicas, podCount, projectionHash };
  }
}
