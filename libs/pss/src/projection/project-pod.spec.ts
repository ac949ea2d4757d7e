import { isDeepStrictEqual } from 'node:util';

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

import { PssInputError } from '../api/level.js';
import type { Level } from '../api/level.js';
import type { OwnerReference, PodLike } from '../api/pod.types.js';
import { ALLOWED_VOLUME_SOURCES, RESTRICTED_VOLUME_SOURCES } from '../checks/restricted-volumes.check.js';
import { evaluatePod } from '../policy/evaluate.js';
import { loadFixtures } from '../../test/support/fixtures.util.js';
import { projectPod as sut } from './project-pod.js';

const LEVELS: readonly Level[] = ['baseline', 'restricted'];
const VERSIONS = [...Array.from({ length: 38 }, (_, minor) => `v1.${minor}`), 'latest'];
const MARKER = 'LEAK-MARKER';

/** Level@version pairs where the projection's verdict differs from the pod's; empty when they all agree. */
function verdictDifferences(pod: PodLike): string[] {
  const projection = sut(pod);
  const differences: string[] = [];
  for (const level of LEVELS) {
    for (const version of VERSIONS) {
      const expected = evaluatePod(pod, level, version);
      const actual = evaluatePod(projection, level, version);
      // isDeepStrictEqual rather than expect().toEqual per pair: tens of thousands of pairs stay fast.
      if (!isDeepStrictEqual(actual, expected)) {
        differences.push(`${level}@${version}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
      }
    }
  }
  return differences;
}

function undefinedKeys(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => undefinedKeys(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) =>
    item === undefined ? [`${path}.${key}`] : undefinedKeys(item, `${path}.${key}`),
  );
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

// ---- Arbitrary pods: every security field in random subsets, plus the noise a real pod carries. ----

const CONTAINER_NAMES = ['app', 'sidecar', 'init', 'debug', 'web', 'a', 'b'] as const;
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const VOLUME_SOURCES = [...ALLOWED_VOLUME_SOURCES, ...RESTRICTED_VOLUME_SOURCES];

/** Absent (via `requiredKeys: []`), null, or a value: the three states a Go pointer field can be in. */
function nullable<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 5, arbitrary });
}

function optionalFields<T extends Record<string, unknown>>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) {
  return fc.record(model, { requiredKeys: [] });
}

const bool = nullable(fc.boolean());
const userId = nullable(fc.constantFrom(0, 1, 1000, 65534));
const containerName = fc.constantFrom(...CONTAINER_NAMES);
const noise = fc.constantFrom(MARKER, `${MARKER}-2`);

const seccompProfile = nullable(
  optionalFields({
    type: nullable(fc.constantFrom('RuntimeDefault', 'Localhost', 'Unconfined', '', 'runtime/default')),
    localhostProfile: noise,
  }),
);
const appArmorProfile = nullable(
  optionalFields({ type: nullable(fc.constantFrom('RuntimeDefault', 'Localhost', 'Unconfined', '')), localhostProfile: noise }),
);
const seLinuxOptions = nullable(
  optionalFields({
    type: nullable(fc.constantFrom('', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t', 'spc_t')),
    user: nullable(fc.constantFrom('', 'system_u')),
    role: nullable(fc.constantFrom('', 'system_r')),
    level: fc.constantFrom('s0:c123,c456'),
  }),
);
const windowsOptions = nullable(optionalFields({ hostProcess: bool, runAsUserName: noise, gmsaCredentialSpec: noise }));
const capability = fc.constantFrom('ALL', 'all', 'NET_BIND_SERVICE', 'CHOWN', 'chown', 'CAP_CHOWN', 'SYS_ADMIN', 'NET_RAW', '');
const capabilities = nullable(
  optionalFields({ add: nullable(fc.array(capability, { maxLength: 4 })), drop: nullable(fc.array(capability, { maxLength: 3 })) }),
);

const securityContext = nullable(
  optionalFields({
    privileged: bool,
    allowPrivilegeEscalation: bool,
    capabilities,
    procMount: nullable(fc.constantFrom('Default', 'Unmasked', '', 'default')),
    runAsNonRoot: bool,
    runAsUser: userId,
    runAsGroup: userId,
    readOnlyRootFilesystem: bool,
    seccompProfile,
    seLinuxOptions,
    appArmorProfile,
    windowsOptions,
  }),
);

const host = nullable(fc.constantFrom('', 'localhost', '10.0.0.1', 'evil.example'));
const handler = nullable(
  optionalFields({
    httpGet: nullable(
      optionalFields({ host, port: fc.constant(8080), path: noise, httpHeaders: fc.constant([{ name: 'Host', value: MARKER }]) }),
    ),
    tcpSocket: nullable(optionalFields({ host, port: fc.constant(5432) })),
    exec: fc.constant({ command: ['cat', MARKER] }),
    grpc: fc.constant({ port: 9000 }),
    periodSeconds: fc.constant(10),
  }),
);

const port = optionalFields({
  containerPort: fc.integer({ min: 1, max: 65535 }),
  hostPort: nullable(fc.constantFrom(0, 9, 10, 80, 443, 8080)),
  protocol: fc.constantFrom('TCP', 'UDP'),
  name: noise,
});

const container = fc.record(
  {
    name: containerName,
    image: fc.constantFrom('nginx:1.27', 'registry.example/app@sha256:abc'),
    securityContext,
    ports: nullable(fc.array(port, { maxLength: 3 })),
    livenessProbe: handler,
    readinessProbe: handler,
    startupProbe: handler,
    lifecycle: nullable(optionalFields({ postStart: handler, preStop: handler })),
    volumeMounts: fc.array(
      optionalFields({ name: fc.constantFrom('data', 'host'), mountPath: fc.constant('/data'), readOnly: bool, subPath: noise }),
      { maxLength: 2 },
    ).map((mounts) => mounts.map((mount) => ({ name: 'data', mountPath: '/data', ...mount }))),
    env: fc.constant([{ name: 'PASSWORD', value: MARKER }]),
    command: fc.constant(['/bin/sh', '-c', MARKER]),
    args: fc.constant([MARKER]),
    workingDir: noise,
    resources: fc.constant({ limits: { cpu: '1', memory: '1Gi' } }),
  },
  { requiredKeys: ['name'] },
);

const volume = fc
  .tuple(fc.constantFrom('data', 'host', 'cache'), fc.subarray([...VOLUME_SOURCES, 'unknownSource'], { maxLength: 2 }))
  .map(([name, sources]) => {
    const built: Record<string, unknown> = { name };
    for (const source of sources) {
      built[source] = source === 'hostPath' ? { path: '/var/run/docker.sock', type: 'Socket' } : { server: MARKER };
    }
    return built;
  });

const sysctlName = fc.constantFrom(
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_slow_start_after_idle', 'kernel.msgmax', 'net.core.somaxconn',
);

const podSecurityContext = nullable(
  optionalFields({
    runAsNonRoot: bool,
    runAsUser: userId,
    runAsGroup: userId,
    fsGroup: userId,
    supplementalGroups: fc.constant([1, 2]),
    seccompProfile,
    seLinuxOptions,
    appArmorProfile,
    windowsOptions,
    sysctls: nullable(fc.array(fc.record({ name: sysctlName, value: noise }), { maxLength: 3 })),
  }),
);

const annotationKey = fc.oneof(
  containerName.map((name) => APPARMOR_PREFIX + name),
  containerName.map((name) => SECCOMP_CONTAINER_PREFIX + name),
  fc.constantFrom('seccomp.security.alpha.kubernetes.io/pod', 'kubectl.kubernetes.io/last-applied-configuration', 'team'),
);
const annotationValue = nullable(
  fc.constantFrom('runtime/default', 'docker/default', 'localhost/profile', 'unconfined', '', 'RuntimeDefault', 'a "q"\n'),
);

const metadata = optionalFields({
  name: fc.constantFrom('web-7d4b9c-x2x9z', 'job-1'),
  namespace: fc.constantFrom('default', 'payments'),
  uid: fc.uuid(),
  labels: fc.constant({ app: MARKER }),
  annotations: nullable(fc.dictionary(annotationKey, annotationValue, { maxKeys: 5 })),
  ownerReferences: fc.array(
    fc.record(
      { apiVersion: fc.constant('apps/v1'), kind: fc.constant('ReplicaSet'), name: fc.constant('web-7d4b9c'), uid: fc.uuid(), controller: bool },
      { requiredKeys: ['kind', 'name'] },
    ),
    { maxLength: 2 },
  ),
});

const spec = fc.record({
  hostNetwork: bool,
  hostPID: bool,
  hostIPC: bool,
  hostUsers: bool,
  os: nullable(optionalFields({ name: fc.constantFrom('linux', 'windows', 'Windows') })),
  automountServiceAccountToken: bool,
  securityContext: podSecurityContext,
  volumes: nullable(fc.array(volume, { maxLength: 3 })),
  initContainers: nullable(fc.array(container, { maxLength: 2 })),
  containers: fc.array(container, { minLength: 1, maxLength: 3 }),
  ephemeralContainers: nullable(fc.array(container, { maxLength: 2 })),
  serviceAccountName: noise,
  nodeSelector: fc.constant({ disk: MARKER }),
}, { requiredKeys: ['containers'] });

const pod: fc.Arbitrary<PodLike> = fc
  .record(
    { apiVersion: fc.constant('v1'), kind: fc.constant('Pod'), metadata, spec, status: fc.constant({ phase: 'Running' }) },
    { requiredKeys: ['metadata', 'spec'] },
  )
  // Null annotation values are valid JSON that PodLike does not admit; the pods are JSON as decoded.
  .map((generated) => generated as unknown as PodLike);

// ---- Hostile pods: one value of the wrong type, planted where the walker must catch it. ----

type Expectation = 'a boolean' | 'an integer' | 'a 32-bit integer' | 'a string' | 'an array' | 'an object' | 'required';

const BAD_VALUES: Record<Expectation, readonly unknown[]> = {
  'a boolean': ['true', 1, 'yes', [], {}],
  'an integer': ['0', 1.5, true, [], {}, 2 ** 64],
  'a 32-bit integer': [2 ** 31, '80', 80.5, false],
  'a string': [5, true, [], {}],
  'an array': ['NET_ADMIN', {}, 7],
  'an object': ['x', 5, [], true],
  required: ['', null],
};

interface Site {
  /** Field path below the pod (or below a container when `inContainer`). */
  path: string;
  expected: Expectation;
  inContainer?: boolean;
}

const SITES: readonly Site[] = [
  { path: 'spec.hostNetwork', expected: 'a boolean' },
  { path: 'spec.hostUsers', expected: 'a boolean' },
  { path: 'spec.os.name', expected: 'a string' },
  { path: 'spec.securityContext', expected: 'an object' },
  { path: 'spec.securityContext.runAsUser', expected: 'an integer' },
  { path: 'spec.securityContext.fsGroup', expected: 'an integer' },
  { path: 'spec.securityContext.sysctls', expected: 'an array' },
  { path: 'spec.securityContext.seccompProfile.type', expected: 'a string' },
  { path: 'spec.securityContext.windowsOptions.hostProcess', expected: 'a boolean' },
  { path: 'spec.volumes', expected: 'an array' },
  { path: 'metadata.annotations', expected: 'an object' },
  { path: 'metadata.namespace', expected: 'a string' },
  { path: 'name', expected: 'required', inContainer: true },
  { path: 'image', expected: 'a string', inContainer: true },
  { path: 'securityContext.privileged', expected: 'a boolean', inContainer: true },
  { path: 'securityContext.allowPrivilegeEscalation', expected: 'a boolean', inContainer: true },
  { path: 'securityContext.runAsUser', expected: 'an integer', inContainer: true },
  { path: 'securityContext.capabilities.add', expected: 'an array', inContainer: true },
  { path: 'securityContext.procMount', expected: 'a string', inContainer: true },
  { path: 'securityContext.seLinuxOptions', expected: 'an object', inContainer: true },
  { path: 'securityContext.seLinuxOptions.user', expected: 'a string', inContainer: true },
  { path: 'securityContext.appArmorProfile.type', expected: 'a string', inContainer: true },
  { path: 'livenessProbe.httpGet.host', expected: 'a string', inContainer: true },
  { path: 'lifecycle.preStop.tcpSocket', expected: 'an object', inContainer: true },
  { path: 'ports', expected: 'an array', inContainer: true },
];

function describeBad(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/** Sets `value` at a dotted path, creating missing (or null) objects on the way. */
function plant(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = root;
  for (const key of keys.slice(0, -1)) {
    if (node[key] == null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

const hostilePod = fc
  .record({
    pod,
    site: fc.constantFrom(...SITES),
    choice: fc.nat(),
    list: fc.constantFrom('initContainers', 'containers', 'ephemeralContainers'),
  })
  .map(({ pod: base, site, choice, list }) => {
    const planted = structuredClone(base) as Record<string, unknown> & PodLike;
    const bad = BAD_VALUES[site.expected][choice % BAD_VALUES[site.expected].length];
    let path = site.path;
    if (site.inContainer) {
      const spec = planted.spec!;
      // spec.containers always has one, so fall back to it when the chosen list is absent or empty.
      const chosen = (spec[list] as unknown[] | null | undefined)?.length ? list : 'containers';
      const containers = spec[chosen] as Record<string, unknown>[];
      const index = choice % containers.length;
      plant(containers[index]!, site.path, bad);
      path = `spec.${chosen}[${index}].${site.path}`;
    } else {
      plant(planted, site.path, bad);
    }
    const problem = site.expected === 'required' ? 'required' : `expected ${site.expected}, got ${describeBad(bad)}`;
    return { pod: planted, message: `${path}: ${problem}` };
  });

describe('projectPod', () => {
  it('gives every upstream fixture the same verdict at every level and version', () => {
    const seen = new Set<string>();
    const differences: string[] = [];
    for (const fixture of loadFixtures()) {
      if (seen.has(fixture.sha256)) continue;
      seen.add(fixture.sha256);
      differences.push(...verdictDifferences(fixture.pod).map((difference) => `${fixture.file} ${difference}`));
    }

    expect(differences).toEqual([]);
    expect(seen.size).toBeGreaterThan(300);
  });

  it('gives generated pods the same verdict at every level and version', () => {
    fc.assert(fc.property(pod, (generated) => expect(verdictDifferences(generated)).toEqual([])), { numRuns: 400 });
  });

  it('never carries environment, commands, arguments, labels or volume contents', () => {
    fc.assert(
      fc.property(pod, (generated) => {
        const json = JSON.stringify(sut(generated));
        expect(json).not.toContain(MARKER);
        expect(undefinedKeys(sut(generated))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a wrongly typed field with its path, wherever it is planted', () => {
    fc.assert(
      fc.property(hostilePod, ({ pod: planted, message }) => {
        const error = thrownBy(() => sut(planted));
        expect(error).toBeInstanceOf(PssInputError);
        expect((error as Error).message).toBe(message);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps identity and security fields and drops everything else', () => {
    const pod: PodLike = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-7d4b9c-x2x9z',
        namespace: 'payments',
        uid: 'c0ffee',
        labels: { app: 'web' },
        generateName: 'web-7d4b9c-',
        annotations: {
          'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default',
          'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default',
          'container.seccomp.security.alpha.kubernetes.io/app': 'localhost/profile',
          'kubectl.kubernetes.io/last-applied-configuration': '{"secret":"x"}',
        },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c', uid: 'rs-1', controller: true, blockOwnerDeletion: true } as OwnerReference,
        ],
      },
      spec: {
        hostNetwork: false,
        hostUsers: false,
        os: { name: 'linux' },
        serviceAccountName: 'web',
        automountServiceAccountToken: false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          runAsGroup: 1000,
          fsGroup: 2000,
          supplementalGroups: [3000],
          seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/web.json' },
          seLinuxOptions: { type: 'container_t', level: 's0:c1,c2' },
          sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }],
        },
        volumes: [
          { name: 'config', configMap: { name: 'web-config', items: [{ key: 'a', path: 'a' }] } },
          { name: 'sock', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } },
          { name: 'scratch' },
        ],
        containers: [
          {
            name: 'app',
            image: 'registry.example/web:1.2.3',
            command: ['/bin/web'],
            args: ['--token', 'hunter2'],
            env: [{ name: 'DB_PASSWORD', value: 'hunter2' }],
            resources: { limits: { memory: '1Gi' } },
            ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 9090, hostPort: 0 }, { containerPort: 53, hostPort: 53, protocol: 'UDP' }],
            livenessProbe: { httpGet: { path: '/healthz', port: 8080, host: '' }, periodSeconds: 5 },
            readinessProbe: { tcpSocket: { port: 8080, host: '10.0.0.1' } },
            lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
            volumeMounts: [{ name: 'config', mountPath: '/etc/web', readOnly: true, subPath: 'web.yaml' }],
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
              appArmorProfile: { type: 'RuntimeDefault' },
              windowsOptions: { runAsUserName: 'ContainerUser' },
            },
          },
        ],
      },
      status: { phase: 'Running', podIP: '10.1.2.3' },
    };

    expect(sut(pod)).toStrictEqual({
      metadata: {
        name: 'web-7d4b9c-x2x9z',
        namespace: 'payments',
        uid: 'c0ffee',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c', uid: 'rs-1', controller: true }],
        annotations: {
          'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default',
          'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default',
          'container.seccomp.security.alpha.kubernetes.io/app': 'localhost/profile',
        },
      },
      spec: {
        hostNetwork: false,
        hostUsers: false,
        os: { name: 'linux' },
        automountServiceAccountToken: false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          runAsGroup: 1000,
          fsGroup: 2000,
          seccompProfile: { type: 'Localhost' },
          seLinuxOptions: { type: 'container_t' },
          sysctls: [{ name: 'net.ipv4.tcp_syncookies' }],
        },
        volumes: [
          { name: 'config', configMap: {} },
          { name: 'sock', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } },
          { name: 'scratch' },
        ],
        containers: [
          {
            name: 'app',
            image: 'registry.example/web:1.2.3',
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
              readOnlyRootFilesystem: true,
              appArmorProfile: { type: 'RuntimeDefault' },
            },
            ports: [{ containerPort: 53, hostPort: 53 }],
            readinessProbe: { tcpSocket: { host: '10.0.0.1' } },
            volumeMounts: [{ name: 'config', mountPath: '/etc/web', readOnly: true }],
          },
        ],
      },
    });
  });

  it('keeps a profile object that names no type, because the checks fail it as type ""', () => {
    const pod: PodLike = {
      spec: {
        securityContext: { seccompProfile: { localhostProfile: 'x' } },
        containers: [{ name: 'app', securityContext: { appArmorProfile: {} } }],
      },
    };

    const projection = sut(pod);

    expect(projection.spec.securityContext).toEqual({ seccompProfile: {} });
    expect(projection.spec.containers?.[0]?.securityContext).toEqual({ appArmorProfile: {} });
    expect(evaluatePod(projection, 'baseline', 'latest')).toEqual(evaluatePod(pod, 'baseline', 'latest'));
    expect(evaluatePod(projection, 'baseline', 'latest').allowed).toBe(false);
  });

  it('treats null as absent, but decodes a null annotation value and a null list item as "" like Go', () => {
    const pod = {
      metadata: {
        name: null,
        annotations: { 'seccomp.security.alpha.kubernetes.io/pod': null, 'container.apparmor.security.beta.kubernetes.io/app': null },
      },
      spec: {
        hostNetwork: null,
        securityContext: null,
        containers: [{ name: 'app', image: null, securityContext: { runAsUser: null, capabilities: { add: [null, 'SYS_ADMIN'] } } }],
      },
    } as unknown as PodLike;
    // What the API server holds after decoding that JSON.
    const decoded: PodLike = {
      metadata: {
        annotations: { 'seccomp.security.alpha.kubernetes.io/pod': '', 'container.apparmor.security.beta.kubernetes.io/app': '' },
      },
      spec: { containers: [{ name: 'app', securityContext: { capabilities: { add: ['', 'SYS_ADMIN'] } } }] },
    };

    expect(sut(pod)).toStrictEqual(decoded);
    expect(verdictDifferences(decoded)).toEqual([]);
    expect(evaluatePod(sut(pod), 'baseline', 'v1.0').forbiddenDetail).toBe(
      'non-default capabilities (container "app" must not include "", "SYS_ADMIN" in securityContext.capabilities.add), ' +
        'seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="")',
    );
  });

  it('returns empty metadata and spec for an empty pod', () => {
    expect(sut({})).toStrictEqual({ metadata: {}, spec: {} });
  });

  it.each([
    [{ spec: { containers: [{ name: 'a' }, { name: 'b', securityContext: { runAsUser: '0' } }] } }, 'spec.containers[1].securityContext.runAsUser: expected an integer, got "0"'],
    [{ spec: { containers: [{ image: 'nginx' }] } }, 'spec.containers[0].name: required'],
    [{ spec: { initContainers: [null] } }, 'spec.initContainers[0]: expected an object, got null'],
    [{ spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 80.5 }] }] } }, 'spec.containers[0].ports[0].hostPort: expected a 32-bit integer, got 80.5'],
    [{ spec: { containers: [{ name: 'a', ports: [{ containerPort: 'http' }] }] } }, 'spec.containers[0].ports[0].containerPort: expected a 32-bit integer, got "http"'],
    [{ spec: { containers: [{ name: 'a', securityContext: { capabilities: { drop: ['ALL', 5] } } }] } }, 'spec.containers[0].securityContext.capabilities.drop[1]: expected a string, got 5'],
    [{ spec: { ephemeralContainers: [{ name: 'debug', startupProbe: { httpGet: { host: 1 } } }] } }, 'spec.ephemeralContainers[0].startupProbe.httpGet.host: expected a string, got 1'],
    [{ spec: { containers: [{ name: 'a', volumeMounts: [{ name: 'data' }] }] } }, 'spec.containers[0].volumeMounts[0].mountPath: required'],
    [{ spec: { securityContext: { sysctls: [{ value: '1' }] } } }, 'spec.securityContext.sysctls[0].name: required'],
    [{ spec: { securityContext: { runAsNonRoot: 'true' } } }, 'spec.securityContext.runAsNonRoot: expected a boolean, got "true"'],
    [{ spec: { volumes: [{ name: 'v', hostPath: '/etc' }] } }, 'spec.volumes[0].hostPath: expected an object, got "/etc"'],
    [{ spec: { volumes: [{ emptyDir: {} }] } }, 'spec.volumes[0].name: required'],
    [{ spec: { hostPID: 1 } }, 'spec.hostPID: expected a boolean, got 1'],
    [{ spec: [] }, 'spec: expected an object, got an array'],
    [{ metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 5 } } }, 'metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]: expected a string, got 5'],
    [{ metadata: { ownerReferences: [{ name: 'rs' }] } }, 'metadata.ownerReferences[0].kind: required'],
    [{ metadata: { uid: 42 } }, 'metadata.uid: expected a string, got 42'],
  ])('rejects %j', (pod, message) => {
    const error = thrownBy(() => sut(pod as unknown as PodLike));

    expect(error).toBeInstanceOf(PssInputError);
    expect((error as Error).message).toBe(message);
  });

  it('rejects a pod that is not an object', () => {
    expect(() => sut(null as unknown as PodLike)).toThrow(new PssInputError('pod: expected an object, got null'));
  });

  it('ignores the types of fields it does not read, such as annotations Pod Security never looks at', () => {
    const pod = {
      metadata: { annotations: { replicas: 3 }, labels: { tier: 7 } },
      spec: { containers: [{ name: 'app', env: 'not-a-list', resources: 12 }] },
    } as unknown as PodLike;

    expect(sut(pod)).toStrictEqual({ metadata: {}, spec: { containers: [{ name: 'app' }] } });
  });
});
