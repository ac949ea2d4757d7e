import { randomUUID } from 'node:crypto';

import type {
  AuditEvent,
  HeartbeatInput,
  InventoryDeltaInput,
  InventoryNamespace,
  InventoryPod,
  InventoryResyncChunkInput,
  InventoryWorkload,
  ProjectionContent,
} from '@ratchet/contracts';
import { projectionHash } from '@ratchet/pss';

// Request bodies as an agent sends them, valid unless a test overrides a field to make them bad. Projections
// carry their real hash, and audit events a violations parse that matches their annotation.

export interface TestProjection {
  hash: string;
  content: ProjectionContent;
}

/** A pod template's projection; a different image gives a different hash. */
export function projection(image = 'nginx:1.27', runAsNonRoot = true): TestProjection {
  const content: ProjectionContent = {
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'web', image, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
  };
  return { hash: projectionHash({ metadata: content.metadata, spec: content.spec }), content };
}

export function namespaceBody(name: string, overrides: Partial<InventoryNamespace> = {}): InventoryNamespace {
  return { uid: randomUUID(), name, labels: { enforce: 'baseline', audit: 'restricted' }, createdAt: '2026-07-01T12:00:00Z', ...overrides };
}

export function workloadBody(namespace: string, name: string, projectionHash: string, overrides: Partial<InventoryWorkload> = {}): InventoryWorkload {
  return { uid: randomUUID(), kind: 'Deployment', namespace, name, ownerChain: [], replicas: 2, podCount: 2, projectionHash, ...overrides };
}

export function podBody(namespace: string, name: string, workloadUid: string, projectionHash: string, overrides: Partial<InventoryPod> = {}): InventoryPod {
  return { uid: randomUUID(), namespace, name, workloadUid, projectionHash, phase: 'Running', ...overrides };
}

/** A small cluster: one namespace, one Deployment with two pods, all on one projection. */
export function inventoryOf(namespace = 'shop', image = 'nginx:1.27') {
  const template = projection(image);
  const ns = namespaceBody(namespace);
  const deployment = workloadBody(namespace, 'web', template.hash);
  const pods = [1, 2].map((n) => podBody(namespace, `web-${n}`, deployment.uid, template.hash));
  return { projection: template, namespace: ns, workload: deployment, pods };
}

export function resyncChunkBody(overrides: Partial<InventoryResyncChunkInput> = {}): InventoryResyncChunkInput {
  const { projection: template, namespace, workload, pods } = inventoryOf();
  return {
    syncId: randomUUID(),
    chunk: 1,
    totalChunks: 1,
    namespaces: [namespace],
    workloads: [workload],
    pods,
    projections: { [template.hash]: template.content },
    ...overrides,
  };
}

export function deltaBody(overrides: Partial<InventoryDeltaInput> = {}): InventoryDeltaInput {
  return { upserts: {}, deletes: {}, projections: {}, knownProjectionHashes: [], ...overrides };
}

const VIOLATION =
  'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true (pod or container "web" must set securityContext.runAsNonRoot=true)';

/** An audit event as an agent that parses the annotation sends it: `violations` present. */
export type AgentAuditEvent = AuditEvent & { violations: NonNullable<AuditEvent['violations']> };

/** An audit-mode violation of `restricted:latest` on a pod create, an hour ago. */
export function auditEventBody(overrides: Partial<AgentAuditEvent> = {}): AgentAuditEvent {
  const namespace = overrides.namespace ?? 'shop';
  return {
    auditId: randomUUID(),
    stage: 'ResponseComplete',
    time: new Date(Date.now() - 3_600_000).toISOString(),
    verb: 'create',
    user: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:authenticated'] },
    objectRef: { resource: 'pods', namespace, name: 'web-1', apiVersion: 'v1' },
    namespace,
    annotations: { auditViolations: VIOLATION, enforcePolicy: 'privileged:latest', auditPolicy: 'restricted:latest' },
    violations: {
      level: 'restricted',
      version: 'latest',
      checks: [
        {
          id: 'allowPrivilegeEscalation',
          reason: 'allowPrivilegeEscalation != false',
          detail: 'container "web" must set securityContext.allowPrivilegeEscalation=false',
        },
        { id: 'runAsNonRoot', reason: 'runAsNonRoot != true', detail: 'pod or container "web" must set securityContext.runAsNonRoot=true' },
      ],
    },
    responseCode: 201,
    ...overrides,
  };
}

export function auditBatchBody(count: number, overrides: Partial<AgentAuditEvent> = {}): { events: AgentAuditEvent[] } {
  return { events: Array.from({ length: count }, () => auditEventBody(overrides)) };
}

export function heartbeatBody(overrides: Partial<HeartbeatInput> = {}): HeartbeatInput {
  return {
    agentVersion: '0.3.1',
    kubernetesVersion: 'v1.33.2',
    counts: { namespaces: 12, workloads: 40, pods: 97 },
    startedAt: new Date(Date.now() - 60_000).toISOString(),
    ...overrides,
  };
}
