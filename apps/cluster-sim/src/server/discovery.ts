import { ADVERTISED_VERBS, RESOURCE_TYPES, type ResourceType } from '../store/resource-types.js';

/** The media type kubectl (1.30+) and client-go ask for first: aggregated discovery, apidiscovery.k8s.io/v2. */
export const AGGREGATED_DISCOVERY_MEDIA_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

const GROUPS = ['apps', 'batch'] as const;

/** True when the Accept header asks for aggregated discovery v2 (v2beta1 alone is not served: clients fall back). */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('g=apidiscovery.k8s.io') && params.includes('v=v2') && params.includes('as=APIGroupDiscoveryList');
  });
}

/** GET /api: APIVersions. */
export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** GET /apis: APIGroupList. */
export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: GROUPS.map((name) => ({
      name,
      versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
      preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
    })),
  };
}

/** GET /apis/{group}: APIGroup. */
export function apiGroup(name: string) {
  if (!(GROUPS as readonly string[]).includes(name)) return undefined;
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name,
    versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
    preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
  };
}

/** GET /api/v1 or /apis/{group}/{version}: APIResourceList, with the status subresources real servers list. */
export function apiResourceList(group: string, version: string) {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources: types.flatMap((t) => [
      {
        name: t.resource,
        singularName: t.singular,
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: ADVERTISED_VERBS,
        ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
        ...(t.categories.length ? { categories: t.categories } : {}),
      },
      { name: `${t.resource}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] },
    ]),
  };
}

function resourceDiscovery(t: ResourceType) {
  return {
    resource: t.resource,
    responseKind: { group: t.group, version: t.version, kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: ADVERTISED_VERBS,
    ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
    ...(t.categories.length ? { categories: t.categories } : {}),
    subresources: [
      { subresource: 'status', responseKind: { group: t.group, version: t.version, kind: t.kind }, verbs: ['get', 'patch', 'update'] },
    ],
  };
}

/** GET /api or /apis with the aggregated Accept: APIGroupDiscoveryList (apidiscovery.k8s.io/v2). */
export function aggregatedDiscovery(scope: 'api' | 'apis') {
  const groups: string[] = scope === 'api' ? [''] : [...GROUPS];
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((group) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: RESOURCE_TYPES.filter((t) => t.group === group).map(resourceDiscovery),
          freshness: 'Current',
        },
      ],
    })),
  };
}
