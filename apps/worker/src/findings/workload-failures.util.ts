import type { FailedCheck, PssLevel } from '@ratchet/db';

import type { VerdictIndex } from '../evaluation/evaluation.service.js';
import { verdictKey } from '../evaluation/evaluation.service.js';

/** Pod names a finding lists; `failingPods` counts them all (a DaemonSet can run one per node). */
export const MAX_LISTED_PODS = 50;

/** What a workload is made of for evaluation: its pod template and the pods behind it. */
export interface WorkloadSources {
  templateProjectionId: string;
  pods: readonly { name: string; projectionId: string }[];
}

/** Container names (init, regular, ephemeral) of each projection, by projection id. */
export type ProjectionContainers = ReadonlyMap<string, readonly string[]>;

/**
 * The containers of a pod that its workload's template does not have: injected after admission of the template
 * (service-mesh sidecars by a mutating webhook, debug containers by `kubectl debug`), so the fix is the injector's.
 */
export function injectedContainerNames(templateContainers: readonly string[], podContainers: readonly string[]): string[] {
  const template = new Set(templateContainers);
  return [...new Set(podContainers.filter((name) => !template.has(name)))].sort();
}

/**
 * The checks a workload fails at one level, keyed by `label` (the version as findings and readiness name it) and
 * read from the verdicts at `concrete` (the version evaluated): one FailedCheck per check that its template or any
 * of its pods fails, with PSA's wording of the first failure and, in `detail`, `{ template, pods, failingPods,
 * details }`: whether the template fails, the first MAX_LISTED_PODS failing pods by name, how many fail, and PSA's
 * distinct details, and `injectedContainers`: the failing containers found in pods but not in the template.
 */
export function workloadFailures(
  sources: WorkloadSources,
  verdicts: VerdictIndex,
  level: PssLevel,
  label: string,
  concrete: string,
  containers: ProjectionContainers = new Map(),
): FailedCheck[] {
  const byCheck = new Map<string, { message: string; template: boolean; pods: string[]; details: Set<string>; injected: Set<string> }>();
  const templateContainers = containers.get(sources.templateProjectionId) ?? [];
  const visit = (projectionId: string, pod: string | null) => {
    const injected = pod === null ? [] : injectedContainerNames(templateContainers, containers.get(projectionId) ?? []);
    const verdict = verdicts.get(projectionId)?.get(verdictKey(level, concrete));
    if (!verdict) throw new Error(`no verdict for projection ${projectionId} at ${level}@${concrete}`);
    for (const check of verdict.checks) {
      let entry = byCheck.get(check.id);
      if (!entry) {
        entry = {
          message: check.detail === '' ? check.reason : `${check.reason} (${check.detail})`,
          template: false,
          pods: [],
          details: new Set(),
          injected: new Set(),
        };
        byCheck.set(check.id, entry);
      }
      // PSA names failing containers quoted in the detail (`container "istio-proxy" must ...`, libs/pss format.util).
      for (const name of injected) if (check.detail.includes(`"${name}"`)) entry.injected.add(name);
      if (check.detail !== '') entry.details.add(check.detail);
      if (pod === null) entry.template = true;
      else entry.pods.push(pod);
    }
  };
  visit(sources.templateProjectionId, null);
  for (const pod of sources.pods) visit(pod.projectionId, pod.name);
  return [...byCheck.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([checkId, entry]) => ({
      level,
      version: label,
      checkId,
      message: entry.message,
      detail: {
        template: entry.template,
        pods: entry.pods.slice(0, MAX_LISTED_PODS),
        failingPods: entry.pods.length,
        details: [...entry.details].sort(),
        injectedContainers: [...entry.injected].sort(),
      },
    }));
}
