import { refreshWorkloadsFindings, resolveWorkloadFindings, type ClusterScope, type FindingChanges, type Transaction } from '@ratchet/db';

import { EVALUATED_LEVELS, ensureVerdicts } from '../evaluation/evaluation.service.js';
import { clusterReleaseVersion, concreteVersion, versionLabel } from '../evaluation/policy-version.util.js';
import { readReadinessCluster } from '../readiness/readiness-sources.repository.js';
import { readPodsOfWorkloads, readProjectionContainers, readTopLevelWorkloads } from './workload-sources.repository.js';
import { workloadFailures } from './workload-failures.util.js';

/** A top-level workload to refresh, with the observation time of the inventory the refresh reads (its mark's marked-at). */
export interface WorkloadToRefresh {
  id: string;
  observedAt: Date;
}

/**
 * Refreshes the findings of these top-level workloads of a cluster at every level and at the versions their
 * namespace names (enforce, audit and warn versions, the cluster's PSA default version for a mode without its label,
 * and `latest` = the cluster's release once known): a check
 * fails when the workload's template or any pod behind it fails it. A deleted workload (or one in a deleted
 * namespace) has its open findings resolved at its deletion time. Findings are dated by the workload's
 * `observedAt` (first seen, last seen, resolved), when the agent observed what is evaluated, not by the worker's
 * clock: a batch the agent spooled during an outage opens its findings when they happened. `now` dates the
 * verdicts only. Returns the summed changes.
 */
export async function refreshFindings(tx: Transaction, scope: ClusterScope, toRefresh: readonly WorkloadToRefresh[], now: Date): Promise<FindingChanges> {
  const total: FindingChanges = { opened: 0, stillOpen: 0, resolved: 0 };
  const observedAt = new Map(toRefresh.map((w) => [w.id, w.observedAt]));
  const workloads = await readTopLevelWorkloads(tx, scope, toRefresh.map((w) => w.id));
  const live = workloads.filter((w) => !w.deleted);
  for (const gone of workloads.filter((w) => w.deleted)) {
    total.resolved += await resolveWorkloadFindings(tx, scope, gone.id, gone.deletedAt ?? observedAt.get(gone.id)!);
  }
  if (live.length === 0) return total;

  const pods = await readPodsOfWorkloads(tx, scope, live.map((w) => w.uid));
  const podsOf = new Map<string, typeof pods>();
  for (const pod of pods) {
    const group = podsOf.get(pod.topLevelWorkloadUid);
    if (group) group.push(pod);
    else podsOf.set(pod.topLevelWorkloadUid, [pod]);
  }
  // A mode without its version label runs at the cluster's PSA default version (API-set, agent-reported,
  // organization or upstream configuration), as PSA does: findings exist at the version readiness uses.
  const { defaults } = (await readReadinessCluster(tx, scope)).psaConfiguration.configuration;
  const effective = (label: string | null, fallback: string) => (label === null ? fallback : versionLabel(label));
  const plans = live.map((w) => {
    const release = clusterReleaseVersion(w.kubernetesVersion);
    const labels = new Set([
      effective(w.enforceVersion, defaults['enforce-version']),
      effective(w.auditVersion, defaults['audit-version']),
      effective(w.warnVersion, defaults['warn-version']),
    ]);
    labels.add('latest');
    // `latest` is left alone (neither opened nor resolved) until the cluster's release is known.
    const versions = [...labels].flatMap((label) => {
      const concrete = concreteVersion(label, release);
      return concrete === null ? [] : [{ label, concrete }];
    });
    const sources = { templateProjectionId: w.projectionId, pods: podsOf.get(w.uid) ?? [] };
    return { workload: w, versions, sources };
  });
  const verdicts = await ensureVerdicts(
    tx,
    scope,
    plans.flatMap((p) => [p.sources.templateProjectionId, ...p.sources.pods.map((pod) => pod.projectionId)]),
    plans.flatMap((p) => p.versions.map((v) => v.concrete)),
    now,
  );
  // Only workloads with pods can have injected containers; their templates' and pods' container names are read once.
  const containers = await readProjectionContainers(
    tx,
    scope,
    plans.filter((p) => p.sources.pods.length > 0).flatMap((p) => [p.sources.templateProjectionId, ...p.sources.pods.map((pod) => pod.projectionId)]),
  );
  // One write for the whole chunk of workloads: a statement per workload was most of the worker's time.
  const changes = await refreshWorkloadsFindings(
    tx,
    scope,
    plans.map((plan) => ({
      workloadId: plan.workload.id,
      versions: plan.versions.map((v) => v.label),
      failing: plan.versions.flatMap((v) => EVALUATED_LEVELS.flatMap((level) => workloadFailures(plan.sources, verdicts, level, v.label, v.concrete, containers))),
      seenAt: observedAt.get(plan.workload.id)!,
    })),
  );
  total.opened += changes.opened;
  total.stillOpen += changes.stillOpen;
  total.resolved += changes.resolved;
  return total;
}
