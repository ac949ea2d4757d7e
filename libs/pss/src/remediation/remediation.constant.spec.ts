import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

import type { CheckId, PodLike } from '../index.js';
import { CHECK_IDS, PssInputError, evaluatePod } from '../index.js';
import { EXTRA_HARDENING } from './hardening.constant.js';
import { REMEDIATIONS, remediationFor } from './remediation.constant.js';

const RESTRICTED_ONLY = new Set<CheckId>([
  'allowPrivilegeEscalation',
  'capabilities_restricted',
  'procMount_restricted',
  'restrictedVolumes',
  'runAsNonRoot',
  'runAsUser',
  'seccompProfile_restricted',
]);

describe('REMEDIATIONS', () => {
  it('has one remediation per check, in result order', () => {
    expect(REMEDIATIONS.map((r) => r.checkId)).toEqual(CHECK_IDS);
  });

  it('says what and why for every check', () => {
    for (const sut of REMEDIATIONS) {
      expect([sut.checkId, sut.title.length > 0, sut.what.length > 0, sut.why.length > 0]).toEqual([
        sut.checkId,
        true,
        true,
        true,
      ]);
    }
  });

  it('marks automatic exactly the checks suggestPatch fixes', () => {
    expect(REMEDIATIONS.filter((r) => r.automatic).map((r) => r.checkId)).toEqual([
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'runAsNonRoot',
      'seccompProfile_restricted',
    ]);
  });

  it.each(CHECK_IDS)('gives %s a snippet that is a pod spec passing that check', (checkId) => {
    const sut = parse(remediationFor(checkId).snippet) as PodLike;

    expect(Object.keys(sut)).toEqual(['spec']);
    const level = RESTRICTED_ONLY.has(checkId) ? 'restricted' : 'baseline';
    expect(evaluatePod(sut, level, 'latest').checks.map((c) => c.id)).not.toContain(checkId);
  });
});

describe('remediationFor', () => {
  it('returns the remediation of the check asked for', () => {
    expect(remediationFor('hostPathVolumes').checkId).toBe('hostPathVolumes');
  });

  it('tells a pod with hostNetwork to drop it, since hostNetwork makes every container port a host port', () => {
    const pod: PodLike = { spec: { hostNetwork: true, containers: [{ name: 'app', ports: [{ containerPort: 80, hostPort: 80 }] }] } };

    const sut = remediationFor('hostPorts', pod);

    expect(sut.what).toMatch(/^Drop `hostNetwork: true`/);
    expect(remediationFor('hostPorts', { spec: { containers: [] } }).what).toMatch(/^Remove `hostPort`/);
    const snippet = parse(sut.snippet) as PodLike;
    expect(evaluatePod(snippet, 'baseline', 'latest').checks.map((c) => c.id)).toEqual([]);
  });

  it('rejects a string that is not a check ID', () => {
    expect(() => remediationFor('hostpathvolumes' as CheckId)).toThrow(PssInputError);
    expect(() => remediationFor('toString' as CheckId)).toThrow(PssInputError);
  });
});

describe('EXTRA_HARDENING', () => {
  it('has snippets that are pod spec fragments', () => {
    for (const advice of EXTRA_HARDENING) {
      const sut = parse(advice.snippet) as PodLike;
      expect(Object.keys(sut)).toEqual(['spec']);
    }
  });
});
