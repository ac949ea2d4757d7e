import { describe, expect, it } from '@jest/globals';

import { invalidPsaLabels, psaLabels } from './psa-labels.util.js';
import type { StoredPsaLabels } from './psa-labels.util.js';

const none: StoredPsaLabels = {
  enforceLevel: null,
  enforceVersion: null,
  auditLevel: null,
  auditVersion: null,
  warnLevel: null,
  warnVersion: null,
};

describe('psaLabels', () => {
  it('shows the labels that are set, by their API names', () => {
    expect(psaLabels({ ...none, enforceLevel: 'baseline', warnVersion: 'v1.30' })).toEqual({ enforce: 'baseline', warnVersion: 'v1.30' });
    expect(psaLabels(none)).toEqual({});
  });
});

describe('invalidPsaLabels', () => {
  it('accepts every valid level and version', () => {
    const sut = invalidPsaLabels({
      enforceLevel: 'restricted',
      enforceVersion: 'v1.0',
      auditLevel: 'privileged',
      auditVersion: 'latest',
      warnLevel: 'baseline',
      warnVersion: 'v1.35',
    });
    expect(sut).toEqual([]);
  });

  it('reports each invalid value with what Pod Security uses instead: enforce fails closed, audit and warn open', () => {
    const sut = invalidPsaLabels({
      enforceLevel: 'Restricted',
      enforceVersion: 'v1.01',
      auditLevel: 'strict',
      auditVersion: 'v2.0',
      warnLevel: '',
      warnVersion: '1.30',
    });
    expect(sut.map(({ label, value }) => [label, value])).toEqual([
      ['enforce', 'Restricted'],
      ['audit', 'strict'],
      ['warn', ''],
      ['enforceVersion', 'v1.01'],
      ['auditVersion', 'v2.0'],
      ['warnVersion', '1.30'],
    ]);
    expect(sut[0]!.message).toBe('must be one of privileged, baseline, restricted; Pod Security uses restricted meanwhile');
    expect(sut[1]!.message).toContain('uses privileged');
    expect(sut[2]!.message).toContain('uses privileged');
    expect(sut[3]!.message).toBe('must be "latest" or "v1.x"; Pod Security uses latest meanwhile');
  });
});
