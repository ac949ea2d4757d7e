import { createHash, randomBytes, randomUUID } from 'node:crypto';

import { findingFingerprint, topLevelUid } from '@ratchet/db';
import type { Finding, FindingStatus, Namespace, Pod, PodPhase, Prisma, PssLevel, SecurityProjection, Workload, WorkloadKind } from '@ratchet/db';

import { ownerClient } from './db.factory.js';

// Inventory rows as the ingest path and the worker would leave them, written straight to the database as its
// owner so a test can lay down any tenant's state. Each helper takes the row it hangs under and overrides.

const suffix = () => randomBytes(3).toString('hex');

/** The cluster a row belongs to. */
export interface ClusterRef {
  orgId: string;
  clusterId: string;
}

/** A security projection. The default is a pod that passes every check (its content does not matter here). */
export async function createProjection(
  databaseUrl: string,
  orgId: string,
  overrides: { projection?: Prisma.InputJsonValue; evaluatedAt?: Date | null } = {},
): Promise<SecurityProjection> {
  const projection = overrides.projection ?? { spec: { containers: [{ name: 'app', image: `example/app:${suffix()}` }] } };
  const contentHash = createHash('sha256').update(JSON.stringify(projection)).update(randomBytes(8)).digest('hex');
  return ownerClient(databaseUrl).securityProjection.create({
    data: { orgId, contentHash, projection, evaluatedAt: overrides.evaluatedAt ?? null },
  });
}

export interface NamespaceOverrides {
  name?: string;
  /** `null` for a namespace whose objects arrived before the namespace itself. */
  uid?: string | null;
  enforceLevel?: string | null;
  enforceVersion?: string | null;
  auditLevel?: string | null;
  auditVersion?: string | null;
  warnLevel?: string | null;
  warnVersion?: string | null;
  lastSeenAt?: Date;
  deletedAt?: Date | null;
}

export async function createNamespace(databaseUrl: string, cluster: ClusterRef, overrides: NamespaceOverrides = {}): Promise<Namespace> {
  const { name, uid, ...rest } = overrides;
  return ownerClient(databaseUrl).namespace.create({
    data: {
      orgId: cluster.orgId,
      clusterId: cluster.clusterId,
      name: name ?? `ns-${suffix()}`,
      uid: uid === undefined ? randomUUID() : uid,
      ...rest,
    },
  });
}

export interface WorkloadOverrides {
  kind?: WorkloadKind;
  name?: string;
  uid?: string;
  /** Its controllers, nearest first; empty (the default) for a top controller. */
  ownerChain?: { kind: string; name: string; uid: string }[];
  replicas?: number | null;
  podCount?: number;
  /** Defaults to a new projection. */
  projectionId?: string;
  lastSeenAt?: Date;
  deletedAt?: Date | null;
}

/** A workload in `namespace`; a Deployment with one replica unless overridden. */
export async function createWorkload(databaseUrl: string, namespace: Namespace, overrides: WorkloadOverrides = {}): Promise<Workload> {
  const { kind = 'Deployment', name, uid = randomUUID(), ownerChain = [], replicas, projectionId, ...rest } = overrides;
  return ownerClient(databaseUrl).workload.create({
    data: {
      orgId: namespace.orgId,
      clusterId: namespace.clusterId,
      namespaceId: namespace.id,
      kind,
      name: name ?? `${kind.toLowerCase()}-${suffix()}`,
      uid,
      ownerChain,
      topLevelUid: topLevelUid({ uid, ownerChain }),
      replicas: replicas === undefined ? (kind === 'Pod' || kind === 'Job' || kind === 'CronJob' ? null : 1) : replicas,
      projectionId: projectionId ?? (await createProjection(databaseUrl, namespace.orgId)).id,
      ...rest,
    },
  });
}

export interface PodOverrides {
  name?: string;
  uid?: string;
  phase?: PodPhase;
  /** Defaults to the workload's template projection. */
  projectionId?: string;
  lastSeenAt?: Date;
}

/** A pod behind `workload`, in the workload's namespace. */
export async function createPod(databaseUrl: string, workload: Workload, overrides: PodOverrides = {}): Promise<Pod> {
  const { name, uid, phase = 'Running', projectionId, ...rest } = overrides;
  return ownerClient(databaseUrl).pod.create({
    data: {
      orgId: workload.orgId,
      clusterId: workload.clusterId,
      namespaceId: workload.namespaceId,
      name: name ?? `${workload.name}-${suffix()}`,
      uid: uid ?? randomUUID(),
      workloadUid: workload.uid,
      topLevelWorkloadUid: workload.topLevelUid,
      projectionId: projectionId ?? workload.projectionId,
      phase,
      ...rest,
    },
  });
}

export interface FindingOverrides {
  level?: PssLevel;
  version?: string;
  checkId?: string;
  status?: FindingStatus;
  message?: string;
  detail?: Prisma.InputJsonValue;
  firstSeenAt?: Date;
  lastSeenAt?: Date;
  resolvedAt?: Date | null;
}

/** A finding of `workload`: open, `restricted:latest` failing `runAsNonRoot` unless overridden. */
export async function createFinding(databaseUrl: string, workload: Workload, overrides: FindingOverrides = {}): Promise<Finding> {
  const db = ownerClient(databaseUrl);
  const { level = 'restricted', version = 'latest', checkId = 'runAsNonRoot', status = 'open', message, ...rest } = overrides;
  const namespace = await db.namespace.findUniqueOrThrow({ where: { orgId_id: { orgId: workload.orgId, id: workload.namespaceId } } });
  const fingerprint = findingFingerprint({
    clusterId: workload.clusterId,
    namespace: namespace.name,
    workloadKind: workload.kind,
    workloadName: workload.name,
    level,
    checkId,
  });
  return db.finding.create({
    data: {
      orgId: workload.orgId,
      clusterId: workload.clusterId,
      namespaceId: workload.namespaceId,
      workloadId: workload.id,
      fingerprint,
      namespaceName: namespace.name,
      workloadKind: workload.kind,
      workloadName: workload.name,
      level,
      version,
      checkId,
      status,
      message: message ?? `${checkId} fails ${level}:${version}`,
      resolvedAt: status === 'resolved' ? new Date() : null,
      ...rest,
    },
  });
}
