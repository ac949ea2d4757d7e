// What the ingest benchmark's agents send, built cheaply enough that 16 of them in one process leave the CPU to
// the API and Postgres: every batch is a few precomputed JSON fragments with fresh uids spliced in.
import { randomUUID } from 'node:crypto';

import { projectionHash } from '@ratchet/pss';
import type { PodProjection } from '@ratchet/pss';

/** The namespaces every agent's objects and events are spread over. */
export const NAMESPACES = Array.from({ length: 20 }, (_, i) => `team-${i}`);

// Violations as a handful of workloads repeat them all day: annotation text and its parse.
const VIOLATIONS = [
  {
    annotation:
      'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    violations: {
      level: 'restricted',
      version: 'latest',
      checks: [
        { id: 'allowPrivilegeEscalation', reason: 'allowPrivilegeEscalation != false', detail: 'container "app" must set securityContext.allowPrivilegeEscalation=false' },
        { id: 'capabilities_restricted', reason: 'unrestricted capabilities', detail: 'container "app" must set securityContext.capabilities.drop=["ALL"]' },
        { id: 'runAsNonRoot', reason: 'runAsNonRoot != true', detail: 'pod or container "app" must set securityContext.runAsNonRoot=true' },
        {
          id: 'seccompProfile_restricted',
          reason: 'seccompProfile',
          detail: 'pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
        },
      ],
    },
  },
  {
    annotation: 'would violate PodSecurity "baseline:v1.30": host namespaces (hostNetwork=true), hostPort (container "proxy" uses hostPort 8443)',
    violations: {
      level: 'baseline',
      version: 'v1.30',
      checks: [
        { id: 'hostNamespaces', reason: 'host namespaces', detail: 'hostNetwork=true' },
        { id: 'hostPorts', reason: 'hostPort', detail: 'container "proxy" uses hostPort 8443' },
      ],
    },
  },
  {
    annotation: 'would violate PodSecurity "restricted:latest": runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)',
    violations: {
      level: 'restricted',
      version: 'latest',
      checks: [{ id: 'runAsNonRoot', reason: 'runAsNonRoot != true', detail: 'pod must not set securityContext.runAsNonRoot=false' }],
    },
  },
];

const UID_MARK = '"@UID@"';

interface BenchEvent {
  auditId: string;
  time: string;
  verb: string;
  user: { username: string; groups: string[] };
  objectRef: { resource: string; namespace: string; name: string; apiVersion: string };
  namespace: string;
  annotations: { auditViolations: string; enforcePolicy: string; auditPolicy: string };
  violations: (typeof VIOLATIONS)[number]['violations'];
  responseCode: number;
}

function benchEvent(index: number, time: string): BenchEvent & { stage: string } {
  const namespace = NAMESPACES[index % NAMESPACES.length]!;
  const { annotation, violations } = VIOLATIONS[index % VIOLATIONS.length]!;
  return {
    auditId: '@UID@',
    stage: 'ResponseComplete',
    time,
    verb: 'create',
    user: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] },
    objectRef: { resource: 'pods', namespace, name: `app-${index}`, apiVersion: 'v1' },
    namespace,
    annotations: { auditViolations: annotation, enforcePolicy: 'privileged:latest', auditPolicy: `${violations.level}:${violations.version}` },
    violations,
    responseCode: 201,
  };
}

/** Batches of audit events, each with new auditIDs. */
export class AuditBatches {
  private readonly events: BenchEvent[];
  // Each event as JSON, cut where its auditID goes.
  private readonly templates: [string, string][];

  constructor(size: number) {
    const time = new Date(Date.now() - 3_600_000).toISOString();
    this.events = Array.from({ length: size }, (_, i) => benchEvent(i, time));
    this.templates = this.events.map((event) => {
      const json = JSON.stringify(event);
      const at = json.indexOf(UID_MARK);
      return [json.slice(0, at + 1), json.slice(at + UID_MARK.length - 1)];
    });
  }

  /** The JSON body of the next batch. */
  next(): string {
    const events = this.templates.map(([head, tail]) => `${head}${randomUUID()}${tail}`);
    return `{"events":[${events.join(',')}]}`;
  }

