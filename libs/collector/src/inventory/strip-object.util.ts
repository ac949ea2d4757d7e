import type { NamespacePsaLabels, PodPhase, ProjectionContent } from '@ratchet/contracts';
import { extractPodTemplates, projectPod, projectionHash } from '@ratchet/pss';
import type { PodLike } from '@ratchet/pss';

import type { KubeObject } from './kube-object.types.js';
import type { WatchedResource } from './watched-resources.constant.js';

/** A controller owner reference, as kept. */
export interface OwnerRef {
  kind: string;
  name: string;
  uid: string;
}

/**
 * What the agent keeps of a watched object: identity, its controller, and the hash of its pod (template)
 * projection. Environment, commands and everything else are dropped as the object arrives.
 */
export interface StrippedObject {
  uid: string;
  kind: WatchedResource['kind'];
  name: string;
  /** '' for a Namespace. */
  namespace: string;
  createdAt: string;
  owner?: OwnerRef;
  /** `spec.replicas` where the kind has one. */
  replicas: number | null;
  /** Pods only. */
  phase?: PodPhase;
  /** Namespaces only. */
  labels?: NamespacePsaLabels;
  /** Pods and controllers. */
  projectionHash?: string;
}

/** A stripped object and the projection it refers to (kept once per hash by the inventory). */
export interface Stripped {
  object: StrippedObject;
  projection?: { hash: string; content: ProjectionContent };
}

const PSA_LABELS: Record<keyof NamespacePsaLabels, string> = {
  enforce: 'pod-security.kubernetes.io/enforce',
  enforceVersion: 'pod-security.kubernetes.io/enforce-version',
  audit: 'pod-security.kubernetes.io/audit',
  auditVersion: 'pod-security.kubernetes.io/audit-version',
  warn: 'pod-security.kubernetes.io/warn',
  warnVersion: 'pod-security.kubernetes.io/warn-version',
};
const PHASES = new Set<string>(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);
const REPLICATED = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function controllerOf(metadata: Record<string, unknown>): OwnerRef | undefined {
  const refs = metadata.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  for (const ref of refs) {
    const r = record(ref);
    if (r.controller === true && typeof r.kind === 'string' && typeof r.name === 'string' && typeof r.uid === 'string') {
      return { kind: r.kind, name: r.name, uid: r.uid };
    }
  }
  return undefined;
}

function project(pod: PodLike): { hash: string; content: ProjectionContent } {
  const projection = projectPod(pod);
  const { annotations } = projection.metadata;
  const content = { metadata: annotations ? { annotations } : {}, spec: projection.spec } as ProjectionContent;
  return { hash: projectionHash(projection), content };
}

/**
 * Reduces a watched object to what the agent keeps. Throws (PssInputError, or Error naming the problem) for an
 * object that has no uid or whose pod (template) is malformed; the caller logs and skips it.
 */
export function stripObject(resource: WatchedResource, raw: KubeObject): Stripped {
  const metadata = record(raw.metadata);
  const uid = metadata.uid;
  const name = metadata.name;
  if (typeof uid !== 'string' || typeof name !== 'string') throw new Error(`${resource.kind} without metadata.uid or metadata.name`);
  const object: StrippedObject = {
    uid,
    kind: resource.kind,
    name,
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
    createdAt: typeof metadata.creationTimestamp === 'string' ? metadata.creationTimestamp : new Date(0).toISOString(),
    replicas: null,
  };
  const owner = controllerOf(metadata);
  if (owner) object.owner = owner;

  if (resource.kind === 'Namespace') {
    const labels = record(metadata.labels);
    const psa: NamespacePsaLabels = {};
    for (const [field, key] of Object.entries(PSA_LABELS) as [keyof NamespacePsaLabels, string][]) {
      const value = labels[key];
      if (typeof value === 'string') psa[field] = value.slice(0, 63);
    }
    object.labels = psa;
    return { object };
  }

  const spec = record(raw.spec);
  if (REPLICATED.has(resource.kind)) object.replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  if (resource.kind === 'Pod') {
    const phase = record(raw.status).phase;
    object.phase = typeof phase === 'string' && PHASES.has(phase) ? (phase as PodPhase) : 'Pending';
  }
  // extractPodTemplates applies the apiserver's defaulting a projection depends on (host network ports).
  const extraction = extractPodTemplates({ ...raw, apiVersion: raw.apiVersion ?? apiVersionOf(resource), kind: resource.kind });
  const template = extraction.templates[0];
  if (!template) throw new Error(extraction.problems[0]?.message ?? `${resource.kind} ${name} has no pod template`);
  const projection = project(template.pod);
  object.projectionHash = projection.hash;
  return { object, projection };
}

function apiVersionOf(resource: WatchedResource): string {
  return resource.apiGroup === '' ? 'v1' : `${resource.apiGroup}/v1`;
}
