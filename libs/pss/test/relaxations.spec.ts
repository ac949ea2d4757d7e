import { describe, expect, it } from '@jest/globals';

import { evaluatePod } from '../src/index.js';
import { createContainer, createPod, createRestrictedContainer, createRestrictedPod } from './support/pod.factory.js';

const sut = evaluatePod;

describe('Windows pods (spec.os.name: windows)', () => {
  // Upstream's base_windows fixture: the v1.0 restricted pod (only runAsNonRoot) on Windows.
  const windowsPod = (osName = 'windows') =>
    createPod({ os: { name: osName }, securityContext: { runAsNonRoot: true }, containers: [createContainer('app')] });
  const linuxOnlyFailures =
    'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ' +
    'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), ' +
    'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

  it('is not relaxed at v1.24', () => {
    const evaluation = sut(windowsPod(), 'restricted', 'v1.24');

    expect(evaluation.checks.map((c) => c.id)).toEqual([
      'allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted',
    ]);
    expect(evaluation.forbiddenDetail).toBe(linuxOnlyFailures);
  });

  it.each(['v1.25', 'v1.26', 'v1.27', 'v1.28', 'v1.29', 'latest', 'v1.40'])(
    'may omit allowPrivilegeEscalation, capabilities and seccomp at %s',
    (version) => {
      expect(sut(windowsPod(), 'restricted', version).allowed).toBe(true);
    },
  );

  it.each(['linux', 'Windows'])('is only relaxed for exactly "windows", not %j', (osName) => {
    expect(sut(windowsPod(osName), 'restricted', 'v1.25').forbiddenDetail).toBe(linuxOnlyFailures);
  });

  it('still needs runAsNonRoot and a non-zero runAsUser', () => {
    const pod = createPod({ os: { name: 'windows' }, securityContext: { runAsUser: 0 }, containers: [createContainer('app')] });

    expect(sut(pod, 'restricted', 'latest').forbiddenDetail).toBe(
      'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ' +
        'runAsUser=0 (pod must not set runAsUser=0)',
    );
  });

  it('passes restricted but not baseline with a bad seccomp type or added capability, since restricted overrides those baseline checks', () => {
    const pod = createPod({
      os: { name: 'windows' },
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } },
      containers: [createContainer('app', { securityContext: { capabilities: { add: ['SYS_ADMIN'] } } })],
    });

    expect(sut(pod, 'restricted', 'latest').allowed).toBe(true);
    expect(sut(pod, 'baseline', 'latest').forbiddenDetail).toBe(
      'non-default capabilities (container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add), ' +
        'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    );
  });
});

describe('user-namespaced pods (hostUsers: false)', () => {
  const userNamespacedPod = (hostUsers: boolean | null) =>
    createRestrictedPod({
      hostUsers,
      securityContext: { runAsNonRoot: null, runAsUser: 0 },
      containers: [createRestrictedContainer('app', { procMount: 'Unmasked' })],
    });
  const procMountDetail = 'procMount (container "app" must not set securityContext.procMount to "Unmasked")';
  const allThreeDetails =
    `${procMountDetail}, ` +
    'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ' +
    'runAsUser=0 (pod must not set runAsUser=0)';

  it('gets no relaxation at v1.34', () => {
    const pod = userNamespacedPod(false);

    expect(sut(pod, 'baseline', 'v1.34').forbiddenDetail).toBe(procMountDetail);
    const restricted = sut(pod, 'restricted', 'v1.34');
    expect(restricted.checks.map((c) => c.id)).toEqual(['procMount', 'runAsNonRoot', 'runAsUser']);
    expect(restricted.forbiddenDetail).toBe(allThreeDetails);
  });

  it.each(['v1.35', 'latest'])('relaxes runAsNonRoot, runAsUser and baseline procMount at %s', (version) => {
    const pod = userNamespacedPod(false);

    expect(sut(pod, 'baseline', version).allowed).toBe(true);
    const restricted = sut(pod, 'restricted', version);
    expect(restricted.checks.map((c) => c.id)).toEqual(['procMount_restricted']);
    expect(restricted.forbiddenDetail).toBe(procMountDetail);
  });

  it('allows explicit runAsNonRoot=false and runAsUser=0 from v1.35', () => {
    const pod = createRestrictedPod({
      hostUsers: false,
      securityContext: { runAsNonRoot: false },
      containers: [createRestrictedContainer('app', { runAsUser: 0 })],
    });

    expect(sut(pod, 'restricted', 'v1.34').forbiddenDetail).toBe(
      'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false), ' +
        'runAsUser=0 (container "app" must not set runAsUser=0)',
    );
    expect(sut(pod, 'restricted', 'v1.35').allowed).toBe(true);
  });

  it.each([true, null])('relaxes nothing when hostUsers is %p', (hostUsers) => {
    const pod = userNamespacedPod(hostUsers);

    expect(sut(pod, 'baseline', 'v1.35').forbiddenDetail).toBe(procMountDetail);
    const restricted = sut(pod, 'restricted', 'v1.35');
    expect(restricted.checks.map((c) => c.id)).toEqual(['procMount_restricted', 'runAsNonRoot', 'runAsUser']);
    expect(restricted.forbiddenDetail).toBe(allThreeDetails);
  });
});
