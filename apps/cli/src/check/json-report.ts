import { remediationFor } from '@ratchet/pss';

import type { CheckRun, WorkloadResult } from './check-run.js';
import { countOf } from './check-run.js';
import { patchForObject } from './text-report.js';

/** The machine-readable report: one entry per workload with its verdict, checks, remediation and patch. */
export function renderJson(run: CheckRun): string {
  // Summary counts are of workloads and pods; `workloads` lists entries, each with the `count` it stands for.
  const sum = (workloads: readonly WorkloadResult[]) => workloads.reduce((total, w) => total + countOf(w), 0);
  const total = sum(run.workloads);
  const failing = sum(run.workloads.filter((w) => !w.evaluation.allowed));
  const report = {
    level: run.level,
    version: run.version,
    summary: {
      files: run.files,
      workloads: total,
      allowed: total - failing,
      rejected: failing,
      unknown: run.unknown.length,
      skipped: run.skipped.length,
      errors: run.errors.length,
    },
    workloads: run.workloads.map((w) => ({
      source: w.source,
      line: w.line,
      apiVersion: w.apiVersion,
      kind: w.kind,
      namespace: w.namespace ?? null,
      name: w.name,
      itemPath: w.itemPath ?? null,
      templatePath: w.templatePath,
      // Pods of one owner with this same verdict, as kubectl's "(and N other pods)".
      count: countOf(w),
      owner: w.owner ?? null,
      otherPods: w.others.map((other) => ({ name: other.name, line: other.line, itemPath: other.itemPath ?? null })),
      allowed: w.evaluation.allowed,
      forbiddenReason: w.evaluation.forbiddenReason,
      forbiddenDetail: w.evaluation.forbiddenDetail,
      warning: w.warning ?? null,
      checks: w.evaluation.checks.map((c) => {
        // With the pod: hostPorts that hostNetwork filled in need different advice than hostPorts written down.
        const remediation = remediationFor(c.id, w.pod);
        return { id: c.id, reason: c.reason, detail: c.detail, remediation: { what: remediation.what, why: remediation.why, snippet: remediation.snippet } };
      }),
      patch: w.suggestion
        ? {
            changes: w.suggestion.changes,
            yaml: w.suggestion.changes.length > 0 ? patchForObject(w) : null,
            manual: w.suggestion.manual.map((m) => ({ checkId: m.checkId, reason: m.reason, detail: m.detail })),
            allowedAfter: w.suggestion.allowedAfter,
          }
        : null,
    })),
    unknown: run.unknown,
    skipped: run.skipped,
    errors: run.errors,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
