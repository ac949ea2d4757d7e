import type { PodLike } from '../api/pod.types.js';

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Go's zero value: a hostPort of 0 is the same as none, and the defaulting fills both.
function needsDefault(port: unknown): port is Fields {
  return isFields(port) && (port.hostPort == null || port.hostPort === 0) && port.containerPort != null;
}

function defaultContainers(containers: unknown): unknown {
  if (!Array.isArray(containers)) return containers;
  let copied: unknown[] | undefined;
  for (let i = 0; i < containers.length; i++) {
    const container: unknown = containers[i];
    if (!isFields(container) || !Array.isArray(container.ports)) continue;
    const ports = container.ports as unknown[];
    if (!ports.some(needsDefault)) continue;
    copied ??= [...(containers as unknown[])];
    copied[i] = {
      ...container,
      ports: ports.map((port) => (needsDefault(port) ? { ...port, hostPort: port.containerPort } : port)),
    };
  }
  return copied ?? containers;
}

/**
 * What the API server's defaulting does to a Pod before Pod Security sees it (SetDefaults_Pod,
 * defaultHostNetworkPorts): with `hostNetwork: true`, every port of the containers and init containers that
 * has no hostPort gets `hostPort = containerPort`. Pod templates are not defaulted this way (since
 * Kubernetes 1.28), so apply this to kind Pod only. Returns a copy when anything changes; never mutates.
 */
export function defaultHostNetworkPorts(pod: PodLike): PodLike {
  const spec: unknown = pod.spec;
  if (!isFields(spec) || spec.hostNetwork !== true) return pod;
  const containers = defaultContainers(spec.containers);
  const initContainers = defaultContainers(spec.initContainers);
  if (containers === spec.containers && initContainers === spec.initContainers) return pod;
  const defaulted: Fields = { ...spec };
  if (containers !== spec.containers) defaulted.containers = containers;
  if (initContainers !== spec.initContainers) defaulted.initContainers = initContainers;
  return { ...pod, spec: defaulted };
}
