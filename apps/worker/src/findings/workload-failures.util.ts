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

/**
 * The checks a workload fails at one level, keyed by `label` (the version as findings and readiness name it) and
 * read from the verdicts at `concrete` (the version evaluated): one FailedCheck per check that its template or any
 * of its pods fails, with PSA's wording of the first failure and, in `detail`, `{ template, pods, failingPods,
 * details }`: whether the template fails, the first MAX_LISTED_PODS failing pods by name, how many fail, and PSA's
 * distinct details.
 */
export function workloadFailures(sources: WorkloadSources, verdicts: VerdictIndex, level: PssLevel, label: string, concrete: string): FailedCheck[] {
  const byCheck = new Map<string, { message: string; template: boolean; pods: string[]; details: Set<string> }>();
  const visit = (projectionId: string, pod: string | null) => {
    const verdict = verdicts.get(projectionId)?.get(verdictKey(level, concrete));
    if (!verdict) throw new Error(`no verdict for projection ${projectionId} at ${level}@${concrete}`);
    for (const check of verdict.checks) {
      let entry = byCheck.get(check.id);
      if (!entry) {
        entry = { message: check.detail === '' ? check.reason : `${check.reason} (${check.detail})`, template: false, pods: [], details: new Set() };
        byCheck.set(check.id, entry);
      }
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
      detail: { template: entry.template, pods: entry.pods.slice(0, MAX_LISTED_PODS), failingPods: entry.pods.length, details: [...entry.details].sort() },
    }));
}
