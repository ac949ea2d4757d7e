import type { SimClock } from '../clock/sim-clock.js';
import type { SeededRandom } from '../random/seeded-random.js';
import { ownerReferenceTo, type KubeObject } from '../store/kube-object.js';
import type { ObjectStore } from '../store/object-store.js';
import type { ResourceName } from '../store/resource-types.js';
import { debugContainer, ISTIO_SIDECAR, type Container, type PodTemplate } from './workload-shapes.js';

/** A user as the audit log records it (authentication.k8s.io/v1 UserInfo). */
export interface AuditUser {
  username: string;
  uid?: string;
  groups: string[];
}

/** One write to the simulated apiserver, as admission and the audit log see it. */
export interface AdmissionRequest {
  verb: 'create' | 'update' | 'patch';
  resource: ResourceName;
  subresource?: string;
  namespace: string;
  name: string;
  /** The object as it would be stored. */
  object: KubeObject;
  user: AuditUser;
  impersonatedUser?: AuditUser;
  dryRun?: boolean;
}

/** Pod Security admission (and audit) for writes; returns false when the request is rejected (403). */
export interface Admission {
  admit(request: AdmissionRequest): boolean;
}

export const CONTROLLER_USERS = {
  deployment: controllerUser('deployment-controller'),
  replicaset: controllerUser('replicaset-controller'),
  statefulset: controllerUser('statefulset-controller'),
  daemonset: controllerUser('daemon-set-controller'),
  job: controllerUser('job-controller'),
  cronjob: controllerUser('cronjob-controller'),
  replicationcontroller: controllerUser('replication-controller'),
} as const;

function controllerUser(name: string): AuditUser {
  return {
    username: `system:serviceaccount:kube-system:${name}`,
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
  };
}

/** Everything a workload was created from, kept so scenarios can roll it out again. */
export interface WorkloadRecord {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob' | 'Job' | 'ReplicationController' | 'Pod';
  namespace: string;
  name: string;
  shapeId: string;
  template: PodTemplate;
  replicas: number;
}

export interface BuilderContext {
  store: ObjectStore;
  random: SeededRandom;
  clock: SimClock;
  apiserverMinor: number;
  nodes: readonly string[];
}

const podDefaults = {
  restartPolicy: 'Always',
  dnsPolicy: 'ClusterFirst',
  schedulerName: 'default-scheduler',
  terminationGracePeriodSeconds: 30,
  serviceAccountName: 'default',
};

/**
 * Creates and changes the simulated cluster's objects the way the real controllers would: a Deployment
 * owns a ReplicaSet named `<deployment>-<pod-template-hash>` that owns pods named by generateName, a CronJob
 * owns Jobs that own pods, and the istio injector adds its containers to pods (never to templates).
 */
export class ClusterBuilder {
  /** Admission for writes; unset while the initial cluster is generated (its objects predate the labels). */
  admission: Admission | undefined;
  readonly workloads = new Map<string, WorkloadRecord>();

  constructor(private readonly ctx: BuilderContext) {}

  private get store() {
    return this.ctx.store;
  }

