import { describe, expect, it } from '@jest/globals';

import { evaluatePod } from '../src/index.js';
import { createContainer, createPod, createRestrictedContainer, createRestrictedPod } from './support/pod.factory.js';

const sut = evaluatePod;
const APPARMOR = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER = 'container.seccomp.security.alpha.kubernetes.io/';

// Expected strings are written with String.raw so that every backslash is one Go %q printed.
describe('AppArmor annotations and fields', () => {
  it('lists bad field types as a sorted set, then the bad annotations sorted, each quoted again', () => {
    const pod = createPod(
      {
        securityContext: { appArmorProfile: { type: 'Unconfined' } },
        containers: [
          createContainer('app', { securityContext: { appArmorProfile: { type: 'Unconfined' } } }),
          createContainer('ok', { securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-ok' } } }),
        ],
      },
      {
        annotations: {
          [`${APPARMOR}c`]: 'say "hi"\\',
          [`${APPARMOR}a`]: 'unconfined',
          [`${APPARMOR}b`]: 'localhost/k8s-ok',
          [`${APPARMOR}d`]: '',
          [`${APPARMOR}e`]: 'runtime/default',
          'example.com/unrelated': 'unconfined',
        },
      },
    );

    const evaluation = sut(pod, 'baseline', 'latest');

    expect(evaluation.forbiddenReason).toBe('forbidden AppArmor profiles');
    expect(evaluation.forbiddenDetail).toBe(
      String.raw`forbidden AppArmor profiles (pod and container "app" and annotations must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/a="unconfined"", "container.apparmor.security.beta.kubernetes.io/c="say \"hi\"\\"")`,
    );
  });

  it('uses the singular for a single bad annotation, whatever container it names', () => {
    const pod = createPod({ containers: [createContainer('app')] }, { annotations: { [`${APPARMOR}nobody`]: 'unconfined' } });

    expect(sut(pod, 'baseline', 'latest').forbiddenDetail).toBe(
      'forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/nobody="unconfined"")',
    );
  });

  it('counts distinct bad types for the plural', () => {
    const pod = createPod({
      securityContext: { appArmorProfile: { type: 'Unconfined' } },
      containers: [createContainer('app', { securityContext: { appArmorProfile: { type: 'Bogus' } } })],
    });

    expect(sut(pod, 'baseline', 'latest').forbiddenDetail).toBe(
      'forbidden AppArmor profiles (pod and container "app" must not set AppArmor profile type to "Bogus", "Unconfined")',
    );
  });

  it('escapes annotation values as Go %q does', () => {
    const value = 'line1\nline2\tcafé 日本 \u0000\u001b\u007f\u00a0\u2028😀';
    const pod = createPod({ containers: [createContainer('app')] }, { annotations: { [`${APPARMOR}app`]: value } });

    expect(sut(pod, 'restricted', 'v1.0').forbiddenDetail).toBe(
      String.raw`forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="line1\nline2\tcafé 日本 \x00\x1b\x7f\u00a0\u2028😀""), ` +
        'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
    );
  });
});

describe('seccomp annotations before v1.19', () => {
  const annotatedPod = createRestrictedPod({
    initContainers: [createRestrictedContainer('b')],
    containers: [createRestrictedContainer('a'), createRestrictedContainer('c'), createRestrictedContainer('d')],
    metadata: {
      annotations: {
        [SECCOMP_POD]: 'unconfined',
        [`${SECCOMP_CONTAINER}a`]: 'localhost/profile.json',
        [`${SECCOMP_CONTAINER}b`]: 'café\u0000\u001b\u007f"\\',
        [`${SECCOMP_CONTAINER}c`]: 'docker/default',
        [`${SECCOMP_CONTAINER}d`]: 'runtime/default',
      },
    },
  });
  const detail = String.raw`seccompProfile (forbidden annotations container.seccomp.security.alpha.kubernetes.io/b="café\x00\x1b\x7f\"\\", seccomp.security.alpha.kubernetes.io/pod="unconfined")`;

  it('lists the bad annotations sorted, with Go %q values and no extra quoting', () => {
    expect(sut(annotatedPod, 'baseline', 'v1.18').forbiddenDetail).toBe(detail);
  });

  it('still runs the annotation check at restricted up to v1.18', () => {
    const evaluation = sut(annotatedPod, 'restricted', 'v1.18');

    expect(evaluation.checks.map((c) => c.id)).toEqual(['seccompProfile_baseline']);
    expect(evaluation.forbiddenDetail).toBe(detail);
  });

  it('ignores annotations from v1.19, at both levels', () => {
    expect(sut(annotatedPod, 'baseline', 'v1.19').allowed).toBe(true);
    expect(sut(annotatedPod, 'restricted', 'v1.19').allowed).toBe(true);
  });

  it('rejects an empty value, unlike AppArmor', () => {
    const pod = createPod({ containers: [createContainer('app')] }, { annotations: { [SECCOMP_POD]: '' } });

    expect(sut(pod, 'baseline', 'v1.0').forbiddenDetail).toBe(
      'seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="")',
    );
  });
});
