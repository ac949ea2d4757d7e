import { upsertNamespaceReadiness, type BlockingWorkload, type ClusterScope, type NamespaceReadinessInput, type PssLevel, type Transaction } from '@ratchet/db';
import { isLevel, levelRank } from '@ratchet/pss';

import { EVALUATED_LEVELS, ensureVerdicts, verdictKey } from '../evaluation/evaluation.service.js';
import { clusterReleaseVersion, concreteVersion, versionLabel } from '../evaluation/policy-version.util.js';
import { countAuditViolations, deleteOtherReadinessVersions, readNamespacePods, readNamespaceWorkloads, readReadinessNamespaces } from './readiness-sources.repository.js';

const DAY_MS = 86_400_000;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Whether an audit violation of `violated` (null: unparsed, level unreadable) blocks `level`. */
function auditBlocks(violated: PssLevel | null, level: PssLevel): boolean {
  // Restricted contains baseline: a baseline violation fails restricted too. An unreadable one blocks every level.
  return violated === null || levelRank(violated) <= levelRank(level);
}

/** Whether a namespace enforcing `enforceLevel` (raw label) enforces `level`. */
function enforces(enforceLevel: string | null, level: PssLevel): boolean {
  return enforceLevel !== null && isLevel(enforceLevel) && levelRank(enforceLevel) >= levelRank(level);
}

/**
 * Recomputes and stores the readiness of these namespaces of a cluster for baseline and restricted, at each
 * namespace's effective version (its enforce-version, else `latest` = the cluster's release):
 * - `unknown` when the agent has not reported the namespace (placeholder or deleted) or `latest` is unknown (no
 *   heartbeat yet);
 * - `blocked` when a live top-level workload's template or a pod behind it fails level@version, or an audit-mode
 *   violation of that level within the organization's readiness window (ending at `now`) was recorded (dry runs
 *   never block; unparsed ones do); `atRisk` when the namespace already enforces the level;
 * - `ready` otherwise.
 * Returns the rows stored.
 */
export async function recomputeReadiness(tx: Transaction, scope: ClusterScope, namespaceIds: readonly string[], now: Date): Promise<NamespaceReadinessInput[]> {
  const namespaces = await readReadinessNamespaces(tx, scope, namespaceIds);
  if (namespaces.length === 0) return [];
  const reported = namespaces.filter((n) => n.reported);
  const ids = reported.map((n) => n.id);
  const workloads = await readNamespaceWorkloads(tx, scope, ids);
  const pods = await readNamespacePods(tx, scope, ids);
  const windowDays = namespaces[0]!.readinessWindowDays;
  const audits = await countAuditViolations(tx, scope, reported.map((n) => n.name), new Date(now.getTime() - windowDays * DAY_MS), now);

  const plans = namespaces.map((n) => {
    const label = versionLabel(n.enforceVersion);
    return { namespace: n, label, concrete: n.reported ? concreteVersion(label, clusterReleaseVersion(n.kubernetesVersion)) : null };
  });
  const verdicts = await ensureVerdicts(
    tx,
    scope,
    [...workloads.map((w) => w.projectionId), ...pods.map((p) => p.projectionId)],
    plans.flatMap((p) => (p.concrete === null ? [] : [p.concrete])),
    now,
  );
  // Grouped once: a namespace chunk can hold thousands of workloads and tens of thousands of pods.
  const workloadsOf = groupBy(workloads, (w) => w.namespaceId);
  const podsOf = groupBy(pods, (p) => p.topLevelWorkloadUid);
  const failing = (projectionId: string, level: PssLevel, version: string): string[] =>
    verdicts.get(projectionId)?.get(verdictKey(level, version))?.checks.map((c) => c.id) ?? [];

  const rows: NamespaceReadinessInput[] = [];
  for (const { namespace, label, concrete } of plans) {
    for (const level of EVALUATED_LEVELS) {
      const base = { namespaceId: namespace.id, level, version: label, windowDays };
      if (concrete === null) {
        rows.push({ ...base, status: 'unknown', atRisk: false, blockingWorkloads: [], auditViolationCount: 0 });
        continue;
      }
      const blocking: BlockingWorkload[] = [];
      for (const workload of workloadsOf.get(namespace.id) ?? []) {
        const checks = new Set(failing(workload.projectionId, level, concrete));
        for (const pod of podsOf.get(workload.uid) ?? []) failing(pod.projectionId, level, concrete).forEach((c) => checks.add(c));
        if (checks.size > 0) blocking.push({ workloadId: workload.id, kind: workload.kind, name: workload.name, checks: [...checks].sort() });
      }
      const auditViolationCount = audits
        .filter((a) => a.namespaceName === namespace.name && auditBlocks(a.level, level))
        .reduce((sum, a) => sum + a.count, 0);
      const fails = blocking.length > 0 || auditViolationCount > 0;
      rows.push({
        ...base,
        status: fails ? 'blocked' : 'ready',
        atRisk: fails && enforces(namespace.enforceLevel, level),
        blockingWorkloads: blocking,
        auditViolationCount,
      });
    }
  }
  await deleteOtherReadinessVersions(tx, scope, plans.map((p) => ({ namespaceId: p.namespace.id, version: p.label })));
  await upsertNamespaceReadiness(tx, scope, rows, now);
  return rows;
}
