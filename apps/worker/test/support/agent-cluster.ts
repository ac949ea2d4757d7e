import { createHash } from 'node:crypto';

import type { InventoryWorkload, NamespacePsaLabels } from '@ratchet/contracts';
import { evaluatePod, projectionHash, violationMessage, type PodLike, type PodProjection } from '@ratchet/pss';

import { PROJECTIONS as BASE_PROJECTIONS } from './synthetic-cluster.js';

// A synthetic cluster as an agent reports it (resync chunks, deltas, audit events), and what libs/pss says about
// it, evaluated here independently of the worker: the reference the end-to-end and fault tests compare against.

const hardenedContainer = { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };

/** Pod projections of the synthetic clusters: the worker tests' four and a few more failure shapes. */
export const PROJECTIONS = {
  ...BASE_PROJECTIONS,
  /** Fails baseline: a privileged container. */
  privileged: { metadata: {}, spec: { containers: [{ name: 'driver', image: 'csi:1', securityContext: { privileged: true } }] } },
  /** Fails baseline: a hostPath volume. */
  hostPathLogs: { metadata: {}, spec: { containers: [{ name: 'shipper', image: 'fluent:1' }], volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }] } },
  /** The hardened template with a sidecar a mesh injected into the running pod: fails restricted only. */
  meshInjected: {
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        { name: 'app', image: 'app:1', ...hardenedContainer },
        { name: 'istio-proxy', image: 'istio/proxyv2:1.24' },
      ],
    },
  },
  /** Restricted-compliant, another image (another hash). */
  hardenedWorker: {
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'worker', image: 'worker:2', ...hardenedContainer }],
    },
  },
} as const satisfies Record<string, PodProjection>;

export type ProjectionName = keyof typeof PROJECTIONS;

export const hashOf = (name: ProjectionName): string => projectionHash(PROJECTIONS[name]);

