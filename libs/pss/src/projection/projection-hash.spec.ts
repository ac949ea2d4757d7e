import { describe, expect, it } from '@jest/globals';

import type { PodLike } from '../api/pod.types.js';
import { projectPod } from './project-pod.js';
import { projectionHash as sut } from './projection-hash.js';

function hashOf(pod: PodLike): string {
  return sut(projectPod(pod));
}

/** The same value with the keys of every object in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reverseKeys(item)]));
}

function basePod(): PodLike {
  return {
    metadata: {
      name: 'web',
      namespace: 'payments',
      annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' },
    },
    spec: {
      hostNetwork: false,
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'kernel.shm_rmid_forced' }] },
      volumes: [{ name: 'data', emptyDir: {} }],
      initContainers: [{ name: 'init', image: 'busybox' }],
      containers: [
        {
          name: 'app',
          image: 'nginx:1.27',
          ports: [{ containerPort: 8080 }],
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

// One edit per field a check reads: each must change the hash.
const SECURITY_EDITS: Record<string, (pod: PodLike) => void> = {
  hostNetwork: (pod) => (pod.spec!.hostNetwork = true),
  hostPID: (pod) => (pod.spec!.hostPID = true),
  hostIPC: (pod) => (pod.spec!.hostIPC = true),
  hostUsers: (pod) => (pod.spec!.hostUsers = false),
  'os.name': (pod) => (pod.spec!.os = { name: 'windows' }),
  // Read by no check, but by PSA's runtime-class exemption.
  runtimeClassName: (pod) => (pod.spec!.runtimeClassName = 'gvisor'),
  'pod runAsNonRoot': (pod) => (pod.spec!.securityContext!.runAsNonRoot = false),
  'pod runAsUser': (pod) => (pod.spec!.securityContext!.runAsUser = 0),
  'pod seccompProfile.type': (pod) => (pod.spec!.securityContext!.seccompProfile = { type: 'Unconfined' }),
  'pod seLinuxOptions.type': (pod) => (pod.spec!.securityContext!.seLinuxOptions = { type: 'spc_t' }),
  'pod seLinuxOptions.user': (pod) => (pod.spec!.securityContext!.seLinuxOptions = { user: 'root' }),
  'pod seLinuxOptions.role': (pod) => (pod.spec!.securityContext!.seLinuxOptions = { role: 'sysadm_r' }),
  'pod appArmorProfile.type': (pod) => (pod.spec!.securityContext!.appArmorProfile = { type: 'Unconfined' }),
  'pod windowsOptions.hostProcess': (pod) => (pod.spec!.securityContext!.windowsOptions = { hostProcess: true }),
  'sysctl name': (pod) => (pod.spec!.securityContext!.sysctls = [{ name: 'kernel.msgmax' }]),
  'hostPath volume': (pod) => (pod.spec!.volumes = [{ name: 'data', hostPath: { path: '/' } }]),
  'volume source': (pod) => (pod.spec!.volumes = [{ name: 'data', nfs: { server: 'nfs', path: '/' } }]),
  privileged: (pod) => (container(pod).securityContext!.privileged = true),
  allowPrivilegeEscalation: (pod) => (container(pod).securityContext!.allowPrivilegeEscalation = true),
  'capabilities.add': (pod) => (container(pod).securityContext!.capabilities!.add = ['NET_ADMIN']),
  'capabilities.drop': (pod) => (container(pod).securityContext!.capabilities!.drop = ['NET_RAW']),
  procMount: (pod) => (container(pod).securityContext!.procMount = 'Unmasked'),
  'container runAsNonRoot': (pod) => (container(pod).securityContext!.runAsNonRoot = false),
  'container runAsUser': (pod) => (container(pod).securityContext!.runAsUser = 0),
  'container seccompProfile.type': (pod) => (container(pod).securityContext!.seccompProfile = { type: 'Localhost' }),
  'container seLinuxOptions.type': (pod) => (container(pod).securityContext!.seLinuxOptions = { type: 'container_t' }),
  'container appArmorProfile.type': (pod) => (container(pod).securityContext!.appArmorProfile = { type: 'Localhost' }),
  'container windowsOptions.hostProcess': (pod) => (container(pod).securityContext!.windowsOptions = { hostProcess: true }),
  hostPort: (pod) => (container(pod).ports = [{ containerPort: 8080, hostPort: 8080 }]),
  'probe host': (pod) => (container(pod).livenessProbe = { httpGet: { host: 'evil.example', port: 80 } }),
  'lifecycle host': (pod) => (container(pod).lifecycle = { preStop: { tcpSocket: { host: '10.0.0.1', port: 80 } } }),
  'ephemeral container': (pod) => (pod.spec!.ephemeralContainers = [{ name: 'debug', image: 'busybox' }]),
  'container name': (pod) => (container(pod).name = 'web'),
  'AppArmor annotation': (pod) =>
    (pod.metadata!.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }),
  'seccomp annotation': (pod) =>
    (pod.metadata!.annotations = { ...pod.metadata!.annotations, 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' }),
};

function container(pod: PodLike) {
  return pod.spec!.containers![0]!;
}

describe('projectionHash', () => {
  it('is a sha256 in hex', () => {
    expect(hashOf(basePod())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on the order of keys', () => {
    const projection = projectPod(basePod());

    expect(sut(reverseKeys(projection) as typeof projection)).toBe(sut(projection));
  });

  it('ignores identity, environment, commands and other fields no check reads', () => {
    const noisy = basePod();
    noisy.metadata = { ...noisy.metadata, name: 'other', namespace: 'other', uid: 'u-2', labels: { app: 'x' } };
    noisy.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs', controller: true }];
    noisy.metadata.annotations = { ...noisy.metadata.annotations, 'deployment.kubernetes.io/revision': '7' };
    Object.assign(container(noisy), {
      env: [{ name: 'TOKEN', value: 'hunter2' }],
      command: ['/bin/sh'],
      args: ['-c', 'run'],
      resources: { limits: { cpu: '2' } },
    });
    noisy.spec!.nodeSelector = { disk: 'ssd' };

    expect(hashOf(noisy)).toBe(hashOf(basePod()));
  });

  it.each(Object.keys(SECURITY_EDITS))('changes when %s changes', (field) => {
    const edited = basePod();
    SECURITY_EDITS[field]!(edited);

    expect(hashOf(edited)).not.toBe(hashOf(basePod()));
  });

  it('gives every security edit a hash of its own', () => {
    const hashes = Object.values(SECURITY_EDITS).map((edit) => {
      const edited = basePod();
      edit(edited);
      return hashOf(edited);
    });

    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('gives every replica of one template the hash of the template', () => {
    const template: PodLike = {
      metadata: { labels: { app: 'web' }, annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' } },
      spec: basePod().spec!,
    };
    // What the ReplicaSet controller creates: the template plus a name, uid, owner and template-hash label.
    const replicas = ['x2x9z', 'k8s7q', 'p0d1e'].map((suffix, i): PodLike => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...structuredClone(template.metadata),
        name: `web-7d4b9c-${suffix}`,
        generateName: 'web-7d4b9c-',
        namespace: 'payments',
        uid: `uid-${i}`,
        labels: { app: 'web', 'pod-template-hash': '7d4b9c' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c', uid: 'rs-uid', controller: true }],
      },
      spec: structuredClone(template.spec),
      status: { phase: 'Running', podIP: `10.0.0.${i}` },
    }));

    expect(new Set(replicas.map(hashOf))).toEqual(new Set([hashOf(template)]));
  });
});