  /** The rows of such a batch as audit_events holds them (AUDIT_COLUMNS), for the raw INSERT baseline. */
  rows(): unknown[][] {
    return this.events.map((event) => [
      randomUUID(),
      event.time,
      event.user.username,
      event.user.groups,
      event.verb,
      event.objectRef.resource,
      event.objectRef.namespace,
      event.objectRef.name,
      null,
      event.objectRef.apiVersion,
      null,
      event.namespace,
      event.responseCode,
      event.annotations.auditViolations,
      event.annotations.enforcePolicy,
      event.annotations.auditPolicy,
      event.violations.level,
      event.violations.version,
      JSON.stringify(event.violations.checks),
    ]);
  }
}

export const AUDIT_COLUMNS = [
  'audit_id', 'time', 'username', 'user_groups', 'verb', 'object_resource', 'object_namespace', 'object_name', 'object_api_group',
  'object_api_version', 'object_subresource', 'namespace_name', 'response_code', 'audit_violations', 'enforce_policy', 'audit_policy',
  'level', 'version', 'checks',
] as const;

function template(image: string): { hash: string; content: Pick<PodProjection, 'metadata' | 'spec'> } {
  const content = {
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', image, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
  };
  return { hash: projectionHash(content), content };
}

/** One object of an inventory batch, as the raw baseline inserts it. */
export interface InventoryObject {
  kind: 'workload' | 'pod';
  uid: string;
  namespace: string;
  name: string;
  workloadUid: string;
  projectionHash: string;
}

/**
 * Chunks of one agent's never-ending resync: each chunk brings new workloads (one in ten objects) and their
 * pods across the namespaces; projections travel with the first chunk and are declared known afterwards.
 */
export class InventoryChunks {
  readonly syncId = randomUUID();
  readonly templates = Array.from({ length: 10 }, (_, i) => template(`registry.example/app-${i}:1.0`));
  private readonly size: number;
  private chunk = 0;
  private serial = 0;

  constructor(size: number) {
    this.size = size;
  }

  /** The objects of the next chunk. */
  objects(): InventoryObject[] {
    const objects: InventoryObject[] = [];
    while (objects.length < this.size) {
      const n = this.serial++;
      const namespace = NAMESPACES[n % NAMESPACES.length]!;
      const projection = this.templates[n % this.templates.length]!.hash;
      const workloadUid = randomUUID();
      objects.push({ kind: 'workload', uid: workloadUid, namespace, name: `app-${n}`, workloadUid, projectionHash: projection });
      for (let p = 0; p < 9 && objects.length < this.size; p++) {
        objects.push({ kind: 'pod', uid: randomUUID(), namespace, name: `app-${n}-${p}`, workloadUid, projectionHash: projection });
      }
    }
    return objects;
  }

  /** The JSON body of the next chunk. */
  next(): string {
    this.chunk += 1;
    const objects = this.objects();
    const first = this.chunk === 1;
    const body = {
      syncId: this.syncId,
      chunk: this.chunk,
      // Never complete: the benchmark measures writes, not the sweep.
      totalChunks: 10_000,
      namespaces: first ? NAMESPACES.map((name) => ({ uid: randomUUID(), name, labels: { enforce: 'baseline' }, createdAt: '2026-01-01T00:00:00Z' })) : [],
      workloads: objects
        .filter((o) => o.kind === 'workload')
        .map((o) => ({ uid: o.uid, kind: 'Deployment', namespace: o.namespace, name: o.name, ownerChain: [], replicas: 9, podCount: 9, projectionHash: o.projectionHash })),
      pods: objects
        .filter((o) => o.kind === 'pod')
        .map((o) => ({ uid: o.uid, namespace: o.namespace, name: o.name, workloadUid: o.workloadUid, projectionHash: o.projectionHash, phase: 'Running' })),
      projections: first ? Object.fromEntries(this.templates.map((t) => [t.hash, t.content])) : {},
      knownProjectionHashes: first ? [] : this.templates.map((t) => t.hash),
    };
    return JSON.stringify(body);
  }
}

