import { describe, expect, it } from '@jest/globals';

import { namespaceLabels, ruleWatchesNamespace, selectorMatches } from './alert-scope.util.js';
import type { AlertNamespaceRow, AlertRuleRow } from './alert-sources.repository.js';

const namespace = (name: string, labels: Partial<AlertNamespaceRow> = {}): AlertNamespaceRow => ({
  id: name,
  name,
  enforceLevel: null,
  enforceVersion: null,
  auditLevel: null,
  auditVersion: null,
  warnLevel: null,
  warnVersion: null,
  observedSince: new Date('2026-01-01T00:00:00Z'),
  ...labels,
});

const rule = (scope: Partial<AlertRuleRow>): AlertRuleRow => ({
  id: 'r',
  name: 'r',
  trigger: 'namespace_ready',
  parameters: {},
  minSeverity: 'info',
  clusterIds: [],
  includeNamespaces: [],
  excludeNamespaces: [],
  labelSelector: null,
  cooldownMinutes: 60,
  createdAt: new Date(0),
  channelIds: [],
  ...scope,
});

describe('ruleWatchesNamespace', () => {
  it.each([
    [{}, 'anything', true],
    [{ includeNamespaces: ['team-*'] }, 'team-a', true],
    [{ includeNamespaces: ['team-*'] }, 'infra', false],
    [{ includeNamespaces: ['{shop,billing}'] }, 'billing', true],
    [{ includeNamespaces: ['team-?'] }, 'team-ab', false],
    [{ includeNamespaces: ['team-*'], excludeNamespaces: ['*-canary'] }, 'team-a-canary', false],
    [{ excludeNamespaces: ['kube-*'] }, 'kube-system', false],
    [{ includeNamespaces: ['a.b*'] }, 'a.bc', true],
  ] as const)('%j watches %s: %s', (scope, name, expected) => {
    expect(ruleWatchesNamespace(rule(scope as Partial<AlertRuleRow>), namespace(name))).toBe(expected);
  });
});

describe('selectorMatches (Kubernetes LabelSelector semantics)', () => {
  const labels = namespaceLabels(namespace('shop', { enforceLevel: 'baseline', auditLevel: 'restricted', auditVersion: 'v1.30' }));

  it('sees the Pod Security labels the agent reports', () => {
    expect(labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.30',
    });
  });

  it.each([
    [{ matchLabels: { 'pod-security.kubernetes.io/enforce': 'baseline' }, matchExpressions: [] }, true],
    [{ matchLabels: { 'pod-security.kubernetes.io/enforce': 'restricted' }, matchExpressions: [] }, false],
    [{ matchLabels: {}, matchExpressions: [{ key: 'pod-security.kubernetes.io/audit', operator: 'In' as const, values: ['restricted', 'baseline'] }] }, true],
    [{ matchLabels: {}, matchExpressions: [{ key: 'pod-security.kubernetes.io/warn', operator: 'In' as const, values: ['restricted'] }] }, false],
    // NotIn holds for a namespace without the label, as in Kubernetes.
    [{ matchLabels: {}, matchExpressions: [{ key: 'pod-security.kubernetes.io/warn', operator: 'NotIn' as const, values: ['restricted'] }] }, true],
    [{ matchLabels: {}, matchExpressions: [{ key: 'pod-security.kubernetes.io/audit', operator: 'NotIn' as const, values: ['restricted'] }] }, false],
    [{ matchLabels: {}, matchExpressions: [{ key: 'pod-security.kubernetes.io/warn', operator: 'DoesNotExist' as const, values: [] }] }, true],
    [{ matchLabels: {}, matchExpressions: [{ key: 'pod-security.kubernetes.io/enforce', operator: 'Exists' as const, values: [] }] }, true],
    [{ matchLabels: {}, matchExpressions: [{ key: 'pod-security.kubernetes.io/enforce', operator: 'DoesNotExist' as const, values: [] }] }, false],
  ])('%j → %s', (selector, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });
});