  private meta(namespace: string | undefined, name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject['metadata'] {
    return { name, ...(namespace ? { namespace } : {}), uid: this.ctx.random.uuid(), creationTimestamp: this.ctx.clock.isoSeconds(), ...extra };
  }

  private admit(request: AdmissionRequest): boolean {
    return this.admission ? this.admission.admit(request) : true;
  }

  createNamespace(name: string, labels: Record<string, string>): KubeObject {
    return this.store.put('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: this.meta(undefined, name, { labels: { 'kubernetes.io/metadata.name': name, ...labels } }),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  /** Replaces a namespace's labels (kubectl label --overwrite). */
  relabelNamespace(name: string, labels: Record<string, string>): KubeObject | undefined {
    const ns = this.store.get('namespaces', undefined, name);
    if (!ns) return undefined;
    return this.store.put('namespaces', { ...ns, metadata: { ...ns.metadata, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
  }

  private record(kind: WorkloadRecord['kind'], namespace: string, name: string, shapeId: string, template: PodTemplate, replicas: number) {
    this.workloads.set(`${kind}/${namespace}/${name}`, { kind, namespace, name, shapeId, template, replicas });
  }

  createDeployment(namespace: string, name: string, shapeId: string, template: PodTemplate, replicas: number, user: AuditUser): KubeObject | undefined {
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: this.meta(namespace, name, { generation: 1, labels: template.metadata.labels, annotations: { 'deployment.kubernetes.io/revision': '1' } }),
      spec: {
        replicas,
        selector: { matchLabels: { app: template.metadata.labels.app ?? name } },
        template,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: { observedGeneration: 1, replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas },
    };
    if (!this.admit({ verb: 'create', resource: 'deployments', namespace, name, object: deployment, user })) return undefined;
    const stored = this.store.put('deployments', deployment);
    this.record('Deployment', namespace, name, shapeId, template, replicas);
    this.createReplicaSet(stored, template, replicas, 1);
    return stored;
  }

  private createReplicaSet(deployment: KubeObject, template: PodTemplate, replicas: number, revision: number): KubeObject {
    const namespace = deployment.metadata.namespace!;
    const hash = this.ctx.random.kubeSuffix(10);
    const podTemplate: PodTemplate = { ...template, metadata: { ...template.metadata, labels: { ...template.metadata.labels, 'pod-template-hash': hash } } };
    const replicaSet: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: this.meta(namespace, `${deployment.metadata.name}-${hash}`, {
        generation: 1,
        labels: podTemplate.metadata.labels,
        annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/revision': String(revision) },
        ownerReferences: [ownerReferenceTo(deployment)],
      }),
      spec: { replicas, selector: { matchLabels: { app: template.metadata.labels.app ?? deployment.metadata.name, 'pod-template-hash': hash } }, template: podTemplate },
      status: { replicas, readyReplicas: replicas, availableReplicas: replicas, fullyLabeledReplicas: replicas, observedGeneration: 1 },
    };
    const stored = this.store.put('replicasets', replicaSet);
    let created = 0;
    for (let i = 0; i < replicas; i++) {
      if (this.createPod(namespace, podTemplate, { generateName: `${stored.metadata.name}-`, owner: stored }, CONTROLLER_USERS.replicaset)) created += 1;
    }
    if (created !== replicas) {
      return this.store.put('replicasets', { ...stored, status: { replicas: created, readyReplicas: created, availableReplicas: created, fullyLabeledReplicas: created, observedGeneration: 1 } });
    }
    return stored;
  }

  /** A new template for a Deployment: a new ReplicaSet takes over and the old one is scaled to zero. */
  rolloutDeployment(namespace: string, name: string, template: PodTemplate, user: AuditUser): boolean {
    const deployment = this.store.get('deployments', namespace, name);
    const record = this.workloads.get(`Deployment/${namespace}/${name}`);
    if (!deployment || !record) return false;
    const generation = (deployment.metadata.generation ?? 1) + 1;
    const revision = Number(deployment.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '1') + 1;
    const replicas = record.replicas;
    const updated: KubeObject = {
      ...deployment,
      metadata: { ...deployment.metadata, generation, annotations: { ...deployment.metadata.annotations, 'deployment.kubernetes.io/revision': String(revision) } },
      spec: { ...(deployment.spec as object), template },
      status: { observedGeneration: generation, replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas },
    };
    if (!this.admit({ verb: 'update', resource: 'deployments', namespace, name, object: updated, user })) return false;
    const stored = this.store.put('deployments', updated);
    this.workloads.set(`Deployment/${namespace}/${name}`, { ...record, template });
    for (const rs of this.ownedBy('replicasets', stored)) {
      for (const pod of this.ownedBy('pods', rs)) this.store.delete('pods', namespace, pod.metadata.name);
      this.store.put('replicasets', { ...rs, spec: { ...(rs.spec as object), replicas: 0 }, status: { replicas: 0, observedGeneration: 2 } });
    }
    this.createReplicaSet(stored, template, replicas, revision);
    return true;
  }

  createStatefulSet(namespace: string, name: string, shapeId: string, template: PodTemplate, replicas: number, user: AuditUser): KubeObject | undefined {
    const revisionHash = `${name}-${this.ctx.random.kubeSuffix(10)}`;
    const statefulSet: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: this.meta(namespace, name, { generation: 1, labels: template.metadata.labels }),
      spec: { replicas, serviceName: name, selector: { matchLabels: { app: template.metadata.labels.app ?? name } }, template, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate' } },
      status: { observedGeneration: 1, replicas, readyReplicas: replicas, currentReplicas: replicas, updatedReplicas: replicas, currentRevision: revisionHash, updateRevision: revisionHash },
    };
    if (!this.admit({ verb: 'create', resource: 'statefulsets', namespace, name, object: statefulSet, user })) return undefined;
    const stored = this.store.put('statefulsets', statefulSet);
    this.record('StatefulSet', namespace, name, shapeId, template, replicas);
    const podTemplate: PodTemplate = { ...template, metadata: { ...template.metadata, labels: { ...template.metadata.labels, 'controller-revision-hash': revisionHash } } };
    for (let i = 0; i < replicas; i++) {
      this.createPod(namespace, podTemplate, { name: `${name}-${i}`, owner: stored, extraLabels: { 'statefulset.kubernetes.io/pod-name': `${name}-${i}`, 'apps.kubernetes.io/pod-index': String(i) } }, CONTROLLER_USERS.statefulset);
    }
    return stored;
  }

  createDaemonSet(namespace: string, name: string, shapeId: string, template: PodTemplate, user: AuditUser): KubeObject | undefined {
    const nodes = this.ctx.nodes.length;
    const daemonSet: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: this.meta(namespace, name, { generation: 1, labels: template.metadata.labels }),
      spec: { selector: { matchLabels: template.metadata.labels }, template, updateStrategy: { type: 'RollingUpdate' } },
      status: { currentNumberScheduled: nodes, desiredNumberScheduled: nodes, numberReady: nodes, numberAvailable: nodes, updatedNumberScheduled: nodes, observedGeneration: 1, numberMisscheduled: 0 },
    };
    if (!this.admit({ verb: 'create', resource: 'daemonsets', namespace, name, object: daemonSet, user })) return undefined;
    const stored = this.store.put('daemonsets', daemonSet);
    this.record('DaemonSet', namespace, name, shapeId, template, nodes);
    const hash = this.ctx.random.kubeSuffix(10);
    const podTemplate: PodTemplate = { ...template, metadata: { ...template.metadata, labels: { ...template.metadata.labels, 'controller-revision-hash': hash, 'pod-template-generation': '1' } } };
    for (const node of this.ctx.nodes) {
      this.createPod(namespace, podTemplate, { generateName: `${name}-`, owner: stored, nodeName: node }, CONTROLLER_USERS.daemonset);
    }
    return stored;
  }

  createCronJob(namespace: string, name: string, shapeId: string, template: PodTemplate, schedule: string, user: AuditUser): KubeObject | undefined {
    const jobTemplate = { ...template, spec: { ...template.spec, restartPolicy: 'OnFailure' } };
    const cronJob: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: this.meta(namespace, name, { generation: 1, labels: template.metadata.labels }),
      spec: { schedule, concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, suspend: false, jobTemplate: { metadata: {}, spec: { backoffLimit: 6, template: jobTemplate } } },
      status: {},
    };
    if (!this.admit({ verb: 'create', resource: 'cronjobs', namespace, name, object: cronJob, user })) return undefined;
    const stored = this.store.put('cronjobs', cronJob);
    this.record('CronJob', namespace, name, shapeId, jobTemplate, 1);
    return stored;
  }

  /** One scheduled run: the CronJob creates `<name>-<unix minutes>`, its pod runs, older runs past the history limit go. */
  runCronJob(namespace: string, name: string): KubeObject | undefined {
    const cronJob = this.store.get('cronjobs', namespace, name);
    const record = this.workloads.get(`CronJob/${namespace}/${name}`);
    if (!cronJob || !record) return undefined;
    const scheduledMinutes = Math.floor(this.ctx.clock.now() / 60_000);
    // The CronJob controller names a run after its scheduled minute and never starts that minute twice.
    if (this.store.get('jobs', namespace, `${name}-${scheduledMinutes}`)) return undefined;
    const job = this.createJob(namespace, `${name}-${scheduledMinutes}`, record.shapeId, record.template, CONTROLLER_USERS.cronjob, cronJob);
    this.store.put('cronjobs', { ...cronJob, status: { lastScheduleTime: this.ctx.clock.isoSeconds(), lastSuccessfulTime: this.ctx.clock.isoSeconds() } });
    const runs = this.ownedBy('jobs', cronJob).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    for (const old of runs.slice(0, Math.max(0, runs.length - 3))) {
      for (const pod of this.ownedBy('pods', old)) this.store.delete('pods', namespace, pod.metadata.name);
      this.store.delete('jobs', namespace, old.metadata.name);
    }
    return job;
  }

  createJob(namespace: string, name: string, shapeId: string, template: PodTemplate, user: AuditUser, owner?: KubeObject): KubeObject | undefined {
    const controllerUid = this.ctx.random.uuid();
    const jobLabels = { 'batch.kubernetes.io/controller-uid': controllerUid, 'batch.kubernetes.io/job-name': name, 'controller-uid': controllerUid, 'job-name': name };
    const podTemplate: PodTemplate = { ...template, metadata: { ...template.metadata, labels: { ...template.metadata.labels, ...jobLabels } }, spec: { ...template.spec, restartPolicy: (template.spec.restartPolicy) ?? 'Never' } };
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { ...this.meta(namespace, name, { generation: 1, labels: jobLabels, ...(owner ? { ownerReferences: [ownerReferenceTo(owner)] } : {}) }), uid: controllerUid },
      spec: { backoffLimit: 6, completions: 1, parallelism: 1, completionMode: 'NonIndexed', selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': controllerUid } }, template: podTemplate },
      status: { startTime: this.ctx.clock.isoSeconds(), completionTime: this.ctx.clock.isoSeconds(), succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] },
    };
    if (!this.admit({ verb: 'create', resource: 'jobs', namespace, name, object: job, user })) return undefined;
    const stored = this.store.put('jobs', job);
    if (!owner) this.record('Job', namespace, name, shapeId, template, 1);
    this.createPod(namespace, podTemplate, { generateName: `${name}-`, owner: stored, phase: 'Succeeded' }, CONTROLLER_USERS.job);
    return stored;
  }

  createReplicationController(namespace: string, name: string, shapeId: string, template: PodTemplate, replicas: number, user: AuditUser): KubeObject | undefined {
    const rc: KubeObject = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: this.meta(namespace, name, { generation: 1, labels: template.metadata.labels }),
      spec: { replicas, selector: template.metadata.labels, template },
      status: { replicas, readyReplicas: replicas, availableReplicas: replicas, fullyLabeledReplicas: replicas, observedGeneration: 1 },
    };
    if (!this.admit({ verb: 'create', resource: 'replicationcontrollers', namespace, name, object: rc, user })) return undefined;
    const stored = this.store.put('replicationcontrollers', rc);
    this.record('ReplicationController', namespace, name, shapeId, template, replicas);
    for (let i = 0; i < replicas; i++) this.createPod(namespace, template, { generateName: `${name}-`, owner: stored }, CONTROLLER_USERS.replicationcontroller);
    return stored;
  }

  createBarePod(namespace: string, name: string, shapeId: string, template: PodTemplate, user: AuditUser): KubeObject | undefined {
    const pod = this.createPod(namespace, template, { name }, user);
    if (pod) this.record('Pod', namespace, name, shapeId, template, 1);
    return pod;
  }

  /** A pod as the apiserver stores it: defaults, the owner's reference, injected sidecars, scheduled to a node. */
  buildPod(
    namespace: string,
    template: PodTemplate,
    options: { name?: string; generateName?: string; owner?: KubeObject; nodeName?: string; phase?: string; extraLabels?: Record<string, string> },
  ): KubeObject {
    const random = this.ctx.random;
    const name = options.name ?? `${options.generateName}${random.kubeSuffix(5)}`;
    const ns = this.store.get('namespaces', undefined, namespace);
    const inject = ns?.metadata.labels?.['istio-injection'] === 'enabled' && template.metadata.labels['sidecar.istio.io/inject'] !== 'false';
    const annotations: Record<string, string> = { ...(template.metadata.annotations ?? {}) };
    let initContainers = (template.spec.initContainers as Container[] | undefined) ?? [];
    let containers = template.spec.containers;
    if (inject) {
      initContainers = [...initContainers, ISTIO_SIDECAR.initContainer()];
      containers = [...containers, ISTIO_SIDECAR.proxy()];
      annotations['sidecar.istio.io/status'] = '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"],"revision":"default"}';
    }
    // From 1.30 the apiserver copies a container's AppArmor annotation into its securityContext on create.
    if (this.ctx.apiserverMinor >= 30) {
      const sync = (c: Container): Container => {
        const value = annotations[`container.apparmor.security.beta.kubernetes.io/${c.name}`];
        if (value === undefined || (c.securityContext as { appArmorProfile?: unknown } | undefined)?.appArmorProfile) return c;
        const profile = value === 'runtime/default' ? { type: 'RuntimeDefault' } : value === 'unconfined' ? { type: 'Unconfined' } : value.startsWith('localhost/') ? { type: 'Localhost', localhostProfile: value.slice(10) } : undefined;
        return profile ? { ...c, securityContext: { ...(c.securityContext ?? {}), appArmorProfile: profile } } : c;
      };
      initContainers = initContainers.map(sync);
      containers = containers.map(sync);
    }
    const nodeName = options.nodeName ?? random.pick(this.ctx.nodes);
    const phase = options.phase ?? 'Running';
    const statuses = containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: phase === 'Running',
      restartCount: 0,
      started: phase === 'Running',
      state: phase === 'Running' ? { running: { startedAt: this.ctx.clock.isoSeconds() } } : { terminated: { exitCode: 0, reason: 'Completed' } },
    }));
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: this.meta(namespace, name, {
        ...(options.generateName ? { generateName: options.generateName } : {}),
        labels: { ...template.metadata.labels, ...(options.extraLabels ?? {}) },
        ...(Object.keys(annotations).length ? { annotations } : {}),
        ...(options.owner ? { ownerReferences: [ownerReferenceTo(options.owner)] } : {}),
      }),
      spec: {
        ...podDefaults,
        ...template.spec,
        ...(initContainers.length ? { initContainers } : {}),
        containers,
        nodeName,
      },
      status: {
        phase,
        hostIP: `10.0.${this.ctx.nodes.indexOf(nodeName) >> 8}.${this.ctx.nodes.indexOf(nodeName) & 255}`,
        podIP: `10.244.${random.int(0, 255)}.${random.int(2, 254)}`,
        startTime: this.ctx.clock.isoSeconds(),
        qosClass: 'Burstable',
        conditions: [{ type: 'Ready', status: phase === 'Running' ? 'True' : 'False' }],
        containerStatuses: statuses,
      },
    };
  }

  createPod(
    namespace: string,
    template: PodTemplate,
    options: { name?: string; generateName?: string; owner?: KubeObject; nodeName?: string; phase?: string; extraLabels?: Record<string, string> },
    user: AuditUser,
  ): KubeObject | undefined {
    const pod = this.buildPod(namespace, template, options);
    if (!this.admit({ verb: 'create', resource: 'pods', namespace, name: pod.metadata.name, object: pod, user })) return undefined;
    return this.store.put('pods', pod);
  }

  /** `kubectl debug`: an ephemeral container patched into a running pod through the ephemeralcontainers subresource. */
  addDebugContainer(namespace: string, name: string, user: AuditUser): KubeObject | undefined {
    const pod = this.store.get('pods', namespace, name);
    if (!pod) return undefined;
    const spec = pod.spec as { containers: Container[]; ephemeralContainers?: Container[] };
    const debug = debugContainer(this.ctx.random.kubeSuffix(5), spec.containers[0]!.name);
    const updated: KubeObject = { ...pod, spec: { ...spec, ephemeralContainers: [...(spec.ephemeralContainers ?? []), debug] } };
    if (!this.admit({ verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', namespace, name, object: updated, user })) return undefined;
    return this.store.put('pods', updated);
  }

  podCount(): number {
    return this.store.count('pods');
  }

  ownedBy(resource: ResourceName, owner: KubeObject): KubeObject[] {
    return this.store.list(resource, owner.metadata.namespace).filter((o) => o.metadata.ownerReferences?.some((ref) => ref.uid === owner.metadata.uid));
  }
}
