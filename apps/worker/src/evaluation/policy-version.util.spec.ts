import { describe, expect, it } from '@jest/globals';
import { MAX_MINOR } from '@ratchet/pss';

import { clusterReleaseVersion, concreteVersion, versionLabel } from './policy-version.util.js';

describe('policy versions', () => {
  it("resolves a cluster's release from the apiserver's gitVersion, capped at the newest minor", () => {
    expect(clusterReleaseVersion('v1.30.4-eks-a737599')).toBe('v1.30');
    expect(clusterReleaseVersion('v1.29.0')).toBe('v1.29');
    expect(clusterReleaseVersion('v1.99.1')).toBe(`v1.${MAX_MINOR}`);
    expect(clusterReleaseVersion(null)).toBeNull();
    expect(clusterReleaseVersion('v2.1.0')).toBeNull();
  });

  it('keys labels as written, absent or invalid ones as latest', () => {
    expect(versionLabel('v1.25')).toBe('v1.25');
    expect(versionLabel(undefined)).toBe('latest');
    expect(versionLabel('v1.025')).toBe('latest');
    expect(concreteVersion('latest', 'v1.30')).toBe('v1.30');
    expect(concreteVersion('latest', null)).toBeNull();
    expect(concreteVersion('v1.99', 'v1.30')).toBe(`v1.${MAX_MINOR}`);
  });
});
