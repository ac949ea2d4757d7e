import { describe, expect, it } from '@jest/globals';

import { clusterReleaseVersion } from './cluster-release.util.js';
import { MAX_MINOR } from './version.js';

describe('clusterReleaseVersion', () => {
  it.each([
    ['v1.30.4-eks-a737599', 'v1.30'],
    ['v1.29.3+k3s1', 'v1.29'],
    ['1.31.0', 'v1.31'],
    ['v1.99.1', `v1.${MAX_MINOR}`],
    ['v2.1.0', null],
    ['v1.030.1', null],
    ['', null],
    [null, null],
  ])('%s is %s', (gitVersion, release) => {
    expect(clusterReleaseVersion(gitVersion)).toBe(release);
  });
});
