import type { Container, PodLike, PodSpec } from '../api/pod.types.js';
import type { CheckId } from '../policy/check.types.js';

export type ContainerList = 'initContainers' | 'containers' | 'ephemeralContainers';

// Upstream's visit order, which is also the order the patch lists them in.
const CONTAINER_LISTS: readonly ContainerList[] = ['initContainers', 'containers', 'ephemeralContainers'];

/** A container and where it sits in the spec. */
export interface ContainerRef {
  list: ContainerList;
  index: number;
  container: Container;
}

/** One field set under a securityContext: the container's when `container` is given, else the pod's. */
export interface SecurityContextChange {
  checkId: CheckId;
  container?: ContainerRef;
  /** Keys below `securityContext`, e.g. `['capabilities', 'drop']`. */
  field: readonly string[];
  value: unknown;
}

type Json = Record<string, unknown>;

export function containerRefs(spec: PodSpec): ContainerRef[] {
  return CONTAINER_LISTS.flatMap((list) => (spec[list] ?? []).map((container, index) => ({ list, index, container })));
}

/** `spec.containers[0].securityContext.allowPrivilegeEscalation`. */
export function changePath({ container, field }: SecurityContextChange): string {
  const owner = container ? `spec.${container.list}[${container.index}]` : 'spec';
  return `${owner}.securityContext.${field.join('.')}`;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A null or absent object on the way down is created, as the API server would treat it.
function setIn(root: Json, keys: readonly string[], value: unknown): void {
  let node = root;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (isObject(next)) {
      node = next;
    } else {
      const created: Json = {};
      node[key] = created;
      node = created;
    }
  }
  node[keys[keys.length - 1]!] = structuredClone(value);
}

/** A copy of the pod with the changes applied; the input is left as it was. */
export function applyChanges(pod: PodLike, changes: readonly SecurityContextChange[]): PodLike {
  const patched = structuredClone(pod);
  for (const change of changes) {
    const spec = (patched.spec ??= {}) as Json;
    const owner = change.container
      ? (spec[change.container.list] as Json[])[change.container.index]!
      : spec;
    setIn(owner, ['securityContext', ...change.field], change.value);
  }
  return patched;
}

/**
 * The changes as a strategic merge patch `{spec: ...}`: containers are keyed by name, and lists such as
 * `capabilities.drop` carry their whole new value because Kubernetes replaces them rather than merging.
 */
export function patchDocument(changes: readonly SecurityContextChange[]): Json {
  const podContext: Json = {};
  const entries = new Map<ContainerList, Map<number, Json>>();
  for (const change of changes) {
    let target = podContext;
    if (change.container) {
      const { list, index, container } = change.container;
      let byIndex = entries.get(list);
      if (!byIndex) entries.set(list, (byIndex = new Map<number, Json>()));
      let entry = byIndex.get(index);
      if (!entry) byIndex.set(index, (entry = { name: container.name, securityContext: {} }));
      target = entry.securityContext as Json;
    }
    setIn(target, change.field, change.value);
  }
  if (changes.length === 0) return {};
  // Fixed key order (pod first, then containers in visit order) keeps the YAML stable and readable.
  const spec: Json = {};
  if (Object.keys(podContext).length > 0) spec.securityContext = podContext;
  for (const list of CONTAINER_LISTS) {
    const byIndex = entries.get(list);
    if (byIndex) spec[list] = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
  }
  return { spec };
}
