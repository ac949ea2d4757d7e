// A seeded `kubectl get pods -A -o json` export: a `List` of running pods as the API server returns them
// (metadata with owner references, defaulted spec, status), grouped under their owners the way controllers
// create them: ReplicaSets of 1-6 replicas, DaemonSet pods, Job pods and a few bare pods. Deterministic so runs
// compare. The pod specs come from realistic-pods.ts.
import type { PodLike } from '@ratchet/pss';

import { random, realisticPods } from './realistic-pods.ts';

const NAMESPACES = ['shop', 'payments', 'search', 'monitoring', 'kube-system', 'ingress', 'batch', 'platform'];

function hex(rng: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(rng() * 16).toString(16);
  return out;
}

function uid(rng: () => number): string {
  return `${hex(rng, 8)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 12)}`;
}

interface Owner {
  kind: string;
  apiVersion: string;
  name: string;
  uid: string;
  namespace: string;
  replicas: number;
  template: PodLike;
}

function owners(count: number, rng: () => number): Owner[] {
  const templates = realisticPods(Math.ceil(count / 2) + 8, 7);
  const result: Owner[] = [];
  let pods = 0;
  for (let i = 0; pods < count; i++) {
    const roll = rng();
    const namespace = NAMESPACES[Math.floor(rng() * NAMESPACES.length)]!;
    const template = templates[i % templates.length]!;
    const base = `app-${i}`;
    const [kind, apiVersion, name, replicas] =
      roll < 0.75 ? ['ReplicaSet', 'apps/v1', `${base}-${hex(rng, 10)}`, 1 + Math.floor(rng() * 6)]
        : roll < 0.85 ? ['DaemonSet', 'apps/v1', base, 4]
          : roll < 0.97 ? ['Job', 'batch/v1', `${base}-${Math.floor(rng() * 1e8)}`, 1]
            : ['', '', base, 1];
    const size = Math.min(replicas, count - pods);
    result.push({ kind, apiVersion, name, uid: uid(rng), namespace, replicas: size, template });
    pods += size;
  }
  return result;
}

function exportedPod(owner: Owner, replica: number, rng: () => number): Record<string, unknown> {
  const name = owner.kind === '' ? owner.name : `${owner.name}-${hex(rng, 5)}`;
  const spec = structuredClone(owner.template.spec) as Record<string, unknown>;
  const containers = spec.containers as Record<string, unknown>[];
  for (const container of containers) {
    // Exports of this size (about 1.5 kB of JSON per pod) come from lean pods: no env, args or probes.
    delete container.env;
    delete container.args;
    delete container.readinessProbe;
    delete container.livenessProbe;
    container.imagePullPolicy = 'IfNotPresent';
    container.terminationMessagePath = '/dev/termination-log';
    container.terminationMessagePolicy = 'File';
  }
  Object.assign(spec, {
    dnsPolicy: 'ClusterFirst',
    enableServiceLinks: true,
    nodeName: `node-${Math.floor(rng() * 40)}`,
    restartPolicy: owner.kind === 'Job' ? 'Never' : 'Always',
    schedulerName: 'default-scheduler',
  });
  const metadata: Record<string, unknown> = {
    ...(owner.template.metadata as Record<string, unknown>),
    creationTimestamp: '2026-11-29T08:14:03Z',
    name,
    namespace: owner.namespace,
    resourceVersion: String(100000 + Math.floor(rng() * 900000)),
    uid: uid(rng),
  };
  if (owner.kind !== '') {
    metadata.generateName = `${owner.name}-`;
    metadata.ownerReferences = [
      { apiVersion: owner.apiVersion, blockOwnerDeletion: true, controller: true, kind: owner.kind, name: owner.name, uid: owner.uid },
    ];
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec,
    status: {
      phase: 'Running',
      hostIP: `10.0.${replica % 250}.${Math.floor(rng() * 250)}`,
      podIP: `10.244.${Math.floor(rng() * 250)}.${Math.floor(rng() * 250)}`,
      qosClass: 'Burstable',
      startTime: '2026-11-29T08:14:03Z',
      containerStatuses: containers.map((container) => ({ name: container.name, ready: true, restartCount: 0 })),
    },
  };
}

/** `kubectl get pods -A -o json` of `count` pods. */
export function clusterExport(count: number, seed: number): { apiVersion: string; kind: string; metadata: object; items: object[] } {
  const rng = random(seed);
  const items: object[] = [];
  for (const owner of owners(count, rng)) {
    for (let replica = 0; replica < owner.replicas; replica++) items.push(exportedPod(owner, replica, rng));
  }
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}
