import type { Maybe, ProbeLike } from '../api/pod.types.js';
import type { CheckDefinition, PodView, Violation } from '../policy/check.types.js';
import { containerNames, joinQuote, pluralize, sortedSet } from '../policy/format.util.js';

// gRPC and exec handlers and HTTP headers are not checked upstream; only httpGet/tcpSocket hosts.
function collectHosts(handler: Maybe<ProbeLike>, into: string[]): void {
  if (handler == null) return;
  const httpHost = handler.httpGet?.host;
  if (httpHost) into.push(httpHost);
  const tcpHost = handler.tcpSocket?.host;
  if (tcpHost) into.push(tcpHost);
}

function hasHost(handler: Maybe<ProbeLike>): boolean {
  return handler != null && (!!handler.httpGet?.host || !!handler.tcpSocket?.host);
}

function usesHost(container: PodView['containers'][number]): boolean {
  const lifecycle = container.lifecycle;
  return (
    hasHost(container.livenessProbe) ||
    hasHost(container.readinessProbe) ||
    hasHost(container.startupProbe) ||
    (lifecycle != null && (hasHost(lifecycle.postStart) || hasHost(lifecycle.preStop)))
  );
}

// Reused across containers: this check runs on every pod and almost never finds anything.
const found: string[] = [];

function hostProbesAndHostLifecycleV1_34({ containers }: PodView): Violation | undefined {
  let any = false;
  for (let i = 0; i < containers.length && !any; i++) any = usesHost(containers[i]!);
  if (!any) return undefined;
  let badContainers: string[] | undefined;
  let hosts: string[] | undefined;
  for (const container of containers) {
    found.length = 0;
    collectHosts(container.livenessProbe, found);
    collectHosts(container.readinessProbe, found);
    collectHosts(container.startupProbe, found);
    if (container.lifecycle != null) {
      collectHosts(container.lifecycle.postStart, found);
      collectHosts(container.lifecycle.preStop, found);
    }
    if (found.length > 0) {
      (badContainers ??= []).push(container.name);
      (hosts ??= []).push(...found);
    }
  }
  if (!badContainers) return undefined;
  // Unlike every other check, upstream keeps the container names in a sorted set here.
  const names = sortedSet(badContainers);
  const distinctHosts = sortedSet(hosts ?? []);
  return {
    reason: 'probe or lifecycle host',
    detail: `${containerNames(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', distinctHosts.length)} ${joinQuote(distinctHosts)}`,
  };
}

export const hostProbesAndHostLifecycleCheck: CheckDefinition = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  versions: [{ minVersion: 34, check: hostProbesAndHostLifecycleV1_34 }],
};
