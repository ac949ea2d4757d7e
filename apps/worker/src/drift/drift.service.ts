import type { ClusterScope, Transaction } from '@ratchet/db';
import { enforcePolicyOf } from '@ratchet/pss';

import { EVALUATED_LEVELS, ensureVerdicts, verdictKey } from '../evaluation/evaluation.service.js';
import { clusterReleaseVersion, concreteVersion } from '../evaluation/policy-version.util.js';
import { groupBy, type ReadinessSources } from '../readiness/readiness.service.js';
import { replaceNamespaceDrift } from './drift.repository.js';
import type { DriftedWorkload, NamespaceDriftRow } from './drift.repository.js';

/**
 * Recomputes the version drift of these namespaces of a cluster: for each one pinned to a version (a valid
 * enforce-version other than `latest`), at baseline and restricted, the live top-level workloads whose template or
 * pods fail a check at `latest` (the cluster's release) that they pass at the pinned version. Newer versions mostly
 * allow more, but not only (restricted gained checks over time), so a cluster upgrade or a move to `latest` can
 * reject what runs today. No drift is stored when `latest` is unknown (no heartbeat) or resolves to the pin.
 * Replaces the namespaces' rows in the same transaction; returns the rows stored.
 */
export async function recomputeDrift(tx: Transaction, scope: ClusterScope, sources: ReadinessSources, now: Date): Promise<NamespaceDriftRow[]> {
  const { namespaceIds, namespaces, cluster } = sources;
  if (namespaces.length === 0 || cluster === null) return [];
  // The pin is the effective enforce version, as readiness decides it: the label, else the cluster's PSA default.
  const { defaults, exemptions } = cluster.psaConfiguration.configuration;
  const latest = clusterReleaseVersion(cluster.kubernetesVersion);
  const plans = namespaces.flatMap((n) => {
    const policy = enforcePolicyOf(n.name, n, defaults, exemptions);
    const label = policy.version;
    if (!n.reported || policy.source === 'exempt' || label === 'latest' || latest === null) return [];
    const pinned = concreteVersion(label, latest)!;
    return pinned === latest ? [] : [{ namespace: n, label, pinned, latest }];
  });
  const rows: NamespaceDriftRow[] = [];
  if (plans.length > 0) {
    // Readiness read the workloads and pods of every reported namespace: keep the pinned namespaces' ones, so only
    // they are evaluated at the pinned and latest versions.
    const pinnedIds = new Set(plans.map((p) => p.namespace.id));
    const workloads = sources.workloads.filter((w) => pinnedIds.has(w.namespaceId));
    const workloadUids = new Set(workloads.map((w) => w.uid));
    const pods = sources.pods.filter((p) => workloadUids.has(p.topLevelWorkloadUid));
    const verdicts = await ensureVerdicts(
      tx,
      scope,
      [...workloads.map((w) => w.projectionId), ...pods.map((p) => p.projectionId)],
      [...new Set(plans.flatMap((p) => [p.pinned, p.latest]))],
      now,
    );
    const podsOf = groupBy(pods, (p) => p.topLevelWorkloadUid);
    const workloadsOf = groupBy(workloads, (w) => w.namespaceId);
    for (const { namespace, label, pinned, latest } of plans) {
      for (const level of EVALUATED_LEVELS) {
        const drifted: DriftedWorkload[] = [];
        for (const workload of workloadsOf.get(namespace.id) ?? []) {
          const projections = [workload.projectionId, ...(podsOf.get(workload.uid) ?? []).map((pod) => pod.projectionId)];
          const failing = (version: string) => projections.flatMap((id) => verdicts.get(id)?.get(verdictKey(level, version))?.checks ?? []);
          const passedAtPin = new Set(failing(pinned).map((c) => c.id));
          const added = new Map<string, DriftedWorkload['checks'][number]>();
          for (const check of failing(latest)) if (!passedAtPin.has(check.id) && !added.has(check.id)) added.set(check.id, check);
          if (added.size > 0) drifted.push({ workloadId: workload.id, kind: workload.kind, name: workload.name, checks: [...added.values()] });
        }
        if (drifted.length > 0) rows.push({ namespaceId: namespace.id, level, pinnedVersion: label, latestVersion: latest, workloads: drifted });
      }
    }
  }
  await replaceNamespaceDrift(tx, scope, namespaceIds, rows, now);
  return rows;
}
