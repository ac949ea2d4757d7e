import { describe, expect, it } from '@jest/globals';
import { PsaConfiguration } from '@ratchet/contracts';

import type { CoverageNamespaceRow } from './coverage.repository.js';
import { coverageOf } from './coverage.util.js';

const UPSTREAM = PsaConfiguration.parse({});
const ENFORCING = PsaConfiguration.parse({ defaults: { enforce: 'restricted' }, exemptions: { namespaces: ['istio-system'] } });
const ALLOWLIST = new Set(['kube-system']);

function row(name: string, labels: Partial<CoverageNamespaceRow> = {}): CoverageNamespaceRow {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    name,
    uid: '00000000-0000-4000-8000-000000000002',
    enforceLevel: null,
    enforceVersion: null,
    auditLevel: null,
    auditVersion: null,
    warnLevel: null,
    warnVersion: null,
    ...labels,
  };
}
const kinds = (name: string, labels: Partial<CoverageNamespaceRow>, config = UPSTREAM) => coverageOf(row(name, labels), config, ALLOWLIST)?.reasons.map((r) => r.kind) ?? null;

describe('coverageOf', () => {
  it.each([
    ['unlabeled under upstream defaults: privileged, flagged', 'shop', {}, UPSTREAM, ['unlabeled', 'privileged-outside-allowlist']],
    ['unlabeled under restricted defaults: enforced, only unlabeled', 'shop', {}, ENFORCING, ['unlabeled']],
    ['labeled baseline: covered', 'shop', { enforceLevel: 'baseline' }, UPSTREAM, null],
    ['labeled privileged outside the allowlist', 'ingress', { enforceLevel: 'privileged' }, UPSTREAM, ['privileged-outside-allowlist']],
    ['allowlisted and unlabeled', 'kube-system', {}, UPSTREAM, ['unlabeled', 'allowlisted']],
    ['exempt by the cluster configuration', 'istio-system', { enforceLevel: 'privileged' }, ENFORCING, ['exempt']],
    ['an invalid level: PSA falls back to restricted, not privileged', 'typo', { enforceLevel: 'restrictd' }, UPSTREAM, ['invalid-label']],
    ['an invalid warn version alone', 'shop', { enforceLevel: 'restricted', warnVersion: 'v2.0' }, UPSTREAM, ['invalid-label']],
    ['unreported', 'early', { uid: null }, UPSTREAM, ['unreported']],
  ] as const)('%s', (_name, name, labels, config, expected) => {
    expect(kinds(name, labels, config)).toEqual(expected);
  });

  it('says what PSA falls back to for an invalid label and flags it', () => {
    const report = coverageOf(row('typo', { enforceLevel: 'restrictd', auditLevel: 'strict' }), UPSTREAM, ALLOWLIST)!;
    expect(report.reasons.map((r) => [r.label, r.value, r.fallback])).toEqual([
      ['enforce', 'restrictd', 'restricted'],
      ['audit', 'strict', 'privileged'],
    ]);
    expect(report).toMatchObject({ flagged: true, enforcement: { level: 'restricted', version: 'latest', source: 'fallback' } });
  });
});
