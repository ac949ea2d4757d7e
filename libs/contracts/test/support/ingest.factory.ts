import type {
  AuditEventBatch,
  InventoryDeltaInput,
  InventoryNamespace,
  InventoryPod,
  InventoryResyncChunkInput,
  InventoryWorkload,
  ProjectionContent,
} from '../../src/index.js';

// Valid examples of each ingestion contract; tests override one field to make each one bad.

export const HASH_A = 'a'.repeat(64);
export const HASH_B = 'b'.repeat(64);

export const NAMESPACE_UID = '0f8f2b6e-3c1d-4c55-9a51-7d0f4f3e2a10';
export const DEPLOYMENT_UID = '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
export const REPLICASET_UID = '2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e';
export const POD_UID = '3c4d5e6f-7a8b-4c3d-ae4f-5a6b7c8d9e0f';

export function projectionContent(overrides: Partial<ProjectionContent> = {}): ProjectionContent {
  return {
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'web',
          image: 'nginx:1.27',
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
    ...overrides,
  };
}

export function inventoryNamespace(overrides: Partial<InventoryNamespace> = {}): InventoryNamespace {
  return {
    uid: NAMESPACE_UID,
    name: 'demo',
    labels: { enforce: 'baseline', audit: 'restricted', auditVersion: 'v1.30' },
    createdAt: '2026-07-01T12:00:00Z',
    ...overrides,
  };
}

export function inventoryWorkload(overrides: Partial<InventoryWorkload> = {}): InventoryWorkload {
  return {
    uid: DEPLOYMENT_UID,
    kind: 'Deployment',
    namespace: 'demo',
    name: 'web',
    ownerChain: [],
    replicas: 2,
    podCount: 2,
    projectionHash: HASH_A,
    ...overrides,
  };
}

export function inventoryPod(overrides: Partial<InventoryPod> = {}): InventoryPod {
  return {
    uid: POD_UID,
    namespace: 'demo',
    name: 'web-7d9f8b6c5-x2x4z',
    workloadUid: DEPLOYMENT_UID,
    projectionHash: HASH_A,
    phase: 'Running',
    ...overrides,
  };
}

export function resyncChunk(overrides: Partial<InventoryResyncChunkInput> = {}): InventoryResyncChunkInput {
  return {
    syncId: '6f1c9c52-2d0e-4f3b-9a7e-0c1d2e3f4a5b',
    chunk: 1,
    totalChunks: 3,
    namespaces: [inventoryNamespace()],
    workloads: [
      inventoryWorkload(),
      inventoryWorkload({
        uid: REPLICASET_UID,
        kind: 'ReplicaSet',
        name: 'web-7d9f8b6c5',
        ownerChain: [{ kind: 'Deployment', name: 'web', uid: DEPLOYMENT_UID }],
      }),
    ],
    pods: [inventoryPod()],
    projections: { [HASH_A]: projectionContent() },
    ...overrides,
  };
}

export function inventoryDelta(overrides: Partial<InventoryDeltaInput> = {}): InventoryDeltaInput {
  return {
    upserts: { pods: [inventoryPod({ projectionHash: HASH_B })] },
    deletes: { pods: ['4d5e6f7a-8b9c-4d4e-bf5a-6b7c8d9e0f1a'] },
    projections: {},
    knownProjectionHashes: [HASH_B],
    ...overrides,
  };
}

// With the agent's parse present, as every example here sends it; tests remove it where it matters.
type AuditEventInput = AuditEventBatch['events'][number] & { violations: NonNullable<AuditEventBatch['events'][number]['violations']> };

export function auditEvent(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    auditId: '5f0c6a8e-1b2c-4d3e-8f4a-5b6c7d8e9f0a',
    stage: 'ResponseComplete',
    time: '2026-07-01T12:00:00.123456Z',
    verb: 'create',
    user: { username: 'alice', groups: ['system:authenticated'] },
    objectRef: { resource: 'pods', namespace: 'demo', name: 'web', apiVersion: 'v1' },
    namespace: 'demo',
    annotations: {
      auditViolations:
        'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false)',
      enforcePolicy: 'baseline:latest',
    },
    violations: {
      level: 'restricted',
      version: 'latest',
      checks: [
        {
          id: 'allowPrivilegeEscalation',
          reason: 'allowPrivilegeEscalation != false',
          detail: 'container "web" must set securityContext.allowPrivilegeEscalation=false',
        },
      ],
    },
    responseCode: 201,
    ...overrides,
  };
}
