import type { PodLike } from '../api/pod.types.js';
import type { ApiserverVersion } from './default-pod-on-create.util.js';
import { defaultPodOnCreate, defaultTemplateOnCreate } from './default-pod-on-create.util.js';
import { POD_BEARING_KINDS, POD_LESS_KIND_NAMES, POD_LESS_KINDS } from './workload-kinds.constant.js';

type Fields = Record<string, unknown>;

/** Which object in a manifest a result is about. */
export interface ManifestObjectRef {
  /** "" when the object has no kind. */
  kind: string;
  apiVersion: string;
  /** `metadata.name`, else `metadata.generateName`, else "". */
  name: string;
  namespace?: string;
  /** Where the object sits inside a List, e.g. `items[2].items[0]`; absent for a top-level object. */
  itemPath?: string;
}

/** A pod, or the pod template of a workload, ready for `projectPod` or `evaluatePod`. */
export interface ExtractedPodTemplate extends ManifestObjectRef {
  /** `spec.template`, `spec.jobTemplate.spec.template`, `template`, or "" for a Pod. */
  templatePath: string;
  /** `{metadata, spec}` as Pod Security sees it: after the API server's create-time changes (defaultPodOnCreate). */
  pod: PodLike;
}

/** A built-in kind that never holds a pod (Service, ConfigMap, ...). */
export interface SkippedManifestObject extends ManifestObjectRef {
  reason: string;
}

/** A kind Ratchet does not know how to read a pod from: a custom resource, or a misspelt kind. */
export interface UnknownManifestObject extends ManifestObjectRef {
  message: string;
}

/** A workload whose template is missing or malformed, or an object that is not a Kubernetes object. */
export interface ManifestObjectProblem extends ManifestObjectRef {
  message: string;
}

