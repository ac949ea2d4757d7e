import type { WorkloadKind } from '@ratchet/contracts';

/** A resource the agent lists and watches, cluster-wide. */
export interface WatchedResource {
  /** The plural resource name, as RBAC and metrics name it. */
  resource: string;
  apiGroup: '' | 'apps' | 'batch';
  kind: 'Namespace' | Exclude<WorkloadKind, 'PodTemplate'>;
  /** The cluster-wide list path. */
  path: string;
}

/** Exactly the resources the agent reads; the Helm chart's ClusterRole grants get/list/watch on these and no more. */
export const WATCHED_RESOURCES: readonly WatchedResource[] = [
  { resource: 'namespaces', apiGroup: '', kind: 'Namespace', path: '/api/v1/namespaces' },
  { resource: 'pods', apiGroup: '', kind: 'Pod', path: '/api/v1/pods' },
  { resource: 'replicationcontrollers', apiGroup: '', kind: 'ReplicationController', path: '/api/v1/replicationcontrollers' },
  { resource: 'deployments', apiGroup: 'apps', kind: 'Deployment', path: '/apis/apps/v1/deployments' },
  { resource: 'replicasets', apiGroup: 'apps', kind: 'ReplicaSet', path: '/apis/apps/v1/replicasets' },
  { resource: 'statefulsets', apiGroup: 'apps', kind: 'StatefulSet', path: '/apis/apps/v1/statefulsets' },
  { resource: 'daemonsets', apiGroup: 'apps', kind: 'DaemonSet', path: '/apis/apps/v1/daemonsets' },
  { resource: 'jobs', apiGroup: 'batch', kind: 'Job', path: '/apis/batch/v1/jobs' },
  { resource: 'cronjobs', apiGroup: 'batch', kind: 'CronJob', path: '/apis/batch/v1/cronjobs' },
];
