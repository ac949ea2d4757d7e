import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

import { recommendLabels } from './staged-rollout.util.js';
import type { LevelReadinessState, NamespaceLabels, RecommendationInput } from './staged-rollout.util.js';

const NO_LABELS: NamespaceLabels = { enforce: null, enforceVersion: null, audit: null, auditVersion: null, warn: null, warnVersion: null };
const READY: LevelReadinessState = { status: 'ready', blockingWorkloads: 0, auditViolations: 0, cleanForWindow: true };
const PROVISIONAL: LevelReadinessState = { ...READY, cleanForWindow: false };
const BLOCKED: LevelReadinessState = { status: 'blocked', blockingWorkloads: 2, auditViolations: 1, cleanForWindow: false };
const UNKNOWN: LevelReadinessState = { status: 'unknown', blockingWorkloads: 0, auditViolations: 0, cleanForWindow: false };
const P = 'pod-security.kubernetes.io/';

const input = (overrides: Partial<RecommendationInput>): RecommendationInput => ({
  namespace: 'shop',
  labels: NO_LABELS,
  baseline: READY,
  restricted: BLOCKED,
  windowDays: 7,
  ...overrides,
});

describe('recommendLabels (staged rollout)', () => {
  it.each([
    // [case, labels, baseline, restricted, stage, enforce, audit, warn]
    ['unlabelled, baseline blocked: audit and warn baseline', NO_LABELS, BLOCKED, BLOCKED, 'observe-baseline', undefined, 'baseline', 'baseline'],
    ['unlabelled, baseline passes: enforce it, audit/warn restricted', NO_LABELS, READY, BLOCKED, 'enforce-baseline', 'baseline', 'restricted', 'restricted'],
    ['unlabelled, restricted passes only provisionally: enforce baseline first', NO_LABELS, READY, PROVISIONAL, 'enforce-baseline', 'baseline', 'restricted', 'restricted'],
    ['unlabelled, restricted clean for the window: enforce restricted', NO_LABELS, READY, READY, 'enforce-restricted', 'restricted', 'restricted', 'restricted'],
    ['enforces baseline, restricted not clean yet: keep auditing it', { ...NO_LABELS, enforce: 'baseline' }, READY, PROVISIONAL, 'fix-restricted', 'baseline', 'restricted', 'restricted'],
    ['enforces baseline, restricted clean: enforce restricted', { ...NO_LABELS, enforce: 'baseline' }, READY, READY, 'enforce-restricted', 'restricted', 'restricted', 'restricted'],
    ['enforces baseline and fails it: at risk, labels unchanged', { ...NO_LABELS, enforce: 'baseline' }, BLOCKED, BLOCKED, 'at-risk', 'baseline', undefined, undefined],
    ['enforces restricted and passes: done', { ...NO_LABELS, enforce: 'restricted' }, READY, READY, 'done', 'restricted', undefined, undefined],
    ['enforces restricted and fails: at risk, never relaxed', { ...NO_LABELS, enforce: 'restricted' }, READY, BLOCKED, 'at-risk', 'restricted', undefined, undefined],
    ['readiness unknown: nothing', NO_LABELS, UNKNOWN, UNKNOWN, 'unknown', undefined, undefined, undefined],
  ] as const)('%s', (_, labels, baseline, restricted, stage, enforce, audit, warn) => {
    const sut = recommendLabels(input({ labels, baseline, restricted }));
    expect(sut.stage).toBe(stage);
    expect(sut.recommendedLabels[`${P}enforce`]).toBe(enforce);
    expect(sut.recommendedLabels[`${P}audit`]).toBe(audit);
    expect(sut.recommendedLabels[`${P}warn`]).toBe(warn);
    expect(sut.reasoning.length).toBeGreaterThan(0);
    // The YAML is the namespace's labels, exactly the recommended set.
    expect(parse(sut.yaml)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: sut.recommendedLabels } });
    expect(sut.changes).toBe(sut.kubectlCommand !== '');
  });

  it('writes the kubectl command with the changed labels only, pinning the enforce-version it was computed at', () => {
    const sut = recommendLabels(input({ labels: { ...NO_LABELS, enforce: 'baseline', enforceVersion: 'v1.30', audit: 'restricted', auditVersion: 'v1.30' } }));
    expect(sut.stage).toBe('fix-restricted');
    expect(sut.kubectlCommand).toBe(`kubectl label ns shop ${P}warn=restricted ${P}warn-version=v1.30 --overwrite`);
    expect(sut.reasoning).toContain('Versions pin v1.30, the version readiness was computed at.');
    expect(sut.reasoning[0]).toBe(
      'It enforces baseline and baseline passes: nothing would be rejected and no audit-mode violation in the last 7 day(s); restricted does not pass: 2 workload(s) would be rejected and 1 audit-mode violation(s) in the last 7 day(s).',
    );
  });

  it('answers no change, and an empty command, when the labels are already right', () => {
    const labels = { enforce: 'restricted', enforceVersion: 'latest', audit: 'restricted', auditVersion: 'latest', warn: 'restricted', warnVersion: 'latest' };
    const sut = recommendLabels(input({ labels, restricted: READY }));
    expect(sut).toMatchObject({ stage: 'done', changes: false, kubectlCommand: '' });
    expect(sut.recommendedLabels).toEqual(sut.currentLabels);
  });

  it('says so when a label is invalid, and does not carry an invalid version forward', () => {
    const sut = recommendLabels(input({ labels: { ...NO_LABELS, enforce: 'restrictd', enforceVersion: 'v1.01' } }));
    expect(sut.reasoning.slice(0, 2)).toEqual([
      'The enforce label "restrictd" is not a Pod Security level; it is treated as not enforcing anything here.',
      'The enforce-version label "v1.01" is invalid; latest is recommended instead.',
    ]);
    expect(sut.recommendedLabels).toMatchObject({ [`${P}enforce`]: 'baseline', [`${P}enforce-version`]: 'latest' });
  });
});