/** Everything found in one manifest object; nothing is dropped silently. */
export interface PodTemplateExtraction {
  templates: ExtractedPodTemplate[];
  skipped: SkippedManifestObject[];
  unknown: UnknownManifestObject[];
  problems: ManifestObjectProblem[];
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(fields: Fields | undefined, key: string): string | undefined {
  const value = fields?.[key];
  return typeof value === 'string' ? value : undefined;
}

function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

function refOf(object: Fields, itemPath: string): ManifestObjectRef {
  const metadata = isFields(object.metadata) ? object.metadata : undefined;
  const ref: ManifestObjectRef = {
    kind: stringField(object, 'kind') ?? '',
    apiVersion: stringField(object, 'apiVersion') ?? '',
    name: stringField(metadata, 'name') ?? stringField(metadata, 'generateName') ?? '',
  };
  const namespace = stringField(metadata, 'namespace');
  if (namespace !== undefined) ref.namespace = namespace;
  if (itemPath !== '') ref.itemPath = itemPath;
  return ref;
}

function describeObject(ref: ManifestObjectRef): string {
  return ref.name === '' ? ref.kind : `${ref.kind} "${ref.name}"`;
}

function podOf(template: Fields): PodLike {
  const pod: PodLike = {};
  if (template.metadata !== undefined) pod.metadata = template.metadata as PodLike['metadata'];
  if (template.spec !== undefined) pod.spec = template.spec as PodLike['spec'];
  return pod;
}

// A kind ending in List with an `items` field is a list whatever its group: kubectl prints `kind: List`, and
// the typed lists (PodList, DeploymentList) have the same shape.
function isList(object: Fields, kind: string): boolean {
  return kind === 'List' || (kind.endsWith('List') && 'items' in object);
}

/** How to read the objects: which kube-apiserver release's create-time changes to apply. */
export interface ExtractOptions {
  /** `latest` (default: the newest release) or `v1.N`; see defaultPodOnCreate for which version to pass. */
  apiserverVersion?: ApiserverVersion;
}

function extractInto(result: PodTemplateExtraction, value: unknown, itemPath: string, options: ExtractOptions): void {
  if (!isFields(value)) {
    const where = itemPath === '' ? 'the document' : itemPath;
    result.problems.push({
      kind: '', apiVersion: '', name: '', ...(itemPath !== '' && { itemPath }),
      message: `${where} is not a Kubernetes object (expected a mapping with apiVersion and kind)`,
    });
    return;
  }
  const ref = refOf(value, itemPath);
  const { kind, apiVersion } = ref;
  if (kind === '') {
    result.problems.push({ ...ref, message: 'object has no kind, so it is not a Kubernetes object' });
    return;
  }
  if (isList(value, kind)) {
    extractListItems(result, value, ref, itemPath, options);
    return;
  }

  const group = apiGroup(apiVersion);
  const bearing = POD_BEARING_KINDS.get(kind);
  if (bearing !== undefined && (apiVersion === '' || bearing.groups.includes(group))) {
    extractTemplate(result, value, ref, bearing.templatePath, options);
    return;
  }
  const podLess = apiVersion === '' ? POD_LESS_KIND_NAMES.has(kind) : POD_LESS_KINDS.has(`${group}/${kind}`);
  if (podLess) {
    result.skipped.push({ ...ref, reason: `${kind} does not run pods` });
    return;
  }
  const version = apiVersion === '' ? '' : ` (${apiVersion})`;
  result.unknown.push({
    ...ref,
    message:
      `unknown kind ${kind}${version}: not a built-in pod controller, so no pod template was read from it; ` +
      'Pod Security still checks the pods it creates when they are created',
  });
}

function extractListItems(
  result: PodTemplateExtraction,
  list: Fields,
  ref: ManifestObjectRef,
  itemPath: string,
  options: ExtractOptions,
): void {
  const items = list.items;
  if (items == null) return;
  if (!Array.isArray(items)) {
    result.problems.push({ ...ref, message: `${describeObject(ref)}: items must be a list` });
    return;
  }
  const prefix = itemPath === '' ? '' : `${itemPath}.`;
  items.forEach((item: unknown, i) => extractInto(result, item, `${prefix}items[${i}]`, options));
}

function extractTemplate(
  result: PodTemplateExtraction,
  object: Fields,
  ref: ManifestObjectRef,
  templatePath: readonly string[],
  { apiserverVersion = 'latest' }: ExtractOptions,
): void {
  if (templatePath.length === 0) {
    result.templates.push({ ...ref, templatePath: '', pod: defaultPodOnCreate(podOf(object), apiserverVersion) });
    return;
  }
  let node = object;
  for (let depth = 0; depth < templatePath.length; depth++) {
    const next = node[templatePath[depth]!];
    const path = templatePath.slice(0, depth + 1).join('.');
    if (next == null) {
      result.problems.push({ ...ref, message: `${describeObject(ref)} has no ${path}, so it has no pod template` });
      return;
    }
    if (!isFields(next)) {
      result.problems.push({ ...ref, message: `${describeObject(ref)}: ${path} must be an object` });
      return;
    }
    node = next;
  }
  result.templates.push({ ...ref, templatePath: templatePath.join('.'), pod: defaultTemplateOnCreate(podOf(node), apiserverVersion) });
}

/**
 * The pods and pod templates one parsed Kubernetes object holds: a Pod itself, the template of PodTemplate,
 * Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController and CronJob, and the same for
 * every item of a List (recursively). Objects without a pod are reported as skipped (known pod-less kinds),
 * unknown (custom resources and anything else) or problems (a workload without a template). Pods and
 * templates come back as Pod Security sees them on `options.apiserverVersion` (default latest).
 *
 * @throws PssInputError for a malformed `apiserverVersion`.
 */
export function extractPodTemplates(object: unknown, options: ExtractOptions = {}): PodTemplateExtraction {
  const result: PodTemplateExtraction = { templates: [], skipped: [], unknown: [], problems: [] };
  extractInto(result, object, '', options);
  return result;
}
