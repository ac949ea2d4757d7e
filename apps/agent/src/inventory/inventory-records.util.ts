import type { InventoryNamespace, InventoryPod, InventoryWorkload, OwnerLink } from '@ratchet/contracts';

import type { StrippedObject } from './strip-object.util.js';

/** The cluster's inventory as the API's contract has it. */
export interface InventoryRecords {
  namespaces: InventoryNamespace[];
  workloads: InventoryWorkload[];
  pods: InventoryPod[];
}

const MAX_CHAIN = 16;

/**
 * Builds the inventory from the stripped objects of every watched resource: namespaces, every controller as a
 * workload with its owner chain (nearest first) and pod count, and every pod with its workload, the top
 * controller among the watched kinds (Pod → ReplicaSet → Deployment, Job → CronJob). A pod without a watched
 * controller is its own workload, of kind `Pod`.
 */
export function buildInventoryRecords(namespaces: Iterable<StrippedObject>, controllers: Iterable<StrippedObject>, pods: Iterable<StrippedObject>): InventoryRecords {
  const byUid = new Map<string, StrippedObject>();
  for (const controller of controllers) byUid.set(controller.uid, controller);

  const chainOf = (object: StrippedObject): OwnerLink[] => {
    const chain: OwnerLink[] = [];
    const seen = new Set<string>([object.uid]);
    let owner = object.owner;
    while (owner && chain.length < MAX_CHAIN && !seen.has(owner.uid)) {
      seen.add(owner.uid);
      chain.push({ kind: owner.kind, name: owner.name, uid: owner.uid });
      owner = byUid.get(owner.uid)?.owner;
    }
    return chain;
  };

  const podCounts = new Map<string, number>();
  const records: InventoryRecords = { namespaces: [], workloads: [], pods: [] };
  for (const ns of namespaces) {
    records.namespaces.push({ uid: ns.uid, name: ns.name, labels: ns.labels ?? {}, createdAt: ns.createdAt });
  }
  for (const pod of pods) {
    let workloadUid = pod.uid;
    for (const link of chainOf(pod)) {
      if (!byUid.has(link.uid)) break;
      workloadUid = link.uid;
      podCounts.set(link.uid, (podCounts.get(link.uid) ?? 0) + 1);
    }
    if (workloadUid === pod.uid) {
      records.workloads.push({
        uid: pod.uid,
        kind: 'Pod',
        namespace: pod.namespace,
        name: pod.name,
        ownerChain: chainOf(pod),
        replicas: null,
        podCount: 1,
        projectionHash: pod.projectionHash!,
      });
    }
    records.pods.push({
      uid: pod.uid,
      namespace: pod.namespace,
      name: pod.name,
      workloadUid,
      projectionHash: pod.projectionHash!,
      phase: pod.phase ?? 'Pending',
    });
  }
  for (const controller of byUid.values()) {
    records.workloads.push({
      uid: controller.uid,
      kind: controller.kind as InventoryWorkload['kind'],
      namespace: controller.namespace,
      name: controller.name,
      ownerChain: chainOf(controller),
      replicas: controller.replicas,
      podCount: podCounts.get(controller.uid) ?? 0,
      projectionHash: controller.projectionHash!,
    });
  }
  return records;
}
