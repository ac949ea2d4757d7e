import {
  evaluatePod,
  extractPodTemplates,
  parseManifests,
  validatePod,
  suggestPatch,
  violationMessage,
} from '@ratchet/pss';
import type { ApiserverVersion, Evaluation, ExtractedPodTemplate, ManifestObjectRef, PatchSuggestion, PolicyVersion } from '@ratchet/pss';

import type { ManifestInput } from './collect-inputs.util.js';

/** Where an object came from, for `file:line` in the report. */
export interface Located extends ManifestObjectRef {
  source: string;
  line: number;
}

/** Another pod of the same owner with the same verdict, folded into the first one's entry. */
export interface OtherPod {
  name: string;
  line: number;
  itemPath?: string;
}

/**
 * One entry of the report: a workload, or the first of several pods of one owner (ReplicaSet, Job, ...) that
 * get the same verdict, the way kubectl's own warning says "(and N other pods)".
 */
export interface WorkloadResult extends Located {
  templatePath: string;
  /** The pod or template as Pod Security sees it (after the apiserver's create-time defaulting). */
  pod: ExtractedPodTemplate['pod'];
  evaluation: Evaluation;
  /** The kubectl warning text, without the `Warning: ` prefix. */
  warning?: string;
  suggestion?: PatchSuggestion;
  /** The controller that created the pod (its controller ownerReference); absent for templates and bare pods. */
  owner?: { kind: string; name: string };
  /** The other pods folded into this entry; empty for a lone workload. */
  others: OtherPod[];
}

export interface CheckRun {
  level: 'baseline' | 'restricted';
  version: string;
  files: number;
  /** Objects read from all inputs (List items counted one by one, the List itself not). */
  objects: number;
  workloads: WorkloadResult[];
  skipped: (Located & { reason: string })[];
  unknown: (Located & { message: string })[];
  /** Bad input: unreadable files, malformed YAML, invalid objects. Any of these makes the exit code 2. */
  errors: { source: string; line?: number; column?: number; message: string }[];
}

/** How many pods and templates an entry stands for. */
export function countOf(workload: WorkloadResult): number {
  return 1 + workload.others.length;
}

function controllerOf(template: ExtractedPodTemplate): { kind: string; name: string } | undefined {
  // Only a Pod itself names its owner; a template's pods do not exist yet.
  if (template.templatePath !== '') return undefined;
  const owners = template.pod.metadata?.ownerReferences;
  if (!Array.isArray(owners)) return undefined;
  const controller = owners.find((owner) => owner?.controller === true);
  if (!controller || typeof controller.kind !== 'string' || typeof controller.name !== 'string') return undefined;
  return { kind: controller.kind, name: controller.name };
}

/** Evaluates every pod and pod template in the inputs; pure apart from the inputs already read. */
export function checkManifests(
  inputs: readonly ManifestInput[],
  level: 'baseline' | 'restricted',
  version: PolicyVersion,
  kubernetesVersion: ApiserverVersion = 'latest',
): CheckRun {
  const run: CheckRun = { level, version: version.label, files: 0, objects: 0, workloads: [], skipped: [], unknown: [], errors: [] };
  // Pods of one controller with the same verdict share an entry; keyed by file, owner and verdict.
  const groups = new Map<string, WorkloadResult>();
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
      // Each item of a List is reported at its own line, the List's line being no help in a 10,000-pod export.
      const at = (ref: ManifestObjectRef) => ({
        source: input.source,
        line: (ref.itemPath === undefined ? undefined : document.itemLines.get(ref.itemPath)) ?? document.line,
      });
      const extraction = extractPodTemplates(document.object, { apiserverVersion: kubernetesVersion });
      run.objects += extraction.templates.length + extraction.skipped.length + extraction.unknown.length + extraction.problems.length;
      for (const skipped of extraction.skipped) run.skipped.push({ ...at(skipped), ...skipped });
      for (const unknown of extraction.unknown) run.unknown.push({ ...at(unknown), ...unknown });
      for (const problem of extraction.problems) {
        run.errors.push({ ...at(problem), message: `${describe(problem)}: ${problem.message}` });
      }
      for (const template of extraction.templates) {
        try {
          // Rejects fields of the wrong type (a string where a boolean belongs) with their path.
          validatePod(template.pod);
        } catch (error) {
          // validatePod (through projectPod) names fields from the pod; people look for them in the object as written.
          const prefix = template.templatePath === '' ? '' : `${template.templatePath}.`;
          run.errors.push({ ...at(template), message: `${describe(template)}: ${prefix}${(error as Error).message}` });
          continue;
        }
        const evaluation = evaluatePod(template.pod, level, version);
        const owner = controllerOf(template);
        const location = at(template);
        const key = owner && [input.source, template.namespace ?? '', owner.kind, owner.name, evaluation.forbiddenDetail].join('\0');
        const group = key === undefined ? undefined : groups.get(key);
        if (group) {
          // The controller stamped these pods from one template and they fail the same checks on the same
          // containers, so the first pod's patch is theirs too: it is not computed again for each replica.
          group.others.push({ name: template.name, line: location.line, ...(template.itemPath !== undefined && { itemPath: template.itemPath }) });
          continue;
        }
        const result: WorkloadResult = { ...location, ...template, evaluation, others: [] };
        if (owner) result.owner = owner;
        if (!evaluation.allowed) {
          result.warning = violationMessage(evaluation);
          result.suggestion = suggestPatch(template.pod, level, version);
        }
        if (key !== undefined) groups.set(key, result);
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

/** ` (and 2 other pods of ReplicaSet web-7d4f)`, as kubectl folds pods of one owner; "" for a lone workload. */
export function othersSuffix(workload: WorkloadResult): string {
  const count = workload.others.length;
  if (count === 0) return '';
  const owner = workload.owner ? ` of ${workload.owner.kind} ${workload.owner.name}` : '';
  return ` (and ${count} other pod${count === 1 ? '' : 's'}${owner})`;
}

/**
 * An input with no object at all (an empty file, a failed `helm template` piped in) must not pass a CI gate;
 * `--allow-empty` accepts it.
 */
export function rejectEmpty(run: CheckRun, paths: readonly string[]): void {
  if (run.objects > 0 || run.errors.length > 0) return;
  const where = paths.map((path) => (path === '-' ? '<stdin>' : path)).join(', ');
  run.errors.push({
    source: where,
    message: 'no Kubernetes objects in the input, so nothing was checked (an empty file, or a command piped in that failed?); pass --allow-empty to accept this',
  });
}

export function exitCode(run: CheckRun): number {
  if (run.errors.length > 0) return 2;
  return run.workloads.some((w) => !w.evaluation.allowed) ? 1 : 0;
}
