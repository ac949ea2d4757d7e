import { CHECK_IDS } from '@ratchet/contracts';

import type { InventorySnapshot, StoredCheck, WhatIfWorkloadRow } from './what-if.repository.js';

/** A pod behind a workload that would be rejected. */
export interface RejectedPod {
  name: string;
  projectionId: string;
  checks: StoredCheck[];
}

/** A top-level workload that would be rejected at one level@version: its template, a pod behind it, or both fail. */
export interface Rejection {
  workload: WhatIfWorkloadRow;
  namespaceName: string;
  /** The template's failing checks; empty when only pods fail (e.g. an injected sidecar). */
  templateChecks: StoredCheck[];
  /** Failing pods, by name. */
  rejectedPods: RejectedPod[];
  /** Pods behind the workload, failing or not. */
  podCount: number;
  /** Template and pod failures together, one per check id (the template's detail first), in upstream order. */
  checks: StoredCheck[];
}

const CHECK_ORDER = new Map<string, number>(CHECK_IDS.map((id, index) => [id, index]));

function byName<T>(items: T[], name: (item: T) => string): T[] {
  // Bytewise, as Kubernetes names are ASCII and clients can predict it.
  return items.sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
}

/**
 * The workloads of a snapshot that would be rejected, given each projection's failing checks at one level@version
 * (`failing(projectionId)`: empty when it passes). A workload is rejected when its pod template or any pod behind it
 * fails: the template is what the next rollout creates, the pods are what runs now (they can differ: injected
 * sidecars, debug containers, a template changed since). Ordered by namespace, kind, name; pods by name.
 */
export function findRejections(snapshot: InventorySnapshot, failing: (projectionId: string) => readonly StoredCheck[]): Rejection[] {
  const namespaceNames = new Map(snapshot.namespaces.map((n) => [n.id, n.name]));
  const podsOf = new Map<string, { name: string; projectionId: string }[]>();
  for (const pod of snapshot.pods) {
    const list = podsOf.get(pod.topLevelWorkloadUid);
    if (list) list.push(pod);
    else podsOf.set(pod.topLevelWorkloadUid, [pod]);
  }
  const rejections: Rejection[] = [];
  for (const workload of snapshot.workloads) {
    const templateChecks = [...failing(workload.projectionId)];
    const pods = podsOf.get(workload.uid) ?? [];
    const rejectedPods: RejectedPod[] = [];
    for (const pod of pods) {
      const checks = failing(pod.projectionId);
      if (checks.length > 0) rejectedPods.push({ name: pod.name, projectionId: pod.projectionId, checks: [...checks] });
    }
    if (templateChecks.length === 0 && rejectedPods.length === 0) continue;
    const union = new Map<string, StoredCheck>();
    for (const check of [...templateChecks, ...rejectedPods.flatMap((p) => p.checks)]) if (!union.has(check.id)) union.set(check.id, check);
    rejections.push({
      workload,
      namespaceName: namespaceNames.get(workload.namespaceId) ?? '',
      templateChecks,
      rejectedPods: byName(rejectedPods, (p) => p.name),
      podCount: pods.length,
      checks: [...union.values()].sort((a, b) => (CHECK_ORDER.get(a.id) ?? 99) - (CHECK_ORDER.get(b.id) ?? 99)),
    });
  }
  return rejections.sort(
    (a, b) =>
      compare(a.namespaceName, b.namespaceName) || compare(a.workload.kind, b.workload.kind) || compare(a.workload.name, b.workload.name),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
