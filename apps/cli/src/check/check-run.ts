import {
  evaluatePod,
  extractPodTemplates,
  parseManifests,
  projectPod,
  suggestPatch,
  violationMessage,
} from '@ratchet/pss';
import type { Evaluation, ManifestObjectRef, PatchSuggestion, PolicyVersion } from '@ratchet/pss';

import type { ManifestInput } from './collect-inputs.util.js';

/** Where an object came from, for `file:line` in the report. */
export interface Located extends ManifestObjectRef {
  source: string;
  line: number;
}

export interface WorkloadResult extends Located {
  templatePath: string;
  evaluation: Evaluation;
  /** The kubectl warning text, without the `Warning: ` prefix. */
  warning?: string;
  suggestion?: PatchSuggestion;
}

export interface CheckRun {
  level: 'baseline' | 'restricted';
  version: string;
  files: number;
  workloads: WorkloadResult[];
  skipped: (Located & { reason: string })[];
  unknown: (Located & { message: string })[];
  /** Bad input: unreadable files, malformed YAML, invalid objects. Any of these makes the exit code 2. */
  errors: { source: string; line?: number; column?: number; message: string }[];
}

/** Evaluates every pod and pod template in the inputs; pure apart from the inputs already read. */
export function checkManifests(inputs: readonly ManifestInput[], level: 'baseline' | 'restricted', version: PolicyVersion): CheckRun {
  const run: CheckRun = { level, version: version.label, files: 0, workloads: [], skipped: [], unknown: [], errors: [] };
  for (const input of inputs) {
    if ('error' in input) {
      run.errors.push({ source: input.source, message: input.error });
      continue;
    }
    run.files++;
    let documents;
    try {
      documents = parseManifests(input.text, input.source);
    } catch (error) {
      run.errors.push(syntaxError(input.source, (error as Error).message));
      continue;
    }
    for (const document of documents) {
      const at = { source: input.source, line: document.line };
      const extraction = extractPodTemplates(document.object);
      for (const skipped of extraction.skipped) run.skipped.push({ ...at, ...skipped });
      for (const unknown of extraction.unknown) run.unknown.push({ ...at, ...unknown });
      for (const problem of extraction.problems) {
        run.errors.push({ ...at, message: `${describe(problem)}: ${problem.message}` });
      }
      for (const template of extraction.templates) {
        try {
          // Rejects fields of the wrong type (a string where a boolean belongs) with their path.
          projectPod(template.pod);
        } catch (error) {
          // projectPod names fields from the pod; people look for them in the object as written.
          const prefix = template.templatePath === '' ? '' : `${template.templatePath}.`;
          run.errors.push({ ...at, message: `${describe(template)}: ${prefix}${(error as Error).message}` });
          continue;
        }
        const evaluation = evaluatePod(template.pod, level, version);
        const result: WorkloadResult = { ...at, ...template, evaluation };
        if (!evaluation.allowed) {
          result.warning = violationMessage(evaluation);
          result.suggestion = suggestPatch(template.pod, level, version);
        }
        run.workloads.push(result);
      }
    }
  }
  return run;
}

// parseManifests reports `source:line:column: message`; keep the position as fields, not a repeated prefix.
function syntaxError(source: string, message: string): CheckRun['errors'][number] {
  const prefix = `${source}:`;
  const position = message.startsWith(prefix) ? /^(\d+):(\d+): ([\s\S]*)$/.exec(message.slice(prefix.length)) : null;
  if (!position) return { source, message };
  return { source, line: Number(position[1]), column: Number(position[2]), message: position[3]! };
}

/** `Deployment shop/web`, the way people name a workload. */
export function describe(ref: ManifestObjectRef): string {
  const name = ref.name === '' ? '(unnamed)' : ref.name;
  const qualified = ref.namespace ? `${ref.namespace}/${name}` : name;
  return `${ref.kind || '(no kind)'} ${qualified}${ref.itemPath ? ` [${ref.itemPath}]` : ''}`;
}

export function exitCode(run: CheckRun): number {
  if (run.errors.length > 0) return 2;
  return run.workloads.some((w) => !w.evaluation.allowed) ? 1 : 0;
}
