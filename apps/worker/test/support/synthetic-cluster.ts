import { randomUUID } from 'node:crypto';

import type { InventoryNamespace, InventoryPod, InventoryWorkload, NamespacePsaLabels, ProjectionMap } from '@ratchet/contracts';
import { ensureAuditPartition, insertProjections, upsertInventory, withTenant, type ClusterScope, type PrismaClient } from '@ratchet/db';
import { projectionHash, type PodProjection } from '@ratchet/pss';

/** Pod projections the synthetic cluster uses, as the agent would send them. */
export const PROJECTIONS = {
  /** Restricted-compliant. */
  hardened: {
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', image: 'app:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
  },
  /** Sets net.ipv4.tcp_rmem, allowed at baseline only from v1.32. */
  tcpTuned: {
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.tcp_rmem' }] },
      containers: [{ name: 'app', image: 'app:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
  },
  /** Fails baseline: host network. */
  hostNetwork: { metadata: {}, spec: { hostNetwork: true, containers: [{ name: 'agent', image: 'agent:1' }] } },
  /** Fails baseline (privileged) in a sandboxed runtime class the cluster may exempt. */
  kataPrivileged: { metadata: {}, spec: { runtimeClassName: 'kata', containers: [{ name: 'vm', image: 'vm:1', securityContext: { privileged: true } }] } },
  /** Passes baseline, fails restricted. */
  plain: { metadata: {}, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
  /**
   * A `hardened` pod after injection: a privileged service-mesh sidecar (added by a mutating webhook) and a debug
   * container (kubectl debug) that its workload's template does not have.
   */
  meshed: {
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        { name: 'app', image: 'app:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
        { name: 'istio-proxy', image: 'proxyv2:1', securityContext: { privileged: true } },
      ],
      ephemeralContainers: [{ name: 'debugger', image: 'busybox:1' }],
    },
  },
} as const satisfies Record<string, PodProjection>;

export type ProjectionName = keyof typeof PROJECTIONS;

export const hashOf = (name: ProjectionName): string => projectionHash(PROJECTIONS[name]);

export interface WorkloadSpec {
  kind: InventoryWorkload['kind'];
  name: string;
  template: ProjectionName;
  /** Pod projections, one pod each. */
  pods: ProjectionName[];
}

export interface NamespaceSpec {
  name: string;
  labels?: NamespacePsaLabels;
  workloads: WorkloadSpec[];
}

/** Creates an organization (readiness window `windowDays`) and returns its id. */
export async function createOrganization(prisma: PrismaClient, windowDays = 7): Promise<string> {
  const orgId = randomUUID();
  await withTenant(prisma, orgId, (tx) =>
    tx.organization.create({ data: { id: orgId, name: `Org ${orgId.slice(0, 8)}`, slug: `org-${orgId.slice(0, 8)}`, readinessWindowDays: windowDays } }),
  );
  return orgId;
}

/**
 * Writes a cluster's inventory with the write model the API's ingest uses (insertProjections, upsertInventory),
 * which marks every namespace and top-level workload it writes. `kubernetesVersion` is what the heartbeat would
 * have stored (null: no heartbeat yet). `observedAt` is the batch's observation time (default: the database's
 * now()); findings the worker opens from it are dated by it. Returns the scope.
 */
export async function seedCluster(
  prisma: PrismaClient,
  orgId: string,
  name: string,
  kubernetesVersion: string | null,
  namespaces: NamespaceSpec[],
  observedAt?: Date,
): Promise<ClusterScope> {
  return withTenant(prisma, orgId, async (tx) => {
    const cluster = await tx.cluster.create({ data: { orgId, name, kubernetesVersion } });
    const scope = { orgId, clusterId: cluster.id };
    const projections: ProjectionMap = {};
    for (const key of Object.keys(PROJECTIONS) as ProjectionName[]) projections[hashOf(key)] = PROJECTIONS[key];
    await insertProjections(tx, scope, projections);
    const nsRows: InventoryNamespace[] = [];
    const workloads: InventoryWorkload[] = [];
    const pods: InventoryPod[] = [];
    for (const ns of namespaces) {
      nsRows.push({ uid: randomUUID(), name: ns.name, labels: ns.labels ?? {}, createdAt: '2026-01-01T00:00:00.000Z' });
      for (const w of ns.workloads) {
        const uid = randomUUID();
        workloads.push({ uid, kind: w.kind, namespace: ns.name, name: w.name, ownerChain: [], replicas: w.pods.length, podCount: w.pods.length, projectionHash: hashOf(w.template) });
        w.pods.forEach((p, i) => pods.push({ uid: randomUUID(), namespace: ns.name, name: `${w.name}-${i}`, workloadUid: uid, projectionHash: hashOf(p), phase: 'Running' }));
      }
    }
    await upsertInventory(tx, scope, { namespaces: nsRows, workloads, pods }, observedAt);
    return scope;
  });
}

/** Stores one audit-mode violation in `namespace` at `time`, as the audit ingest does. */
export async function seedAuditViolation(
  prisma: PrismaClient,
  scope: ClusterScope,
  namespace: string,
  time: Date,
  options: { dryRun?: boolean; unparsed?: boolean; level?: 'baseline' | 'restricted'; username?: string; impersonatedUsername?: string; enforcePolicy?: string } = {},
): Promise<void> {
  await withTenant(prisma, scope.orgId, async (tx) => {
    await ensureAuditPartition(tx, time);
    const level = options.unparsed ? null : (options.level ?? 'baseline');
    await tx.auditEvent.create({
      data: {
        orgId: scope.orgId,
        clusterId: scope.clusterId,
        auditId: randomUUID(),
        time,
        username: options.username ?? 'system:serviceaccount:kube-system:replicaset-controller',
        impersonatedUsername: options.impersonatedUsername ?? null,
        enforcePolicy: options.enforcePolicy ?? null,
        verb: 'create',
        objectResource: 'pods',
        objectNamespace: namespace,
        namespaceName: namespace,
        dryRun: options.dryRun ?? false,
        auditViolations: options.unparsed ? 'garbled' : `would violate PodSecurity "${level}:latest": host namespaces (hostNetwork=true)`,
        unparsed: options.unparsed ?? false,
        ...(options.unparsed ? { parseError: 'no level:version prefix' } : {}),
        level,
        version: level === null ? null : 'latest',
        checks: options.unparsed ? [] : [{ id: 'hostNamespaces', reason: 'host namespaces', detail: 'hostNetwork=true' }],
      },
    });
  });
}
