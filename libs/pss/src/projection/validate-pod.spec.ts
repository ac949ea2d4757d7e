import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

import { PssInputError } from '../api/level.js';
import type { PodLike } from '../api/pod.types.js';
import { projectPod } from './project-pod.js';
import { isValidPod, validatePod } from './validate-pod.js';

// validatePod must reject exactly what projectPod rejects, with projectPod's message. The pods here are one
// pod that sets every field the projection reads, each mutated at random places into values of every JSON
// kind, including the edges of the readers (empty strings, int32 and int64 limits, null items).

const securityContext = {
  privileged: false,
  allowPrivilegeEscalation: false,
  capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
  procMount: 'Default',
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  readOnlyRootFilesystem: true,
  seccompProfile: { type: 'RuntimeDefault' },
  seLinuxOptions: { type: 'container_t', user: 'system_u', role: 'system_r', level: 's0' },
  appArmorProfile: { type: 'RuntimeDefault' },
  windowsOptions: { hostProcess: false },
};
const handler = { httpGet: { host: 'localhost', port: 80 }, tcpSocket: { host: '', port: 81 } };
const container = (name: string) => ({
  name,
  image: 'nginx:1.27',
  securityContext,
  ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }],
  livenessProbe: handler,
  readinessProbe: handler,
  startupProbe: handler,
  lifecycle: { postStart: handler, preStop: handler },
  volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
  env: [{ name: 'A', value: 'b' }],
});
const FULL_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'u',
    labels: { app: 'web' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u2', controller: true }],
    annotations: {
      'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default',
      'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default',
      'container.seccomp.security.alpha.kubernetes.io/app': 'runtime/default',
      team: 'a',
    },
  },
  spec: {
    hostNetwork: false,
    hostPID: false,
    hostIPC: false,
    hostUsers: false,
    os: { name: 'linux' },
    automountServiceAccountToken: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
      seLinuxOptions: { type: 'container_t', user: 'system_u', role: 'system_r' },
      appArmorProfile: { type: 'RuntimeDefault' },
      windowsOptions: { hostProcess: false },
      sysctls: [{ name: 'net.ipv4.ping_group_range', value: '0 1' }],
    },
    volumes: [
      { name: 'data', emptyDir: {} },
      { name: 'host', hostPath: { path: '/var', type: 'Directory' } },
      { name: 'new', someFutureSource: {} },
    ],
    initContainers: [container('init')],
    containers: [container('app'), container('sidecar')],
    ephemeralContainers: [container('debug')],
  },
};

const VALUES: unknown[] = [
  undefined, null, '', 'x', 'RuntimeDefault', 0, 1, -1, 1.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1,
  2 ** 63, -(2 ** 63), Number.MAX_SAFE_INTEGER, true, false, {}, [], [null], [''], ['ALL'], [1], [{}],
  [{ name: 'a', mountPath: '/a' }], [{ name: '' }], { type: 1 }, { host: 2 }, { name: 3 }, { path: 4 },
];
// Keys the projection reads, and some it does not, added where they were absent.
const KEYS = [
  'metadata', 'spec', 'name', 'namespace', 'uid', 'ownerReferences', 'annotations', 'kind', 'apiVersion', 'controller',
  'seccomp.security.alpha.kubernetes.io/pod', 'container.apparmor.security.beta.kubernetes.io/x', 'hostNetwork',
  'hostPID', 'hostIPC', 'hostUsers', 'os', 'runtimeClassName', 'automountServiceAccountToken', 'securityContext', 'volumes',
  'initContainers', 'containers', 'ephemeralContainers', 'runAsNonRoot', 'runAsUser', 'runAsGroup', 'fsGroup',
  'seccompProfile', 'seLinuxOptions', 'appArmorProfile', 'windowsOptions', 'hostProcess', 'sysctls', 'type', 'user',
  'role', 'privileged', 'allowPrivilegeEscalation', 'capabilities', 'add', 'drop', 'procMount',
  'readOnlyRootFilesystem', 'image', 'ports', 'containerPort', 'hostPort', 'livenessProbe', 'readinessProbe',
  'startupProbe', 'lifecycle', 'postStart', 'preStop', 'httpGet', 'tcpSocket', 'host', 'volumeMounts', 'mountPath',
  'readOnly', 'emptyDir', 'hostPath', 'path', 'nfs', 'futureSource', 'not a field', '9bad', 'a'.repeat(64), 'env',
];

/** Every object or array in the value, with itself, so a mutation can land anywhere. */
function containers(value: unknown, found: (Record<string, unknown> | unknown[])[] = []) {
  if (value !== null && typeof value === 'object') {
    found.push(value as Record<string, unknown>);
    for (const item of Object.values(value)) containers(item, found);
  }
  return found;
}

function outcome(run: () => void): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (!(error instanceof PssInputError)) throw error;
    return error.message;
  }
}

const mutation = fc.record({ at: fc.nat(), key: fc.nat(), value: fc.nat(), onExisting: fc.boolean() });

describe('validatePod', () => {
  it('accepts the pod that sets every field the projection reads', () => {
    expect(isValidPod(FULL_POD)).toBe(true);
    expect(() => validatePod(FULL_POD as PodLike)).not.toThrow();
  });

  it('rejects what projectPod rejects, with its message, wherever a value of any kind lands', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const pod = structuredClone(FULL_POD) as unknown as Record<string, unknown>;
        for (const { at, key, value, onExisting } of mutations) {
          const targets = containers(pod);
          const target = targets[at % targets.length]!;
          const keys = Array.isArray(target) ? target.map((_, i) => String(i)) : Object.keys(target);
          const name = onExisting && keys.length > 0 ? keys[key % keys.length]! : KEYS[key % KEYS.length]!;
          (target as Record<string, unknown>)[name] = structuredClone(VALUES[value % VALUES.length]);
        }
        const expected = outcome(() => projectPod(pod));
        expect(outcome(() => validatePod(pod as PodLike))).toBe(expected);
        expect(isValidPod(pod)).toBe(expected === 'ok');
      }),
      { numRuns: 3_000 },
    );
  });

  it('rejects a root that is not an object as projectPod does', () => {
    for (const root of [null, 1, 'pod', [], true]) {
      expect(isValidPod(root)).toBe(false);
      expect(outcome(() => validatePod(root as unknown as PodLike))).toBe(outcome(() => projectPod(root as unknown as PodLike)));
    }
  });

  it('counts at most 16 unknown volume sources, as projectPod does', () => {
    for (const count of [16, 17]) {
      const volume: Record<string, unknown> = { name: 'v' };
      for (let i = 0; i < count; i++) volume[`future${i}`] = {};
      const pod = { spec: { volumes: [volume] } };
      expect(isValidPod(pod)).toBe(count <= 16);
      expect(outcome(() => validatePod(pod as PodLike))).toBe(outcome(() => projectPod(pod as PodLike)));
    }
  });
});
