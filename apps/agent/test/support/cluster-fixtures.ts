import type { FakeKubeApiServer, FakeObject } from './fake-kube-apiserver.js';

export const PATHS = {
  namespaces: '/api/v1/namespaces',
  pods: '/api/v1/pods',
  replicationcontrollers: '/api/v1/replicationcontrollers',
  deployments: '/apis/apps/v1/deployments',
  replicasets: '/apis/apps/v1/replicasets',
  statefulsets: '/apis/apps/v1/statefulsets',
  daemonsets: '/apis/apps/v1/daemonsets',
  jobs: '/apis/batch/v1/jobs',
  cronjobs: '/apis/batch/v1/cronjobs',
} as const;

const owner = (object: FakeObject, kind: string, apiVersion: string) => ({ apiVersion, kind, name: object.metadata.name, uid: object.metadata.uid, controller: true });

/** A pod spec with the usual hardening gaps (runs as root is allowed, no seccomp) and an env var that must never leave the cluster. */
export function podSpec(image = 'nginx:1.27', extra: Record<string, unknown> = {}) {
  return {
    containers: [{ name: 'app', image, env: [{ name: 'DATABASE_PASSWORD', value: 'hunter2' }], command: ['/bin/sh', '-c', 'secret-command'], ...extra }],
  };
}

export function namespace(kube: FakeKubeApiServer, name: string, labels: Record<string, string> = {}): FakeObject {
  return kube.apply(PATHS.namespaces, { metadata: { name, labels } });
}

export function pod(kube: FakeKubeApiServer, ns: string, name: string, options: { owner?: ReturnType<typeof owner>; spec?: Record<string, unknown>; phase?: string } = {}): FakeObject {
  return kube.apply(PATHS.pods, {
    metadata: { name, namespace: ns, ...(options.owner ? { ownerReferences: [options.owner] } : {}) },
    spec: options.spec ?? podSpec(),
    status: { phase: options.phase ?? 'Running' },
  });
}

/** A Deployment, its ReplicaSet and `replicas` pods, linked by controller owner references. */
export function deployment(kube: FakeKubeApiServer, ns: string, name: string, replicas: number, spec: Record<string, unknown> = podSpec()) {
  const template = { metadata: { labels: { app: name } }, spec };
  const deploy = kube.apply(PATHS.deployments, { metadata: { name, namespace: ns }, spec: { replicas, selector: { matchLabels: { app: name } }, template } });
  const rs = kube.apply(PATHS.replicasets, {
    metadata: { name: `${name}-5d8f7c9b4`, namespace: ns, ownerReferences: [owner(deploy, 'Deployment', 'apps/v1')] },
    spec: { replicas, selector: { matchLabels: { app: name } }, template },
  });
  const pods = Array.from({ length: replicas }, (_, i) => pod(kube, ns, `${rs.metadata.name}-p${i}`, { owner: owner(rs, 'ReplicaSet', 'apps/v1'), spec }));
  return { deploy, rs, pods };
}

/** A CronJob, one Job it made, and that Job's pod. */
export function cronJob(kube: FakeKubeApiServer, ns: string, name: string) {
  const template = { spec: { ...podSpec('busybox:1.36'), restartPolicy: 'OnFailure' } };
  const cron = kube.apply(PATHS.cronjobs, { metadata: { name, namespace: ns }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template } } } });
  const job = kube.apply(PATHS.jobs, { metadata: { name: `${name}-29000000`, namespace: ns, ownerReferences: [owner(cron, 'CronJob', 'batch/v1')] }, spec: { template } });
  const jobPod = pod(kube, ns, `${job.metadata.name}-x7k2p`, { owner: owner(job, 'Job', 'batch/v1'), spec: template.spec, phase: 'Succeeded' });
  return { cron, job, pod: jobPod };
}

/** A controller of `kind` with its pods (StatefulSet, DaemonSet, ReplicationController). */
export function controller(kube: FakeKubeApiServer, path: string, kind: string, apiVersion: string, ns: string, name: string, pods: number) {
  const template = { metadata: { labels: { app: name } }, spec: podSpec('redis:7') };
  const object = kube.apply(path, { metadata: { name, namespace: ns }, spec: { replicas: pods, selector: { matchLabels: { app: name } }, template } });
  const children = Array.from({ length: pods }, (_, i) => pod(kube, ns, `${name}-${i}`, { owner: owner(object, kind, apiVersion), spec: template.spec }));
  return { object, pods: children };
}

/** A small but complete cluster: every watched kind, bare pods, PSA labels. */
export function seedCluster(kube: FakeKubeApiServer) {
  namespace(kube, 'kube-system');
  namespace(kube, 'payments', { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.33' });
  namespace(kube, 'batch', { 'pod-security.kubernetes.io/audit': 'restricted' });
  const web = deployment(kube, 'payments', 'web', 3);
  const report = cronJob(kube, 'batch', 'report');
  const cache = controller(kube, PATHS.statefulsets, 'StatefulSet', 'apps/v1', 'payments', 'cache', 2);
  const agentDs = controller(kube, PATHS.daemonsets, 'DaemonSet', 'apps/v1', 'kube-system', 'node-agent', 2);
  const legacy = controller(kube, PATHS.replicationcontrollers, 'ReplicationController', 'v1', 'payments', 'legacy', 1);
  const debug = pod(kube, 'payments', 'debug', { spec: podSpec('busybox:1.36', { securityContext: { privileged: true } }) });
  return { web, report, cache, agentDs, legacy, debug };
}
