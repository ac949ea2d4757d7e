/** One served resource, as discovery describes it (APIResource / APIResourceDiscovery fields). */
export interface ResourceType {
  /** API group; '' is the legacy core group served under /api/v1. */
  group: '' | 'apps' | 'batch';
  version: 'v1';
  /** Plural resource name, the path segment. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
}

const readVerbs = ['get', 'list', 'watch'];
/** Verbs discovery advertises: the real set (kubectl checks `list` and `get`); the simulator serves the read ones. */
export const ADVERTISED_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
export const SERVED_VERBS = readVerbs;

/** Every resource the simulator serves, in discovery order. */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  { group: '', version: 'v1', resource: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'], categories: [] },
  { group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'] },
  { group: '', version: 'v1', resource: 'replicationcontrollers', singular: 'replicationcontroller', kind: 'ReplicationController', namespaced: true, shortNames: ['rc'], categories: ['all'] },
  { group: 'apps', version: 'v1', resource: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'], categories: ['all'] },
  { group: 'apps', version: 'v1', resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'] },
  { group: 'apps', version: 'v1', resource: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ['all'] },
  { group: 'apps', version: 'v1', resource: 'statefulsets', singular: 'statefulset', kind: 'StatefulSet', namespaced: true, shortNames: ['sts'], categories: ['all'] },
  { group: 'batch', version: 'v1', resource: 'cronjobs', singular: 'cronjob', kind: 'CronJob', namespaced: true, shortNames: ['cj'], categories: ['all'] },
  { group: 'batch', version: 'v1', resource: 'jobs', singular: 'job', kind: 'Job', namespaced: true, shortNames: [], categories: ['all'] },
];

export type ResourceName =
  | 'namespaces'
  | 'pods'
  | 'replicationcontrollers'
  | 'daemonsets'
  | 'deployments'
  | 'replicasets'
  | 'statefulsets'
  | 'cronjobs'
  | 'jobs';

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

export function resourceType(resource: ResourceName): ResourceType {
  const type = RESOURCE_TYPES.find((t) => t.resource === resource);
  if (!type) throw new Error(`unknown resource ${resource}`);
  return type;
}

export function findResourceType(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.resource === resource);
}
