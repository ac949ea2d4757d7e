import { describe, expect, it } from '@jest/globals';

import type { PodLike, PodProjection, VolumeSourceName as PssVolumeSourceName } from '@ratchet/pss';
import { evaluatePodAllLevels, parseVersion, projectPod, projectionHash } from '@ratchet/pss';

import type { SecurityProjection, VolumeSourceName } from '../src/index.js';
import {
  ALLOWED_VOLUME_SOURCES,
  ProjectionContent,
  ProjectionHash,
  RESTRICTED_VOLUME_SOURCES,
  SecurityProjection as SecurityProjectionSchema,
} from '../src/index.js';
import { loadFixtures } from '../../pss/test/support/fixtures.util.js';
import { issuePaths } from './support/issues.util.js';

// Compile-time: the schemas infer exactly libs/pss's projection types, field for field at every depth, so a
// field added to or dropped from `projectPod` fails `tsc` until the contract follows.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Deep<T> = T extends readonly (infer Item)[] ? Deep<Item>[] : T extends object ? { [K in keyof T]: Deep<T[K]> } : T;
const _sameProjection: Equal<Deep<SecurityProjection>, Deep<PodProjection>> = true;
const _sameVolumeSources: Equal<VolumeSourceName, PssVolumeSourceName> = true;

// Not annotated as PodLike: a real pod has fields PodLike does not name (blockOwnerDeletion, env, ...).
const RICH_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d9f8b6c5-x2x4z',
    namespace: 'demo',
    uid: '3c4d5e6f-7a8b-4c3d-ae4f-5a6b7c8d9e0f',
    labels: { app: 'web' },
    annotations: {
      'container.apparmor.security.beta.kubernetes.io/web': 'runtime/default',
      'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default',
      'container.seccomp.security.alpha.kubernetes.io/init': 'localhost/profile.json',
      'kubectl.kubernetes.io/last-applied-configuration': '{"secret":"stays home"}',
    },
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web-7d9f8b6c5',
        uid: '2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  },
  spec: {
    hostNetwork: true,
    hostPID: false,
    hostIPC: false,
    hostUsers: false,
    os: { name: 'linux' },
    automountServiceAccountToken: false,
    serviceAccountName: 'web',
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 3000,
      fsGroup: 2000,
      seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/web.json' },
      seLinuxOptions: { type: 'container_t', level: 's0:c123,c456', user: 'system_u', role: 'system_r' },
      appArmorProfile: { type: 'RuntimeDefault' },
      windowsOptions: { hostProcess: false, runAsUserName: 'web' },
      sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }],
      supplementalGroups: [4000],
    },
    volumes: [
      { name: 'config', configMap: { name: 'web-config' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'web-data' } },
      { name: 'host', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } },
      { name: 'nfs', nfs: { server: 'nfs.internal', path: '/exports' } },
      { name: 'scratch' },
    ],
    initContainers: [
      {
        name: 'init',
        image: 'busybox:1.36',
        command: ['sh', '-c', 'echo hi'],
        securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'], drop: [] }, procMount: 'Unmasked' },
      },
    ],
    containers: [
      {
        name: 'web',
        image: 'registry.example.com/web@sha256:' + 'c'.repeat(64),
        env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
        ports: [
          { containerPort: 8080, hostPort: 8080, protocol: 'TCP' },
          { containerPort: 9090, name: 'metrics' },
        ],
        resources: { limits: { cpu: '1' } },
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          runAsUser: 1000,
          runAsGroup: 3000,
          seccompProfile: { type: 'RuntimeDefault' },
          seLinuxOptions: { type: 'container_kvm_t' },
          appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-web' },
          windowsOptions: { hostProcess: false },
        },
        livenessProbe: { httpGet: { host: '10.0.0.1', path: '/healthz', port: 8080 } },
        readinessProbe: { tcpSocket: { port: 8080 } },
        startupProbe: { tcpSocket: { host: 'localhost', port: 8080 } },
        lifecycle: { preStop: { httpGet: { host: 'example.com', path: '/drain', port: 80 } }, postStart: { exec: { command: ['true'] } } },
        volumeMounts: [
          { name: 'config', mountPath: '/etc/web', readOnly: true },
          { name: 'data', mountPath: '/data', subPath: 'web' },
        ],
      },
    ],
    ephemeralContainers: [{ name: 'debugger', image: 'busybox', targetContainerName: 'web', stdin: true }],
  },
};

function contentOf(projection: PodProjection): ProjectionContent {
  const { annotations } = projection.metadata;
  return { metadata: annotations === undefined ? {} : { annotations }, spec: projection.spec };
}

