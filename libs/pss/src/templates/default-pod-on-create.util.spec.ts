import { describe, expect, it } from '@jest/globals';

import type { PodLike } from '../index.js';
import { PssInputError, evaluatePod } from '../index.js';
import { createContainer, createPod } from '../../test/support/pod.factory.js';
import { extractPodTemplates } from './extract-pod-templates.js';
import { defaultPodOnCreate as sut, defaultTemplateOnCreate } from './default-pod-on-create.util.js';

const APPARMOR_APP = 'container.apparmor.security.beta.kubernetes.io/app';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

// d1 of the public reports: a Pod with only the deprecated AppArmor annotation.
const annotatedPod = (): PodLike => createPod({ containers: [createContainer('app')] }, { annotations: { [APPARMOR_APP]: 'unconfined' } });

describe('defaultPodOnCreate: AppArmor', () => {
  it('copies the annotation into the container field from 1.30, so Pod Security names both', () => {
    const pod = sut(deepFreeze(annotatedPod()), 'latest');

    expect(pod.spec?.containers?.[0]?.securityContext?.appArmorProfile).toEqual({ type: 'Unconfined' });
    expect(evaluatePod(pod, 'baseline', 'latest').forbiddenDetail).toBe(
      'forbidden AppArmor profiles (container "app" and annotation must not set AppArmor profile type to ' +
        '"Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined"")',
    );
  });

  it('leaves the pod alone on a 1.29 apiserver, which has no field yet', () => {
    const pod = annotatedPod();

    expect(sut(pod, 'v1.29')).toBe(pod);
    expect(evaluatePod(pod, 'baseline', 'latest').forbiddenDetail).toBe(
      'forbidden AppArmor profile (annotation must not set AppArmor profile type to ' +
        '"container.apparmor.security.beta.kubernetes.io/app="unconfined"")',
    );
  });

  it('keeps a field the container already sets, and does not copy a profile the pod level already gives', () => {
    const pod = createPod(
      {
        securityContext: { appArmorProfile: { type: 'Unconfined' } },
        containers: [createContainer('app'), createContainer('web', { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } })],
      },
      { annotations: { [APPARMOR_APP]: 'unconfined', 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' } },
    );

    expect(sut(pod, 'latest')).toBe(pod);
  });

  it('copies the field into a missing annotation on 1.30-1.33 only', () => {
    const pod = createPod({ securityContext: { appArmorProfile: { type: 'Unconfined' } }, containers: [createContainer('app')] });

    expect(sut(pod, 'v1.33').metadata?.annotations).toEqual({ [APPARMOR_APP]: 'unconfined' });
    expect(evaluatePod(sut(pod, 'v1.33'), 'baseline', 'latest').forbiddenDetail).toBe(
      'forbidden AppArmor profiles (pod and annotation must not set AppArmor profile type to ' +
        '"Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined"")',
    );
    expect(sut(pod, 'v1.34')).toBe(pod);
  });

  it('skips Windows pods, as upstream does', () => {
    const pod = createPod({ os: { name: 'windows' }, containers: [createContainer('app')] }, { annotations: { [APPARMOR_APP]: 'unconfined' } });

    expect(sut(pod, 'latest')).toBe(pod);
  });
});

describe('defaultPodOnCreate: seccomp', () => {
  const annotated = createPod({ containers: [createContainer('app')] }, { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } });

  it('copies a seccomp annotation into the field on 1.19-1.26, which baseline at v1.19+ then reads', () => {
    const pod = sut(annotated, 'v1.26');

    expect(pod.spec?.securityContext?.seccompProfile).toEqual({ type: 'Unconfined' });
    expect(evaluatePod(pod, 'baseline', 'latest').forbiddenDetail).toBe(
      'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    );
    expect(sut(annotated, 'v1.27')).toBe(annotated);
  });

  it('copies a container field into a missing annotation on 1.19-1.24, which baseline before v1.19 reads', () => {
    const pod = createPod({ containers: [createContainer('app', { securityContext: { seccompProfile: { type: 'Unconfined' } } })] });

    expect(evaluatePod(sut(pod, 'v1.24'), 'baseline', 'v1.18').forbiddenDetail).toBe(
      'seccompProfile (forbidden annotation container.seccomp.security.alpha.kubernetes.io/app="unconfined")',
    );
    expect(sut(pod, 'v1.25')).toBe(pod);
  });
});

describe('defaultPodOnCreate: hostPorts', () => {
  it('fills in hostPort from containerPort under hostNetwork on every release', () => {
    const pod = createPod({ hostNetwork: true, containers: [createContainer('app', { ports: [{ containerPort: 9443 }] })] });

    expect(sut(pod, 'v1.22').spec?.containers?.[0]?.ports).toEqual([{ containerPort: 9443, hostPort: 9443 }]);
  });
});

describe('defaultTemplateOnCreate', () => {
  const template = createPod({ hostNetwork: true, containers: [createContainer('app', { ports: [{ containerPort: 80 }] })] });

  it('defaults hostPorts in templates before 1.28 only', () => {
    expect(defaultTemplateOnCreate(template, 'v1.27').spec?.containers?.[0]?.ports).toEqual([{ containerPort: 80, hostPort: 80 }]);
    expect(defaultTemplateOnCreate(template, 'v1.28')).toBe(template);
  });

  it('never copies AppArmor annotations: only pods are changed so', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { metadata: { annotations: { [APPARMOR_APP]: 'unconfined' } }, spec: { containers: [{ name: 'app' }] } } },
    };

    const [extracted] = extractPodTemplates(deployment).templates;

    expect(extracted?.pod.spec?.containers?.[0]?.securityContext).toBeUndefined();
  });
});

describe('extractPodTemplates with an apiserver version', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { [APPARMOR_APP]: 'unconfined' } }, spec: { containers: [{ name: 'app' }] } };

  it('applies the create-time changes of that release, latest by default', () => {
    expect(extractPodTemplates(pod).templates[0]?.pod.spec?.containers?.[0]?.securityContext).toEqual({ appArmorProfile: { type: 'Unconfined' } });
    expect(extractPodTemplates(pod, { apiserverVersion: 'v1.29' }).templates[0]?.pod.spec?.containers?.[0]?.securityContext).toBeUndefined();
  });

  it('rejects a malformed version', () => {
    expect(() => extractPodTemplates(pod, { apiserverVersion: '1.30' })).toThrow(PssInputError);
  });
});