/** A Kubernetes-looking uid derived from a key, so two runs of a synthetic cluster send the same objects. */
export function uidOf(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface PodModel {
  uid: string;
  name: string;
  projection: ProjectionName;
}

export interface WorkloadModel {
  uid: string;
  kind: InventoryWorkload['kind'];
  name: string;
  template: ProjectionName;
  pods: PodModel[];
  /** ReplicaSets it owns (a Deployment's), reported with it, same template; its pods still name it as top-level. */
  replicaSets?: { uid: string; name: string }[];
}

export interface NamespaceModel {
  uid: string;
  name: string;
  labels: NamespacePsaLabels;
  workloads: WorkloadModel[];
}

/** A cluster: its namespaces and, for `latest`, the minor of its release. */
export interface ClusterModel {
  namespaces: NamespaceModel[];
  kubernetesVersion: string;
}

export function workload(ns: string, kind: InventoryWorkload['kind'], name: string, template: ProjectionName, pods: ProjectionName[]): WorkloadModel {
  const uid = uidOf(`${ns}/${kind}/${name}`);
  return { uid, kind, name, template, pods: pods.map((projection, i) => ({ uid: uidOf(`${uid}/pod-${i}`), name: `${name}-${i}`, projection })) };
}

/** The workload with ReplicaSets of these names under it, as a Deployment's rollouts leave them. */
export function withReplicaSets(w: WorkloadModel, names: string[]): WorkloadModel {
  return { ...w, replicaSets: names.map((name) => ({ uid: uidOf(`${w.uid}/rs/${name}`), name })) };
}

export function namespace(name: string, labels: NamespacePsaLabels, workloads: WorkloadModel[]): NamespaceModel {
  return { uid: uidOf(`ns/${name}`), name, labels, workloads };
}

/**
 * A cluster of `count` generated namespaces (beyond any given ones), each with a few workloads drawn in turn from
 * the projection pool, and labels varying by index: none, enforce baseline, pinned versions, audit restricted.
 */
export function generatedNamespaces(count: number, workloadsPerNamespace: number, podsPerWorkload: number): NamespaceModel[] {
  const templates: ProjectionName[] = ['hardened', 'plain', 'hardenedWorker', 'tcpTuned', 'hardened', 'hostNetwork', 'plain', 'privileged', 'hostPathLogs'];
  const labelSets: NamespacePsaLabels[] = [
    {},
    { enforce: 'baseline' },
    { enforce: 'baseline', enforceVersion: 'v1.32', audit: 'restricted' },
    { audit: 'restricted', auditVersion: 'v1.25', warn: 'restricted' },
    { enforce: 'restricted', enforceVersion: 'v1.28' },
  ];
  return Array.from({ length: count }, (_, n) => {
    const name = `team-${String(n).padStart(4, '0')}`;
    const workloads = Array.from({ length: workloadsPerNamespace }, (_, w) => {
      const template = templates[(n * 7 + w * 3) % templates.length]!;
      // One workload in five runs pods with a sidecar injected next to the hardened template.
      const pod: ProjectionName = template === 'hardened' && (n + w) % 5 === 0 ? 'meshInjected' : template;
      return workload(name, w % 4 === 3 ? 'StatefulSet' : 'Deployment', `svc-${w}`, template, Array.from({ length: podsPerWorkload }, () => pod));
    });
    return namespace(name, labelSets[n % labelSets.length]!, workloads);
  });
}

/** The projections a set of namespaces refers to, keyed by hash, as a batch carries them. */
export function projectionsOf(namespaces: readonly NamespaceModel[]): Record<string, PodProjection> {
  const names = new Set<ProjectionName>(namespaces.flatMap((ns) => ns.workloads.flatMap((w) => [w.template, ...w.pods.map((p) => p.projection)])));
  return Object.fromEntries([...names].map((name) => [hashOf(name), PROJECTIONS[name]]));
}

function inventoryOf(namespaces: readonly NamespaceModel[]) {
  return {
    namespaces: namespaces.map((ns) => ({ uid: ns.uid, name: ns.name, labels: ns.labels, createdAt: '2026-01-01T00:00:00.000Z' })),
    workloads: namespaces.flatMap((ns) =>
      ns.workloads.flatMap((w) => [
        {
          uid: w.uid,
          kind: w.kind,
          namespace: ns.name,
          name: w.name,
          ownerChain: [],
          replicas: w.kind === 'Deployment' || w.kind === 'StatefulSet' ? w.pods.length : null,
          podCount: w.pods.length,
          projectionHash: hashOf(w.template),
        },
        ...(w.replicaSets ?? []).map((rs) => ({
          uid: rs.uid,
          kind: 'ReplicaSet' as const,
          namespace: ns.name,
          name: rs.name,
          ownerChain: [{ kind: w.kind, name: w.name, uid: w.uid }],
          replicas: 0,
          podCount: 0,
          projectionHash: hashOf(w.template),
        })),
      ]),
    ),
    pods: namespaces.flatMap((ns) =>
      ns.workloads.flatMap((w) =>
        w.pods.map((p) => ({ uid: p.uid, namespace: ns.name, name: p.name, workloadUid: w.uid, projectionHash: hashOf(p.projection), phase: 'Running' })),
      ),
    ),
  };
}

/**
 * A full resync of the cluster in chunks of whole namespaces (at most `namespacesPerChunk` each). As the agent
 * does, a chunk carries the projections it is the first to refer to and names the others as known.
 */
export function resyncChunks(cluster: ClusterModel, syncId: string, namespacesPerChunk: number): unknown[] {
  const groups: NamespaceModel[][] = [];
  for (let i = 0; i < cluster.namespaces.length; i += namespacesPerChunk) groups.push(cluster.namespaces.slice(i, i + namespacesPerChunk));
  const sent = new Set<string>();
  return groups.map((group, index) => {
    const referred = projectionsOf(group);
    const carried = Object.fromEntries(Object.entries(referred).filter(([hash]) => !sent.has(hash)));
    const known = Object.keys(referred).filter((hash) => sent.has(hash));
    Object.keys(carried).forEach((hash) => sent.add(hash));
    return { syncId, chunk: index + 1, totalChunks: groups.length, ...inventoryOf(group), projections: carried, knownProjectionHashes: known };
  });
}

/** A delta upserting `upserts` (whole namespaces) and deleting workloads and pods by uid. */
export function delta(upserts: readonly NamespaceModel[], deletes: { workloads?: string[]; pods?: string[] } = {}): unknown {
  return {
    upserts: inventoryOf(upserts),
    deletes: { namespaces: [], workloads: deletes.workloads ?? [], pods: deletes.pods ?? [] },
    projections: projectionsOf(upserts),
  };
}

/** An audit event as the agent sends it. */
export interface AuditEventSpec {
  namespace: string;
  /** `pods`, or a controller's resource (`deployments`, ...) for a violation PSA found in a pod template. */
  resource: string;
  name: string;
  time: Date;
  /** The annotation: PSA's text for the projection at `level:latest`, or raw text (unparsable). */
  violation: { projection: ProjectionName; level: 'baseline' | 'restricted' } | { raw: string };
  dryRun?: boolean;
}

export function auditEvent(spec: AuditEventSpec): unknown {
  const auditViolations =
    'raw' in spec.violation ? spec.violation.raw : violationMessage(evaluatePod(PROJECTIONS[spec.violation.projection], spec.violation.level, 'latest'));
  return {
    auditId: uidOf(`audit/${spec.namespace}/${spec.name}/${spec.time.toISOString()}`),
    stage: 'ResponseComplete',
    time: spec.time.toISOString(),
    verb: 'create',
    user: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts'] },
    objectRef: { resource: spec.resource, namespace: spec.namespace, name: spec.name, apiVersion: 'v1', ...(spec.resource === 'pods' ? {} : { apiGroup: 'apps' }) },
    namespace: spec.namespace,
    annotations: { auditViolations, ...('raw' in spec.violation ? {} : { auditPolicy: `${spec.violation.level}:latest` }) },
    ...(spec.dryRun ? { dryRun: true } : {}),
    responseCode: 201,
  };
}

const RANK = { baseline: 1, restricted: 2 } as const;
const VERSION_LABEL = /^v1\.(0|[1-9][0-9]*)$/;

/** The minor `latest` means on this cluster: its release, as the heartbeat reports it. */
function release(cluster: ClusterModel): string {
  const minor = /^v1\.(\d+)/.exec(cluster.kubernetesVersion)![1];
  return `v1.${minor}`;
}

/** The checks libs/pss says a projection fails at level@version, sorted. */
export function failingChecks(projection: ProjectionName, level: 'baseline' | 'restricted', version: string): string[] {
  return evaluatePod(PROJECTIONS[projection] as PodLike, level, version)
    .checks.map((check) => check.id)
    .sort();
}

/** The checks a workload fails (its template or any pod) at level@version. */
export function workloadChecks(w: WorkloadModel, level: 'baseline' | 'restricted', version: string): string[] {
  return [...new Set([w.template, ...w.pods.map((p) => p.projection)].flatMap((p) => failingChecks(p, level, version)))].sort();
}

/** What readiness must say about a namespace at a level, by libs/pss and the audit events given. */
export interface ExpectedReadiness {
  namespace: string;
  level: 'baseline' | 'restricted';
  /** The label readiness is keyed by: the enforce-version, else `latest`. */
  version: string;
  status: 'ready' | 'blocked' | 'at-risk';
  /**
   * `Kind/name:check+check` of each workload that would be rejected, sorted; with ` audit(check+check)x<n>` when
   * audit-mode violations reported on it or a controller under it block the level (n violations).
   */
  blocking: string[];
  /** How many of `blocking` a rollout would reject (their template or pods fail): the namespace list's count. */
  rejected: number;
  auditViolations: number;
  /** `Kind/name:check+check x<n>` of controllers named by blocking audit violations that are not in the inventory. */
  auditControllers: string[];
}

/** The controller kinds an audit event's objectRef.resource names (the resources PSA evaluates pod templates of). */
export const CONTROLLER_KINDS: Record<string, InventoryWorkload['kind']> = {
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  jobs: 'Job',
  cronjobs: 'CronJob',
  replicationcontrollers: 'ReplicationController',
};

/** The checks the annotation of an audit event names (libs/pss at `level:latest`, as `auditEvent` writes it). */
function annotatedChecks(spec: AuditEventSpec): string[] {
  return 'raw' in spec.violation ? [] : failingChecks(spec.violation.projection, spec.violation.level, 'latest');
}

/**
 * Expected readiness of every namespace at both levels on a cluster that sent its heartbeat: a workload blocks when
 * its template or a pod fails level@version (version = enforce-version, else the cluster's release); an audit event
 * within the window that is not a dry run blocks when it violates the level or a lower one, or could not be parsed.
 */
export function expectedReadiness(cluster: ClusterModel, audits: readonly AuditEventSpec[], windowStart: Date): ExpectedReadiness[] {
  return cluster.namespaces.flatMap((ns) =>
    (['baseline', 'restricted'] as const).map((level) => {
      const pinned = ns.labels.enforceVersion !== undefined && VERSION_LABEL.test(ns.labels.enforceVersion);
      const concrete = pinned ? ns.labels.enforceVersion! : release(cluster);
      const blockingAudits = audits.filter(
        (a) =>
          a.namespace === ns.name &&
          !a.dryRun &&
          a.time >= windowStart &&
          ('raw' in a.violation || RANK[a.violation.level] <= RANK[level]),
      );
      const auditViolations = blockingAudits.length;
      // A controller's violation belongs to the top-level workload it is, or is under (a Deployment's ReplicaSet).
      const onWorkload = new Map<WorkloadModel, AuditEventSpec[]>();
      const unseen = new Map<string, AuditEventSpec[]>();
      for (const a of blockingAudits) {
        const kind = CONTROLLER_KINDS[a.resource];
        if (kind === undefined) continue;
        const owner = ns.workloads.find((w) => (w.kind === kind && w.name === a.name) || (kind === 'ReplicaSet' && w.replicaSets?.some((rs) => rs.name === a.name)));
        if (owner) onWorkload.set(owner, [...(onWorkload.get(owner) ?? []), a]);
        else unseen.set(`${kind}/${a.name}`, [...(unseen.get(`${kind}/${a.name}`) ?? []), a]);
      }
      const auditPart = (events: AuditEventSpec[]) => `${[...new Set(events.flatMap(annotatedChecks))].sort().join('+')}`;
      const rows = ns.workloads
        .map((w) => ({ w, checks: workloadChecks(w, level, concrete), audit: onWorkload.get(w) }))
        .filter(({ checks, audit }) => checks.length > 0 || audit !== undefined);
      const blocking = rows
        .map(({ w, checks, audit }) => `${w.kind}/${w.name}:${checks.join('+')}${audit ? ` audit(${auditPart(audit)})x${audit.length}` : ''}`)
        .sort();
      const auditControllers = [...unseen].map(([object, events]) => `${object}:${auditPart(events)} x${events.length}`).sort();
      const fails = blocking.length > 0 || auditViolations > 0;
      const enforced = ns.labels.enforce === 'baseline' || ns.labels.enforce === 'restricted' ? RANK[ns.labels.enforce] >= RANK[level] : false;
      return {
        namespace: ns.name,
        level,
        version: pinned ? ns.labels.enforceVersion! : 'latest',
        status: fails ? (enforced ? 'at-risk' : 'blocked') : 'ready',
        blocking,
        rejected: rows.filter(({ checks }) => checks.length > 0).length,
        auditViolations,
        auditControllers,
      } satisfies ExpectedReadiness;
    }),
  );
}

/**
 * Expected open findings, `namespace|Kind/name|level|version|check`: each live workload at every level and at
 * every version its namespace names (enforce, audit, warn; invalid or absent = latest) and latest, a check its
 * template or any pod fails there.
 */
export function expectedOpenFindings(cluster: ClusterModel): string[] {
  const keys: string[] = [];
  for (const ns of cluster.namespaces) {
    const labels = new Set(
      [ns.labels.enforceVersion, ns.labels.auditVersion, ns.labels.warnVersion].map((v) => (v !== undefined && VERSION_LABEL.test(v) ? v : 'latest')),
    );
    labels.add('latest');
    for (const w of ns.workloads) {
      for (const label of labels) {
        for (const level of ['baseline', 'restricted'] as const) {
          for (const check of workloadChecks(w, level, label === 'latest' ? release(cluster) : label)) {
            keys.push(`${ns.name}|${w.kind}/${w.name}|${level}|${label}|${check}`);
          }
        }
      }
    }
  }
  return keys.sort();
}
