import { readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';

import type { PodLike } from '../src/index.js';
import { evaluatePod, extractPodTemplates, parseManifests, suggestPatch } from '../src/index.js';

// Manifests from public reports (see public-reports/PROVENANCE.md), read the way `ratchet check` reads them.
function podOf(file: string): PodLike {
  const text = readFileSync(new URL(`./public-reports/${file}`, import.meta.url), 'utf8');
  const [document] = parseManifests(text, file);
  const [template] = extractPodTemplates(document!.object).templates;
  return template!.pod;
}

describe('suggestPatch on manifests from public reports', () => {
  it('d3: patches nothing on a running pod with an ephemeral container and leaves every failure to a human', () => {
    const pod = podOf('d3-ephemeral-container-patch.yaml');

    const sut = suggestPatch(pod, 'restricted', 'v1.24');

    expect(sut.changes).toEqual([]);
    expect(sut.yaml).toBe('{}\n');
    expect(sut.allowedAfter).toBe(false);
    expect(sut.manual.map(({ checkId, detail }) => ({ checkId, detail }))).toEqual([
      { checkId: 'allowPrivilegeEscalation', detail: 'container "debugger-abcde" must set securityContext.allowPrivilegeEscalation=false' },
      { checkId: 'capabilities_restricted', detail: 'container "debugger-abcde" must set securityContext.capabilities.drop=["ALL"]' },
      { checkId: 'runAsNonRoot', detail: 'pod or container "debugger-abcde" must set securityContext.runAsNonRoot=true' },
    ]);
    for (const fix of sut.manual) {
      expect(fix.reason).toMatch(/^This pod is running: it has ephemeral containers/);
      expect(fix.reason).toContain('kubectl debug --profile=restricted');
    }
  });

  it('d4: leaves an explicit allowPrivilegeEscalation: true to a human instead of flipping it', () => {
    const pod = podOf('d4-explicit-ape-true-autofix.yaml');

    const sut = suggestPatch(pod, 'restricted', 'latest');

    expect(sut.changes).toEqual([]);
    expect(sut.allowedAfter).toBe(false);
    expect(sut.manual.map(({ checkId, detail }) => ({ checkId, detail }))).toEqual([
      { checkId: 'allowPrivilegeEscalation', detail: 'container "controller" must set securityContext.allowPrivilegeEscalation=false' },
    ]);
    expect(sut.manual[0]!.reason).toContain('`allowPrivilegeEscalation: true` was set explicitly');
  });

  it('d5: says hostNetwork makes every container port a host port, and that the fix is to drop hostNetwork', () => {
    const pod = podOf('d5-defaulted-hostport-advice.yaml');
    expect(evaluatePod(pod, 'restricted', 'latest').forbiddenDetail).toBe(
      'host namespaces (hostNetwork=true), hostPort (container "webhook" uses hostPorts 10250, 9443)',
    );

    const sut = suggestPatch(pod, 'restricted', 'latest');

    const hostPorts = sut.manual.find((fix) => fix.checkId === 'hostPorts')!;
    expect(hostPorts.reason).toMatch(/^`hostNetwork: true` makes every container port a host port/);
    expect(hostPorts.reason).toContain('The fix is to drop `hostNetwork`');
    expect(hostPorts.remediation.what).toMatch(/^Drop `hostNetwork: true`/);
    expect(hostPorts.remediation.what).not.toMatch(/^Remove `hostPort`/);
  });
});

describe('verdicts on manifests from public reports', () => {
  it('d1: a Pod with only the AppArmor annotation fails for the copied field and the annotation (apiserver 1.30+)', () => {
    const pod = podOf('d1-apparmor-annotation-pod.yaml');

    expect(evaluatePod(pod, 'baseline', 'latest').forbiddenDetail).toBe(
      'forbidden AppArmor profiles (container "app" and annotation must not set AppArmor profile type to ' +
        '"Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined"")',
    );
  });
});
