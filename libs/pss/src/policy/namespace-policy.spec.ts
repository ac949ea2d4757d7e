import { describe, expect, it } from '@jest/globals';

import { enforcePolicyOf, type PodSecurityDefaults, type PodSecurityExemptions } from './namespace-policy.js';

const UPSTREAM: PodSecurityDefaults = { enforce: 'privileged', 'enforce-version': 'latest' };
const BASELINE_130: PodSecurityDefaults = { enforce: 'baseline', 'enforce-version': 'v1.30' };
const NONE: PodSecurityExemptions = { usernames: [], runtimeClasses: [], namespaces: [] };
const labels = (enforceLevel: string | null, enforceVersion: string | null = null) => ({ enforceLevel, enforceVersion });

describe('enforcePolicyOf (api/helpers.go PolicyToEvaluate, SEMANTICS.md §5)', () => {
  it.each([
    ['no labels, upstream defaults', labels(null), UPSTREAM, { level: 'privileged', version: 'latest', source: 'default' }],
    ['no labels, the cluster enforces baseline at v1.30', labels(null), BASELINE_130, { level: 'baseline', version: 'v1.30', source: 'default' }],
    ['a valid level label, no version label: the default version', labels('restricted'), BASELINE_130, { level: 'restricted', version: 'v1.30', source: 'label' }],
    ['both labels valid', labels('restricted', 'v1.25'), BASELINE_130, { level: 'restricted', version: 'v1.25', source: 'label' }],
    ['a version label alone keeps the default level', labels(null, 'v1.28'), BASELINE_130, { level: 'baseline', version: 'v1.28', source: 'default' }],
    ['an invalid level fails closed to restricted', labels('Baseline'), UPSTREAM, { level: 'restricted', version: 'latest', source: 'fallback' }],
    ['an invalid version becomes latest', labels('baseline', 'v1.01'), BASELINE_130, { level: 'baseline', version: 'latest', source: 'fallback' }],
    ['a version label "latest" is valid', labels('baseline', 'latest'), BASELINE_130, { level: 'baseline', version: 'latest', source: 'label' }],
    ['v2.0 is not a PSA version', labels(null, 'v2.0'), BASELINE_130, { level: 'baseline', version: 'latest', source: 'fallback' }],
  ] as const)('%s', (_name, namespaceLabels, defaults, expected) => {
    expect(enforcePolicyOf('shop', namespaceLabels, defaults, NONE)).toEqual(expected);
  });

  it('exempts a namespace listed in exemptions.namespaces whatever its labels, and only that one', () => {
    const exemptions = { ...NONE, namespaces: ['kube-system'] };
    expect(enforcePolicyOf('kube-system', labels('restricted'), BASELINE_130, exemptions)).toEqual({ level: 'privileged', version: 'latest', source: 'exempt' });
    expect(enforcePolicyOf('kube-public', labels(null), BASELINE_130, exemptions).source).toBe('default');
  });
});
