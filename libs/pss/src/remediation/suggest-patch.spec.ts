import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

import type { CheckId, PodLike } from '../index.js';
import { evaluatePod } from '../index.js';
import { loadFixtures } from '../../test/support/fixtures.util.js';
import { createContainer, createPod, createRestrictedContainer, createRestrictedPod } from '../../test/support/pod.factory.js';
import { remediationFor } from './remediation.constant.js';
import type { PatchSuggestion } from './suggest-patch.js';
import { suggestPatch } from './suggest-patch.js';

const SECURITY_CONTEXT_PATH =
  /^spec\.(?:(?:initContainers|containers|ephemeralContainers)\[\d+\]\.)?securityContext\.[A-Za-z]+(?:\.[A-Za-z]+)*$/;

// Independent of the code under test: walks `spec.containers[0].securityContext.x` and sets the leaf.
function setByPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.').flatMap((segment) => {
    const match = /^(\w+)\[(\d+)\]$/.exec(segment);
    return match ? [match[1]!, Number(match[2])] : [segment];
  });
  let node = root as Record<string | number, unknown>;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[keys[keys.length - 1]!] = structuredClone(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function failingIds(pod: PodLike, level: 'baseline' | 'restricted', version: string): CheckId[] {
  return evaluatePod(pod, level, version).checks.map((c) => c.id);
}

function manualIds(sut: PatchSuggestion): CheckId[] {
  return sut.manual.map((m) => m.checkId);
}

describe('suggestPatch on the conformance fixtures', () => {
  const fixtures = loadFixtures();

  it('leaves only manual checks failing, and changes only securityContext fields the level requires', () => {
    const problems: string[] = [];
    let fixedCompletely = 0;
    let denied = 0;
    for (const fixture of fixtures) {
      if (fixture.expect !== 'deny') continue;
      denied++;
      const original = structuredClone(fixture.pod);
      const before = failingIds(fixture.pod, fixture.level, fixture.version);
      const sut = suggestPatch(fixture.pod, fixture.level, fixture.version);
      const where = `${fixture.file} at ${fixture.level}:${fixture.version}`;

      const after = failingIds(sut.patchedPod, fixture.level, fixture.version);
      if (JSON.stringify(after) !== JSON.stringify(manualIds(sut))) {
        problems.push(`${where}: still failing ${after.join(',')} but manual ${manualIds(sut).join(',')}`);
      }
      if (sut.allowedBefore || sut.allowedAfter !== (sut.manual.length === 0)) {
        problems.push(`${where}: allowedBefore ${sut.allowedBefore}, allowedAfter ${sut.allowedAfter}`);
      }
      const expected = structuredClone(original) as Record<string, unknown>;
      for (const change of sut.changes) {
        if (!before.includes(change.checkId)) problems.push(`${where}: ${change.path} fixes passing ${change.checkId}`);
        if (!SECURITY_CONTEXT_PATH.test(change.path)) problems.push(`${where}: ${change.path} is not a securityContext field`);
        setByPath(expected, change.path, change.value);
      }
      if (JSON.stringify(expected) !== JSON.stringify(sut.patchedPod)) {
        problems.push(`${where}: patchedPod differs from the pod with the listed changes applied`);
      }
      if (JSON.stringify(fixture.pod) !== JSON.stringify(original)) problems.push(`${where}: input mutated`);
      if (sut.allowedAfter) fixedCompletely++;
    }

    expect(problems).toEqual([]);
    expect(denied).toBeGreaterThan(3000);
    // allowPrivilegeEscalation, seccomp, capability drops and runAsNonRoot fixtures that only lack a field.
    expect(fixedCompletely).toBeGreaterThan(200);
  });

  it('changes nothing on a pod its level allows', () => {
    const problems: string[] = [];
    for (const fixture of fixtures) {
      if (fixture.expect !== 'allow') continue;
      const sut = suggestPatch(fixture.pod, fixture.level, fixture.version);
      if (!sut.allowedBefore || sut.changes.length > 0 || sut.manual.length > 0 || sut.yaml !== '{}\n') {
        problems.push(`${fixture.file} at ${fixture.level}:${fixture.version}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('suggestPatch', () => {
  const deployment = parse(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          ports:
            - containerPort: 80
`) as { spec: { template: PodLike } };
  const nginxTemplate = deployment.spec.template;

  it('patches a bare Deployment pod template to restricted with the four standard fields', () => {
    const sut = suggestPatch(nginxTemplate, 'restricted');

    expect(sut.yaml).toBe(`spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: nginx
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop:
            - ALL
`);
    expect(sut.changes).toEqual([
      { path: 'spec.containers[0].securityContext.allowPrivilegeEscalation', value: false, checkId: 'allowPrivilegeEscalation' },
      { path: 'spec.containers[0].securityContext.capabilities.drop', value: ['ALL'], checkId: 'capabilities_restricted' },
      { path: 'spec.securityContext.runAsNonRoot', value: true, checkId: 'runAsNonRoot' },
      { path: 'spec.securityContext.seccompProfile', value: { type: 'RuntimeDefault' }, checkId: 'seccompProfile_restricted' },
    ]);
    expect([sut.allowedBefore, sut.allowedAfter, sut.manual]).toEqual([false, true, []]);
  });

  it('needs nothing for the same template at baseline', () => {
    const sut = suggestPatch(nginxTemplate, 'baseline');

    expect([sut.allowedBefore, sut.changes, sut.yaml]).toEqual([true, [], '{}\n']);
  });

  it('yields no changes for a compliant pod and returns a copy of it', () => {
    const pod = createRestrictedPod();
    const sut = suggestPatch(pod, 'restricted');

    expect([sut.allowedBefore, sut.allowedAfter, sut.changes, sut.manual]).toEqual([true, true, [], []]);
    expect(sut.patchedPod).toEqual(pod);
    expect(sut.patchedPod).not.toBe(pod);
  });

  it('does not mutate its input', () => {
    const pod = deepFreeze(
      createPod({
        initContainers: [createContainer('init', { securityContext: { capabilities: { drop: ['NET_RAW'] } } })],
        containers: [createContainer('app', { securityContext: null })],
      }),
    );
    const copy = structuredClone(pod);

    const sut = suggestPatch(pod, 'restricted');

    expect(pod).toEqual(copy);
    expect(sut.allowedAfter).toBe(true);
  });

  it('keys containers by name in visit order and keeps existing drops', () => {
    const pod = createPod({
      containers: [createRestrictedContainer('done'), createContainer('app')],
      initContainers: [createContainer('init', { securityContext: { capabilities: { drop: ['NET_RAW'] } } })],
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    });

    const sut = suggestPatch(pod, 'restricted');

    expect(sut.yaml).toBe(`spec:
  initContainers:
    - name: init
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop:
            - NET_RAW
            - ALL
  containers:
    - name: app
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop:
            - ALL
`);
  });

  it('leaves an explicit allowPrivilegeEscalation: true to a human and still sets an unset one', () => {
    const pod = createRestrictedPod({
      containers: [createRestrictedContainer('edge', { allowPrivilegeEscalation: true }), createContainer('sidecar', {
        securityContext: { capabilities: { drop: ['ALL'] } },
      })],
    });

    const sut = suggestPatch(pod, 'restricted');

    expect(sut.changes).toEqual([
      { path: 'spec.containers[1].securityContext.allowPrivilegeEscalation', value: false, checkId: 'allowPrivilegeEscalation' },
    ]);
    expect(sut.manual.map(({ checkId, detail }) => ({ checkId, detail }))).toEqual([
      { checkId: 'allowPrivilegeEscalation', detail: 'container "edge" must set securityContext.allowPrivilegeEscalation=false' },
    ]);
    expect(sut.manual[0]!.reason).toMatch(/^`allowPrivilegeEscalation: true` was set explicitly/);
    expect(sut.allowedAfter).toBe(false);
  });

  describe('applies only what the level and version require', () => {
    it.each([
      ['v1.7', ['runAsNonRoot']],
      ['v1.8', ['allowPrivilegeEscalation', 'runAsNonRoot']],
      ['v1.19', ['allowPrivilegeEscalation', 'runAsNonRoot', 'seccompProfile_restricted']],
      ['v1.22', ['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted']],
    ])('restricted %s changes %j', (version, checks) => {
      const sut = suggestPatch(nginxTemplate, 'restricted', version);

      expect(sut.changes.map((c) => c.checkId)).toEqual(checks);
      expect(sut.allowedAfter).toBe(true);
    });

    it('gives a Windows pod from v1.25 only runAsNonRoot, the one Linux-free field', () => {
      const pod = createPod({ os: { name: 'windows' }, containers: [createContainer('app')] });

      const sut = suggestPatch(pod, 'restricted', 'v1.25');

      expect(sut.changes.map((c) => c.path)).toEqual(['spec.securityContext.runAsNonRoot']);
      expect(sut.allowedAfter).toBe(true);
    });

    it('leaves Linux fields on a Windows pod below v1.25 to a human, because the API server rejects them', () => {
      const pod = createPod({ os: { name: 'windows' }, containers: [createContainer('app')] });

      const sut = suggestPatch(pod, 'restricted', 'v1.24');

      expect(sut.changes.map((c) => c.checkId)).toEqual(['runAsNonRoot']);
      expect(manualIds(sut)).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted']);
      expect(sut.manual[0]!.reason).toContain('Windows');
    });
  });

  describe('manual cases', () => {
    it('reports a hostPath volume with its remediation and changes nothing', () => {
      const pod = createRestrictedPod({ volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }] });

      const sut = suggestPatch(pod, 'baseline');

      expect(sut.changes).toEqual([]);
      expect(sut.manual).toEqual([
        {
          checkId: 'hostPathVolumes',
          reason: expect.any(String),
          detail: 'volume "logs"',
          remediation: remediationFor('hostPathVolumes'),
        },
      ]);
      expect(sut.allowedAfter).toBe(false);
      expect(manualIds(suggestPatch(pod, 'restricted'))).toEqual(['restrictedVolumes']);
    });

    it('reports privileged, and leaves its allowPrivilegeEscalation alone because the API server would reject false', () => {
      const pod = createPod({ containers: [createContainer('app', { securityContext: { privileged: true } })] });

      const sut = suggestPatch(pod, 'restricted');

      expect(manualIds(sut)).toEqual(['privileged', 'allowPrivilegeEscalation']);
      expect(sut.changes.map((c) => c.checkId)).toEqual(['capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted']);
      expect(sut.manual[0]!.remediation).toBe(remediationFor('privileged'));
      expect(sut.manual[1]!.detail).toBe('container "app" must set securityContext.allowPrivilegeEscalation=false');
    });

    it('reports runAsUser: 0 with runAsUser: 1000 as the suggestion, and does not cover uid 0 with runAsNonRoot', () => {
      const pod = createRestrictedPod({ securityContext: { runAsNonRoot: null, runAsUser: 0 } });

      const sut = suggestPatch(pod, 'restricted');

      expect(manualIds(sut)).toEqual(['runAsNonRoot', 'runAsUser']);
      expect(sut.changes).toEqual([]);
      expect(sut.manual[1]!.reason).toContain('runAsUser: 1000');
      expect(sut.manual[1]!.remediation.snippet).toContain('runAsUser: 1000');
    });

    it('reports an explicit runAsNonRoot: false instead of overriding it', () => {
      const pod = createRestrictedPod({ containers: [createRestrictedContainer('app', { runAsNonRoot: false })] });

      const sut = suggestPatch(pod, 'restricted');

      expect(sut.changes).toEqual([]);
      expect(sut.manual).toEqual([
        {
          checkId: 'runAsNonRoot',
          reason: expect.stringContaining('runAsNonRoot: false'),
          detail: 'container "app" must not set securityContext.runAsNonRoot=false',
          remediation: remediationFor('runAsNonRoot'),
        },
      ]);
    });

    it('reports an explicit Unconfined seccomp profile instead of overriding it', () => {
      const pod = createRestrictedPod({
        containers: [createRestrictedContainer('app', { seccompProfile: { type: 'Unconfined' } }), createRestrictedContainer('sidecar')],
        securityContext: { seccompProfile: null },
      });

      const sut = suggestPatch(pod, 'restricted');

      expect(sut.changes).toEqual([]);
      expect(manualIds(sut)).toEqual(['seccompProfile_restricted']);
    });

    it('drops ALL but leaves an added SYS_ADMIN to a human', () => {
      const pod = createRestrictedPod({ containers: [createContainer('app', { securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['SYS_ADMIN'] } } })] });

      const sut = suggestPatch(pod, 'restricted');

      expect(sut.changes).toEqual([
        { path: 'spec.containers[0].securityContext.capabilities.drop', value: ['ALL'], checkId: 'capabilities_restricted' },
      ]);
      expect(sut.manual).toEqual([
        {
          checkId: 'capabilities_restricted',
          reason: expect.stringContaining('NET_BIND_SERVICE'),
          detail: 'container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add',
          remediation: remediationFor('capabilities_restricted'),
        },
      ]);
      expect(manualIds(suggestPatch(pod, 'baseline'))).toEqual(['capabilities_baseline']);
      expect(suggestPatch(pod, 'baseline').changes).toEqual([]);
    });
  });
});
