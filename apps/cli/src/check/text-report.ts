import { styleText } from 'node:util';

import type { CheckRun, WorkloadResult } from './check-run.js';
import { countOf, describe, othersSuffix } from './check-run.js';

type Style = Parameters<typeof styleText>[0];

/** Renders a check run for people: failures first with their fix, then a one-line summary. */
export function renderText(run: CheckRun, color: boolean): string {
  const paint = (style: Style, text: string) => (color ? styleText(style, text, { validateStream: false }) : text);
  const out: string[] = [];
  const policy = `${run.level}:${run.version}`;

  for (const error of run.errors) {
    const position = error.line === undefined ? '' : `:${error.line}${error.column === undefined ? '' : `:${error.column}`}`;
    out.push(`${paint(['red', 'bold'], 'error')} ${error.source}${position}: ${error.message}`);
  }
  if (run.errors.length > 0) out.push('');

  const failing = run.workloads.filter((w) => !w.evaluation.allowed);
  for (const workload of failing) {
    out.push(`${paint('bold', `${workload.source}:${workload.line}`)}  ${paint('bold', describe(workload))}${othersSuffix(workload)}`);
    // Flush left and byte-identical to kubectl's line, so `grep '^Warning:'` works on both.
    out.push(`${paint('yellow', 'Warning:')} ${workload.warning ?? ''}`);
    out.push(...renderFix(workload, paint));
    out.push('');
  }
  for (const workload of run.workloads.filter((w) => w.evaluation.allowed)) {
    out.push(`${paint('green', 'ok')}    ${workload.source}:${workload.line}  ${describe(workload)}${othersSuffix(workload)}`);
  }
  for (const unknown of run.unknown) {
    out.push(`${paint('yellow', 'unknown')} ${unknown.source}:${unknown.line}  ${describe(unknown)}: ${unknown.message}`);
  }
  for (const skipped of run.skipped) {
    out.push(`${paint('dim', 'skip')}  ${skipped.source}:${skipped.line}  ${describe(skipped)}: ${skipped.reason}`);
  }

  // Counts are of workloads and pods, not of report entries: an entry may stand for several pods of one owner.
  const total = sum(run.workloads);
  const rejected = sum(failing);
  const manual = sum(failing.filter((w) => (w.suggestion?.manual.length ?? 0) > 0));
  const parts = [`${total - rejected} pass`];
  if (rejected > 0) {
    parts.push(`${rejected} would be rejected (${rejected - manual} fixed by the suggested patch, ${manual} ${manual === 1 ? 'needs' : 'need'} a human)`);
  }
  if (run.unknown.length > 0) parts.push(`${run.unknown.length} of unknown kind`);
  if (run.errors.length > 0) parts.push(`${run.errors.length} input error${run.errors.length === 1 ? '' : 's'}`);
  const verdict = run.errors.length > 0 ? paint(['red', 'bold'], 'error') : rejected > 0 ? paint(['red', 'bold'], 'fail') : paint(['green', 'bold'], 'pass');
  // Sections end with their own blank line; add one only where the last section did not.
  if (out.length > 0 && out.at(-1) !== '') out.push('');
  out.push(`${verdict}  ${plural(total, 'workload')} in ${plural(run.files, 'file')} checked against ${policy}: ${parts.join(', ')}`);
  return `${out.join('\n')}\n`;
}

function sum(workloads: readonly WorkloadResult[]): number {
  let count = 0;
  for (const workload of workloads) count += countOf(workload);
  return count;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function renderFix(workload: WorkloadResult, paint: (style: Style, text: string) => string): string[] {
  const suggestion = workload.suggestion;
  if (!suggestion) return [];
  const lines: string[] = [];
  for (const fix of suggestion.manual) {
    lines.push(`  ${paint('magenta', 'needs a human:')} ${fix.remediation.title}: ${fix.reason}`);
    lines.push(`    ${paint('dim', fix.remediation.what)}`);
  }
  if (suggestion.changes.length > 0) {
    const where = workload.templatePath === '' ? 'the pod' : `${workload.kind} ${workload.templatePath}`;
    lines.push(`  ${paint('cyan', 'fix:')} ${suggestion.manual.length > 0 ? 'for the rest, ' : ''}apply this patch to ${where}`);
    for (const line of patchForObject(workload).trimEnd().split('\n')) lines.push(`    ${line}`);
  }
  return lines;
}

/**
 * The pod-level patch nested under the object's template path, so it applies to the object as written. The
 * patch is block YAML with 2-space indentation, so nesting it under `spec:` `template:` is indenting it: no
 * parse and print per workload (which cost seconds on a 10,000-pod export).
 */
export function patchForObject(workload: WorkloadResult): string {
  let patch = workload.suggestion?.yaml ?? '{}\n';
  const segments = workload.templatePath === '' ? [] : workload.templatePath.split('.');
  for (const segment of segments.reverse()) {
    patch = `${segment}:\n${patch.trimEnd().split('\n').map((line) => (line === '' ? line : `  ${line}`)).join('\n')}\n`;
  }
  return patch;
}
