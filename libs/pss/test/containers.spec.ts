import { describe, expect, it } from '@jest/globals';

import { evaluatePod } from '../src/index.js';
import { createContainer, createPod, createRestrictedContainer, createRestrictedPod } from './support/pod.factory.js';

const sut = evaluatePod;

describe('container visit order', () => {
  // Keys deliberately out of order: upstream's visitContainers, not the object, fixes the order.
  const pod = createPod({
    ephemeralContainers: [createContainer('debug', { securityContext: { privileged: true } })],
    containers: [createContainer('app', { securityContext: { privileged: true } })],
    initContainers: [createContainer('init', { securityContext: { privileged: true } })],
  });

  it('names init, then regular, then ephemeral containers at baseline', () => {
    const evaluation = sut(pod, 'baseline', 'latest');

    expect(evaluation.forbiddenReason).toBe('privileged');
    expect(evaluation.forbiddenDetail).toBe(
      'privileged (containers "init", "app", "debug" must not set securityContext.privileged=true)',
    );
  });

  it('names them in the same order in every restricted check', () => {
    const bare = createPod({
      ephemeralContainers: [createContainer('debug')],
      containers: [createContainer('app')],
      initContainers: [createContainer('init')],
    });

    const evaluation = sut(bare, 'restricted', 'latest');

    expect(evaluation.forbiddenReason).toBe(
      'allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
    );
    expect(evaluation.forbiddenDetail).toBe(
      'allowPrivilegeEscalation != false (containers "init", "app", "debug" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (containers "init", "app", "debug" must set securityContext.capabilities.drop=["ALL"]), ' +
        'runAsNonRoot != true (pod or containers "init", "app", "debug" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or containers "init", "app", "debug" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  it('checks an ephemeral container on its own', () => {
    const pod = createRestrictedPod({
      ephemeralContainers: [createRestrictedContainer('debugger', { capabilities: { add: ['SYS_PTRACE'], drop: ['ALL'] } })],
    });

    expect(sut(pod, 'baseline', 'latest').forbiddenDetail).toBe(
      'non-default capabilities (container "debugger" must not include "SYS_PTRACE" in securityContext.capabilities.add)',
    );
    expect(sut(pod, 'restricted', 'latest').forbiddenDetail).toBe(
      'unrestricted capabilities (container "debugger" must not include "SYS_PTRACE" in securityContext.capabilities.add)',
    );
  });

  it('reads the seccomp annotation named after an ephemeral container before v1.19', () => {
    const pod = createPod(
      { containers: [createContainer('app')], ephemeralContainers: [createContainer('debug')] },
      {
        annotations: {
          'container.seccomp.security.alpha.kubernetes.io/debug': 'unconfined',
          // Names no container, so upstream never looks it up.
          'container.seccomp.security.alpha.kubernetes.io/gone': 'unconfined',
        },
      },
    );

    expect(sut(pod, 'baseline', 'v1.18').forbiddenDetail).toBe(
      'seccompProfile (forbidden annotation container.seccomp.security.alpha.kubernetes.io/debug="unconfined")',
    );
  });
});

describe('several offending containers', () => {
  it('lists only the offenders, in visit order, with a plural', () => {
    const pod = createRestrictedPod({
      initContainers: [createRestrictedContainer('init', { runAsUser: 0 })],
      containers: [createRestrictedContainer('a'), createRestrictedContainer('b', { runAsUser: 0 })],
    });

    expect(sut(pod, 'restricted', 'latest').forbiddenDetail).toBe(
      'runAsUser=0 (containers "init", "b" must not set runAsUser=0)',
    );
  });

  it('reports missing drop ALL and forbidden adds as two parts joined with "; "', () => {
    const pod = createRestrictedPod({
      containers: [
        createContainer('a', { securityContext: { allowPrivilegeEscalation: false } }),
        createRestrictedContainer('b', { capabilities: { drop: ['ALL'], add: ['SYS_ADMIN', 'NET_BIND_SERVICE'] } }),
        createRestrictedContainer('c', { capabilities: { add: ['SYS_ADMIN', 'NET_RAW'] } }),
      ],
    });

    expect(sut(pod, 'restricted', 'latest').forbiddenDetail).toBe(
      'unrestricted capabilities (containers "a", "c" must set securityContext.capabilities.drop=["ALL"]; ' +
        'containers "b", "c" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)',
    );
    expect(sut(pod, 'baseline', 'latest').forbiddenDetail).toBe(
      'non-default capabilities (containers "b", "c" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)',
    );
  });

  it('validates pod and container seLinuxOptions independently and merges what they got wrong', () => {
    const pod = createRestrictedPod({
      securityContext: { seLinuxOptions: { type: 'spc_t', user: 'system_u' } },
      containers: [
        createRestrictedContainer('a', { seLinuxOptions: { role: 'system_r', level: 's0:c1,c2' } }),
        createRestrictedContainer('b', { seLinuxOptions: { type: 'container_engine_t' } }),
      ],
    });

    expect(sut(pod, 'baseline', 'v1.30').forbiddenDetail).toBe(
      'seLinuxOptions (pod and containers "a", "b" set forbidden securityContext.seLinuxOptions: ' +
        'types "container_engine_t", "spc_t"; user may not be set; role may not be set)',
    );
    expect(sut(pod, 'baseline', 'v1.31').forbiddenDetail).toBe(
      'seLinuxOptions (pod and container "a" set forbidden securityContext.seLinuxOptions: ' +
        'type "spc_t"; user may not be set; role may not be set)',
    );
  });

  it('names the pod before the containers that set hostProcess', () => {
    const pod = createPod({
      hostNetwork: true,
      securityContext: { windowsOptions: { hostProcess: true } },
      containers: [createContainer('a'), createContainer('b', { securityContext: { windowsOptions: { hostProcess: true } } })],
    });

    expect(sut(pod, 'baseline', 'latest').forbiddenDetail).toBe(
      'host namespaces (hostNetwork=true), ' +
        'hostProcess (pod and container "b" must not set securityContext.windowsOptions.hostProcess=true)',
    );
  });
});

describe('runAsNonRoot: pod-level versus container-level', () => {
  const withRunAsNonRoot = (pod: boolean | null, containers: Record<string, boolean | null>) =>
    createRestrictedPod({
      securityContext: { runAsNonRoot: pod },
      containers: Object.entries(containers).map(([name, value]) => createRestrictedContainer(name, { runAsNonRoot: value })),
    });

  it('lets a pod-level true cover containers that leave it unset', () => {
    expect(sut(withRunAsNonRoot(true, { a: null, b: null }), 'restricted', 'latest').allowed).toBe(true);
  });

  it('reports a container that sets false even when the pod sets true', () => {
    expect(sut(withRunAsNonRoot(true, { a: null, b: false }), 'restricted', 'latest').forbiddenDetail).toBe(
      'runAsNonRoot != true (container "b" must not set securityContext.runAsNonRoot=false)',
    );
  });

  it('reports a pod-level false ahead of the containers it leaves implicit', () => {
    expect(sut(withRunAsNonRoot(false, { a: null, b: true }), 'restricted', 'latest').forbiddenDetail).toBe(
      'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)',
    );
  });

  it('joins explicit pod and container violations with " and "', () => {
    expect(sut(withRunAsNonRoot(false, { a: false, b: false }), 'restricted', 'latest').forbiddenDetail).toBe(
      'runAsNonRoot != true (pod and containers "a", "b" must not set securityContext.runAsNonRoot=false)',
    );
  });

  it('hides implicit violations while an explicit one exists', () => {
    expect(sut(withRunAsNonRoot(null, { a: true, b: null, c: false }), 'restricted', 'latest').forbiddenDetail).toBe(
      'runAsNonRoot != true (container "c" must not set securityContext.runAsNonRoot=false)',
    );
  });

  it('names the containers that leave it unset when the pod does too', () => {
    expect(sut(withRunAsNonRoot(null, { a: null, b: true, c: null }), 'restricted', 'latest').forbiddenDetail).toBe(
      'runAsNonRoot != true (pod or containers "a", "c" must set securityContext.runAsNonRoot=true)',
    );
  });

  it('ignores runAsUser', () => {
    const pod = createRestrictedPod({ securityContext: { runAsNonRoot: null, runAsUser: 1000 } });

    expect(sut(pod, 'restricted', 'latest').forbiddenDetail).toBe(
      'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
    );
  });
});

describe('seccompProfile: pod-level versus container-level', () => {
  it('lets a valid pod profile cover containers that leave it unset', () => {
    const pod = createRestrictedPod({ containers: [createRestrictedContainer('a'), createRestrictedContainer('b')] });

    expect(sut(pod, 'restricted', 'latest').allowed).toBe(true);
  });

  it('names the unset containers when the pod has no profile', () => {
    const pod = createRestrictedPod({
      securityContext: { seccompProfile: null },
      containers: [
        createRestrictedContainer('a', { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/a.json' } }),
        createRestrictedContainer('b'),
      ],
    });

    expect(sut(pod, 'restricted', 'latest').forbiddenDetail).toBe(
      'seccompProfile (pod or container "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  it('reports a bad pod profile and bad container profiles together, with the types as a sorted set', () => {
    const pod = createRestrictedPod({
      securityContext: { seccompProfile: { type: 'Unconfined' } },
      containers: [createRestrictedContainer('a'), createRestrictedContainer('b', { seccompProfile: { type: 'Unconfined' } })],
    });

    expect(sut(pod, 'restricted', 'latest').forbiddenDetail).toBe(
      'seccompProfile (pod and container "b" must not set securityContext.seccompProfile.type to "Unconfined")',
    );
  });

  it('reports a container profile with no type as the empty type', () => {
    const pod = createRestrictedPod({
      containers: [
        createRestrictedContainer('a', { seccompProfile: { type: 'Unconfined' } }),
        createRestrictedContainer('b', { seccompProfile: {} }),
      ],
    });

    expect(sut(pod, 'restricted', 'latest').forbiddenDetail).toBe(
      'seccompProfile (containers "a", "b" must not set securityContext.seccompProfile.type to "", "Unconfined")',
    );
  });

  it('reports once at restricted, through the restricted check that replaces the baseline one', () => {
    const pod = createRestrictedPod({ securityContext: { seccompProfile: { type: 'Unconfined' } } });

    const baseline = sut(pod, 'baseline', 'latest');
    const restricted = sut(pod, 'restricted', 'latest');

    expect(baseline.checks.map((c) => c.id)).toEqual(['seccompProfile_baseline']);
    expect(restricted.checks.map((c) => c.id)).toEqual(['seccompProfile_restricted']);
    expect(restricted.forbiddenDetail).toBe(baseline.forbiddenDetail);
    expect(restricted.forbiddenDetail).toBe(
      'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    );
  });
});

describe('runAsUser: pod-level versus container-level', () => {
  it('does not let a non-zero container value excuse a pod-level 0', () => {
    const pod = createRestrictedPod({
      securityContext: { runAsUser: 0 },
      containers: [createRestrictedContainer('app', { runAsUser: 1000 })],
    });

    expect(sut(pod, 'restricted', 'latest').forbiddenDetail).toBe('runAsUser=0 (pod must not set runAsUser=0)');
  });

  it('names the pod and then the containers that set 0', () => {
    const pod = createRestrictedPod({
      securityContext: { runAsUser: 0 },
      containers: [
        createRestrictedContainer('a', { runAsUser: 0 }),
        createRestrictedContainer('b', { runAsUser: 1000 }),
        createRestrictedContainer('c', { runAsUser: 0 }),
      ],
    });

    expect(sut(pod, 'restricted', 'latest').forbiddenDetail).toBe(
      'runAsUser=0 (pod and containers "a", "c" must not set runAsUser=0)',
    );
  });

  it('reports a container 0 under a non-zero pod value', () => {
    const pod = createRestrictedPod({
      securityContext: { runAsUser: 1000 },
      containers: [createRestrictedContainer('app', { runAsUser: 0 })],
    });

    expect(sut(pod, 'restricted', 'latest').forbiddenDetail).toBe('runAsUser=0 (container "app" must not set runAsUser=0)');
  });

  it('does not run before v1.23', () => {
    const pod = createRestrictedPod({ securityContext: { runAsUser: 0 } });

    expect(sut(pod, 'restricted', 'v1.22').allowed).toBe(true);
    expect(sut(pod, 'restricted', 'v1.23').forbiddenDetail).toBe('runAsUser=0 (pod must not set runAsUser=0)');
  });
});
