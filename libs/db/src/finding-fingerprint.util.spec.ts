import { describe, expect, it } from '@jest/globals';

import { findingFingerprint, type FindingIdentity } from './finding-fingerprint.util.js';

const identity: FindingIdentity = {
  clusterId: '0b6c2f8e-7f4a-4c1e-9a53-2d7b1f0e6c11',
  namespace: 'payments',
  workloadKind: 'Deployment',
  workloadName: 'api',
  level: 'restricted',
  checkId: 'runAsNonRoot',
};

describe('findingFingerprint', () => {
  it('is pinned: stored fingerprints stay valid only while the formula does not change', () => {
    const sut = findingFingerprint(identity);
    expect(sut).toBe('b1552a3d204608be188ffb4aa1605881996c8f70e1d677ab211ca25b1d87b461');
  });

  it.each(Object.keys(identity) as (keyof FindingIdentity)[])('changes when %s changes', (key) => {
    const changed = { ...identity, [key]: key === 'level' ? 'baseline' : key === 'workloadKind' ? 'StatefulSet' : `${identity[key]}x` };
    expect(findingFingerprint(changed)).not.toBe(findingFingerprint(identity));
  });

  it('keeps the parts apart: moving a character across a boundary is another fingerprint', () => {
    const a = findingFingerprint({ ...identity, namespace: 'pay', workloadName: 'mentsapi' });
    const b = findingFingerprint({ ...identity, namespace: 'payments', workloadName: 'api' });
    expect(a).not.toBe(b);
  });
});