describe('SecurityProjection', () => {
  it('parses projectPod output for a rich pod unchanged', () => {
    const projection = projectPod(RICH_POD);
    expect(SecurityProjectionSchema.parse(projection)).toEqual(projection);
    // The pod really was rich: the projection reaches every part of the schema it should.
    expect(projection.metadata.ownerReferences).toHaveLength(1);
    expect(Object.keys(projection.metadata.annotations ?? {})).toHaveLength(3);
    expect(projection.spec.volumes?.map((volume) => Object.keys(volume).sort())).toEqual([
      ['configMap', 'name'],
      ['name', 'persistentVolumeClaim'],
      ['hostPath', 'name'],
      ['name', 'nfs'],
      ['name'],
    ]);
    expect(projection.spec.containers?.[0]?.ports).toEqual([{ containerPort: 8080, hostPort: 8080 }]);
  });

  it('evaluates like the pod it came from once parsed', () => {
    const parsed: PodLike = SecurityProjectionSchema.parse(projectPod(RICH_POD));
    const latest = parseVersion('latest');
    expect(evaluatePodAllLevels(parsed, latest)).toEqual(evaluatePodAllLevels(RICH_POD, latest));
  });

  it('parses projectPod output with each volume source', () => {
    const sources = [...ALLOWED_VOLUME_SOURCES, ...RESTRICTED_VOLUME_SOURCES];
    const pod = { spec: { volumes: sources.map((source) => ({ name: source.toLowerCase(), [source]: { a: 1 } })) } };
    const projection = projectPod(pod);
    expect(projection.spec.volumes).toHaveLength(sources.length);
    expect(SecurityProjectionSchema.parse(projection)).toEqual(projection);
  });

  it('carries a volume source libs/pss does not know, so the worker reaches the agent\'s verdict', () => {
    const pod = {
      metadata: { name: 'future' },
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
        volumes: [{ name: 'v', futureSource: { driver: 'x' } }],
      },
    };
    const parsed: PodLike = SecurityProjectionSchema.parse(projectPod(pod));
    const latest = parseVersion('latest');

    expect(evaluatePodAllLevels(parsed, latest)).toEqual(evaluatePodAllLevels(pod, latest));
    expect(evaluatePodAllLevels(parsed, latest).restricted.forbiddenDetail).toBe(
      'restricted volume types (volume "v" uses restricted volume type "unknown")',
    );
  });

  it('rejects unknownSources that name a known source, are unsorted or are not field names', () => {
    const bad = {
      metadata: {},
      spec: {
        volumes: [
          { name: 'a', unknownSources: ['emptyDir'] },
          { name: 'b', unknownSources: ['zeta', 'alpha'] },
          { name: 'c', unknownSources: ['not a field'] },
          { name: 'd', unknownSources: [] },
        ],
      },
    };
    expect(issuePaths(SecurityProjectionSchema, bad)).toEqual([
      'spec.volumes[0].unknownSources',
      'spec.volumes[1].unknownSources',
      'spec.volumes[2].unknownSources[0]',
      'spec.volumes[3].unknownSources',
    ]);
  });

  it('parses the content of every upstream conformance fixture projection unchanged', () => {
    const failures = loadFixtures().flatMap((fixture) => {
      const content = contentOf(projectPod(fixture.pod));
      const result = ProjectionContent.safeParse(content);
      if (!result.success) return [`${fixture.file}: ${result.error.message}`];
      return JSON.stringify(result.data) === JSON.stringify(content) ? [] : [`${fixture.file}: changed by parsing`];
    });
    expect(failures).toEqual([]);
  });

  it('rejects fields that are not part of the projection, with their path', () => {
    const projection = projectPod(RICH_POD);
    const web = projection.spec.containers![0]!;
    const bad = {
      metadata: { ...projection.metadata, labels: { app: 'web' } },
      spec: { ...projection.spec, containers: [{ ...web, command: ['sh'] }], volumes: [{ name: 'c', configMap: { name: 'x' } }] },
    };
    expect(issuePaths(SecurityProjectionSchema, bad)).toEqual([
      'metadata.labels',
      'spec.volumes[0].configMap.name',
      'spec.containers[0].command',
    ]);
  });

  it('rejects annotations Pod Security does not read', () => {
    const bad = { metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } }, spec: {} };
    expect(issuePaths(SecurityProjectionSchema, bad)).toEqual(['metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]']);
  });

  it('rejects wrong types and a zero hostPort', () => {
    const bad = {
      metadata: {},
      spec: {
        hostNetwork: 'true',
        containers: [{ name: 'web', securityContext: { runAsUser: '0' }, ports: [{ containerPort: 80, hostPort: 0 }] }],
      },
    };
    expect(issuePaths(SecurityProjectionSchema, bad)).toEqual([
      'spec.hostNetwork',
      'spec.containers[0].securityContext.runAsUser',
      'spec.containers[0].ports[0].hostPort',
    ]);
  });
});

describe('ProjectionHash', () => {
  it('accepts what projectionHash computes', () => {
    expect(ProjectionHash.safeParse(projectionHash(projectPod(RICH_POD))).success).toBe(true);
  });

  it('is shared by content without identity', () => {
    const projection = projectPod(RICH_POD);
    expect(ProjectionContent.safeParse(contentOf(projection)).success).toBe(true);
    expect(issuePaths(ProjectionContent, projection)).toEqual([
      'metadata.name',
      'metadata.namespace',
      'metadata.uid',
      'metadata.ownerReferences',
    ]);
  });
});
