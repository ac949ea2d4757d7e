import { describe, expect, it } from '@jest/globals';

import type { CheckFailure, Level } from '../src/index.js';
import {
  CHECK_IDS,
  PssInputError,
  aggregate,
  evaluatePod,
  parseVersion,
  policyString,
  violationMessage,
} from '../src/index.js';
import { createContainer, createPod, createRestrictedPod } from './support/pod.factory.js';

const sut = evaluatePod;

// Fails five baseline checks and, at restricted, five more; expected strings follow policy/check_*.go.
const kitchenSinkPod = createPod({
  hostNetwork: true,
  hostPID: true,
  securityContext: {
    runAsUser: 0,
    sysctls: [{ name: 'kernel.msgmax' }, { name: 'net.ipv4.tcp_syncookies' }, { name: 'kernel.msgmax' }],
  },
  volumes: [{ name: 'host', hostPath: { path: '/' } }],
  containers: [
    createContainer('app', { ports: [{ containerPort: 80, hostPort: 8080 }], securityContext: { privileged: true } }),
  ],
});

describe('evaluatePod result order and aggregation', () => {
  it('lists baseline checks sorted bytewise, then restricted checks sorted bytewise', () => {
    expect(CHECK_IDS).toEqual([
      'appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPathVolumes', 'hostPorts',
      'hostProbesAndHostLifecycle', 'privileged', 'procMount', 'seLinuxOptions', 'seccompProfile_baseline', 'sysctls',
      'windowsHostProcess', 'allowPrivilegeEscalation', 'capabilities_restricted', 'procMount_restricted',
      'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted',
    ]);
  });

  it('joins several failing baseline checks in result order', () => {
    const evaluation = sut(kitchenSinkPod, 'baseline', 'latest');

    expect(evaluation.allowed).toBe(false);
    expect(evaluation.checks.map((c) => c.id)).toEqual(['hostNamespaces', 'hostPathVolumes', 'hostPorts', 'privileged', 'sysctls']);
    expect(evaluation.forbiddenReason).toBe('host namespaces, hostPath volumes, hostPort, privileged, forbidden sysctls');
    expect(evaluation.forbiddenDetail).toBe(
      'host namespaces (hostNetwork=true, hostPID=true), ' +
        'hostPath volumes (volume "host"), ' +
        'hostPort (container "app" uses hostPort 8080), ' +
        'privileged (container "app" must not set securityContext.privileged=true), ' +
        'forbidden sysctls (kernel.msgmax, kernel.msgmax)',
    );
  });

  it('interleaves the baseline checks restricted keeps with the restricted ones, in result order', () => {
    const evaluation = sut(kitchenSinkPod, 'restricted', 'latest');

    expect(evaluation.checks.map((c) => c.id)).toEqual([
      'hostNamespaces', 'hostPorts', 'privileged', 'sysctls', 'allowPrivilegeEscalation', 'capabilities_restricted',
      'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted',
    ]);
    expect(evaluation.forbiddenReason).toBe(
      'host namespaces, hostPort, privileged, forbidden sysctls, allowPrivilegeEscalation != false, ' +
        'unrestricted capabilities, restricted volume types, runAsNonRoot != true, runAsUser=0, seccompProfile',
    );
    expect(evaluation.forbiddenDetail).toBe(
      'host namespaces (hostNetwork=true, hostPID=true), ' +
        'hostPort (container "app" uses hostPort 8080), ' +
        'privileged (container "app" must not set securityContext.privileged=true), ' +
        'forbidden sysctls (kernel.msgmax, kernel.msgmax), ' +
        'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), ' +
        'restricted volume types (volume "host" uses restricted volume type "hostPath"), ' +
        'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ' +
        'runAsUser=0 (pod must not set runAsUser=0), ' +
        'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });
});

describe('aggregate', () => {
  const failure = (id: CheckFailure['id'], reason: string, detail: string): CheckFailure => ({ id, reason, detail });

  it('writes an empty reason as "unknown forbidden reason", with or without a detail', () => {
    const evaluation = aggregate('baseline', 'v1.30', [
      failure('privileged', '', 'container "a" must not set securityContext.privileged=true'),
      failure('sysctls', 'forbidden sysctls', ''),
      failure('hostPorts', '', ''),
    ]);

    expect(evaluation).toMatchObject({ level: 'baseline', version: 'v1.30', allowed: false });
    expect(evaluation.forbiddenReason).toBe('unknown forbidden reason, forbidden sysctls, unknown forbidden reason');
    expect(evaluation.forbiddenDetail).toBe(
      'unknown forbidden reason (container "a" must not set securityContext.privileged=true), ' +
        'forbidden sysctls, unknown forbidden reason',
    );
  });

  it('allows when nothing failed', () => {
    expect(aggregate('restricted', 'latest', [])).toEqual({
      level: 'restricted',
      version: 'latest',
      allowed: true,
      forbiddenReason: '',
      forbiddenDetail: '',
      checks: [],
    });
  });
});

describe('evaluatePod versions', () => {
  const barePod = createPod({ containers: [createContainer('app')] });

  it.each([
    ['v1.0', ['runAsNonRoot']],
    ['v1.7', ['runAsNonRoot']],
    ['v1.8', ['allowPrivilegeEscalation', 'runAsNonRoot']],
    ['v1.19', ['allowPrivilegeEscalation', 'runAsNonRoot', 'seccompProfile_restricted']],
    ['v1.22', ['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted']],
  ])('runs only the restricted checks registered at %s', (version, ids) => {
    expect(sut(barePod, 'restricted', version).checks.map((c) => c.id)).toEqual(ids);
  });

  it('runs the v1.0 checks at v1.0', () => {
    expect(sut(barePod, 'restricted', 'v1.0').forbiddenDetail).toBe(
      'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
    );
  });

  it('clamps latest and versions above v1.37 to v1.37 but reports the requested version', () => {
    const reference = sut(kitchenSinkPod, 'restricted', 'v1.37');

    for (const version of ['latest', 'v1.38', 'v1.40', 'v1.1000']) {
      const evaluation = sut(kitchenSinkPod, 'restricted', version);
      expect(evaluation.checks).toEqual(reference.checks);
      expect(evaluation.forbiddenDetail).toBe(reference.forbiddenDetail);
      expect(evaluation.version).toBe(version);
    }
    expect(violationMessage(sut(kitchenSinkPod, 'restricted', 'v1.40'))).toBe(
      `would violate PodSecurity "restricted:v1.40": ${reference.forbiddenDetail}`,
    );
  });

  it('accepts a parsed version and keeps its label', () => {
    expect(sut(kitchenSinkPod, 'baseline', parseVersion('v1.40')).version).toBe('v1.40');
  });

  it('applies the sysctl allow-list of the requested version', () => {
    const pod = createRestrictedPod({ securityContext: { sysctls: [{ name: 'net.ipv4.tcp_notsent_lowat', value: '16384' }] } });

    expect(sut(pod, 'baseline', 'v1.36').forbiddenDetail).toBe('forbidden sysctls (net.ipv4.tcp_notsent_lowat)');
    expect(sut(pod, 'baseline', 'v1.37').allowed).toBe(true);
    expect(sut(pod, 'restricted', 'latest').allowed).toBe(true);
  });

  it.each([
    ['v0.9', 'invalid version "v0.9": Pod Security versions start at v1.0'],
    ['v1.01', 'invalid version "v1.01": must be "latest" or "v1.<minor>", e.g. v1.30'],
    ['v2.0', 'invalid version "v2.0": must be "latest" or "v1.<minor>", e.g. v1.30'],
    ['1.25', 'invalid version "1.25": must be "latest" or "v1.<minor>", e.g. v1.30'],
    ['v1.', 'invalid version "v1.": must be "latest" or "v1.<minor>", e.g. v1.30'],
    ['', 'invalid version "": must be "latest" or "v1.<minor>", e.g. v1.30'],
  ])('rejects %j with PssInputError', (version, message) => {
    for (const level of ['privileged', 'baseline', 'restricted'] as const) {
      const evaluate = () => sut(kitchenSinkPod, level, version);
      expect(evaluate).toThrow(PssInputError);
      expect(evaluate).toThrow(message);
    }
  });

  it('rejects an unknown level with PssInputError', () => {
    expect(() => sut(kitchenSinkPod, 'admin' as Level, 'latest')).toThrow(
      new PssInputError('invalid level "admin": must be one of privileged, baseline, restricted'),
    );
  });
});

describe('evaluatePod at privileged', () => {
  it.each(['latest', 'v1.0', 'v1.25', 'v1.40'])('allows anything at %s', (version) => {
    expect(sut(kitchenSinkPod, 'privileged', version)).toEqual({
      level: 'privileged',
      version,
      allowed: true,
      forbiddenReason: '',
      forbiddenDetail: '',
      checks: [],
    });
  });
});

describe('violationMessage', () => {
  // Copied byte for byte from SEMANTICS.md §6: pod "web" created where enforce=baseline and audit=restricted.
  const exampleAnnotations = JSON.parse(String.raw`{"pod-security.kubernetes.io/enforce-policy":"baseline:latest",
  "pod-security.kubernetes.io/audit-violations":"would violate PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"web\" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \"web\" must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or container \"web\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container \"web\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"}`) as Record<string, string>;
  const webPod = createPod({ containers: [createContainer('web', { image: 'nginx' })] }, { name: 'web', namespace: 'demo' });

  it('reproduces the audit annotation of the documented audit event', () => {
    const audit = sut(webPod, 'restricted', 'latest');

    expect(violationMessage(audit)).toBe(exampleAnnotations['pod-security.kubernetes.io/audit-violations']);
  });

  it('allows the same pod under the enforce policy, named as upstream prints it', () => {
    expect(sut(webPod, 'baseline', 'latest').allowed).toBe(true);
    expect(policyString('baseline', 'latest')).toBe(exampleAnnotations['pod-security.kubernetes.io/enforce-policy']);
  });
});
