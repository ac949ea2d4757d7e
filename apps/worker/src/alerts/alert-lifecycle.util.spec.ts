import { describe, expect, it } from '@jest/globals';

import type { AlertCondition } from './alert-conditions.util.js';
import { planRule } from './alert-lifecycle.util.js';
import type { AlertRuleRow, AlertStateRow } from './alert-sources.repository.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

const rule: AlertRuleRow = {
  id: 'rule',
  name: 'at risk',
  trigger: 'namespace_at_risk',
  parameters: {},
  minSeverity: 'warning',
  clusterIds: [],
  includeNamespaces: [],
  excludeNamespaces: [],
  labelSelector: null,
  cooldownMinutes: 30,
  createdAt: new Date(0),
  channelIds: ['channel'],
};

const condition = (fingerprint: string, severity: AlertCondition['severity'] = 'critical'): AlertCondition => ({
  fingerprint,
  severity,
  namespaceName: fingerprint,
  level: 'baseline',
  summary: `${fingerprint} is at risk`,
  kubectlCommand: null,
  detail: {},
});

const state = (fingerprint: string, overrides: Partial<AlertStateRow>): AlertStateRow => ({
  id: `state-${fingerprint}`,
  ruleId: 'rule',
  fingerprint,
  status: 'firing',
  severity: 'critical',
  namespaceName: fingerprint,
  summary: `${fingerprint} is at risk`,
  detail: { level: 'baseline', kubectlCommand: null },
  firstFiredAt: minutesAgo(90),
  lastFiredAt: minutesAgo(90),
  lastNotifiedAt: minutesAgo(90),
  notified: true,
  ...overrides,
});

describe('planRule', () => {
  it('fires new conditions, keeps firing ones quiet, resolves the ones that ended, in one plan', () => {
    const sut = planRule(rule, [condition('new'), condition('still')], [state('still', {}), state('gone', {})], NOW);
    expect(sut.fire.map((f) => [f.condition.fingerprint, f.notify])).toEqual([['new', true]]);
    expect(sut.firing.map((i) => i.fingerprint)).toEqual(['new']);
    expect(sut.resolve.map((s) => s.fingerprint)).toEqual(['gone']);
    expect(sut.resolved.map((i) => [i.fingerprint, i.resolvedAt, i.level])).toEqual([['gone', NOW.toISOString(), 'baseline']]);
    expect(sut.severity).toBe('critical');
  });

  it('drops conditions below the minimum severity', () => {
    const sut = planRule(rule, [condition('info', 'info'), condition('warn', 'warning')], [], NOW);
    expect(sut.firing.map((i) => i.fingerprint)).toEqual(['warn']);
    expect(sut.severity).toBe('warning');
  });

  it('records but does not send an alert firing again inside the cooldown, nor its later resolve', () => {
    const recent = state('flap', { status: 'resolved', lastNotifiedAt: minutesAgo(29) });
    const inside = planRule(rule, [condition('flap')], [recent], NOW);
    expect(inside.fire.map((f) => f.notify)).toEqual([false]);
    expect(inside.firing).toEqual([]);
    const quietResolve = planRule(rule, [], [state('flap', { notified: false, lastNotifiedAt: minutesAgo(29) })], NOW);
    expect([quietResolve.resolve.length, quietResolve.resolved.length]).toEqual([1, 0]);
    const after = planRule(rule, [condition('flap')], [state('flap', { status: 'resolved', lastNotifiedAt: minutesAgo(30) })], NOW);
    expect(after.firing.map((i) => i.fingerprint)).toEqual(['flap']);
  });
});
