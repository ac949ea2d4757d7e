import type { LabelSelector } from '@ratchet/contracts';
import { minimatch } from 'minimatch';

import type { AlertNamespaceRow, AlertRuleRow } from './alert-sources.repository.js';

const PSA_LABEL_PREFIX = 'pod-security.kubernetes.io/';

/** The labels of a namespace that Ratchet knows: the agent reports the Pod Security labels only. */
export function namespaceLabels(namespace: AlertNamespaceRow): Record<string, string> {
  const labels: Record<string, string> = {};
  const set = (name: string, value: string | null) => {
    if (value !== null) labels[`${PSA_LABEL_PREFIX}${name}`] = value;
  };
  set('enforce', namespace.enforceLevel);
  set('enforce-version', namespace.enforceVersion);
  set('audit', namespace.auditLevel);
  set('audit-version', namespace.auditVersion);
  set('warn', namespace.warnLevel);
  set('warn-version', namespace.warnVersion);
  return labels;
}

/** Kubernetes LabelSelector semantics: every matchLabels pair and every requirement must hold. */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (labels[key] !== value) return false;
  }
  for (const requirement of selector.matchExpressions) {
    const value = labels[requirement.key];
    switch (requirement.operator) {
      case 'In':
        if (value === undefined || !requirement.values.includes(value)) return false;
        break;
      case 'NotIn':
        // As in Kubernetes, NotIn holds for a namespace without the label.
        if (value !== undefined && requirement.values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
    }
  }
  return true;
}

// minimatch: the patterns are globs over one name, so dots are ordinary characters and `!` was refused by the contract.
const GLOB_OPTIONS = { dot: true, nonegate: true, nocomment: true } as const;

/** Whether a rule watches a cluster. */
export function ruleWatchesCluster(rule: AlertRuleRow, clusterId: string): boolean {
  return rule.clusterIds.length === 0 || rule.clusterIds.includes(clusterId);
}

/** Whether a rule watches a namespace: include globs (none: all), then exclude globs, then the label selector. */
export function ruleWatchesNamespace(rule: AlertRuleRow, namespace: AlertNamespaceRow): boolean {
  if (rule.includeNamespaces.length > 0 && !rule.includeNamespaces.some((pattern) => minimatch(namespace.name, pattern, GLOB_OPTIONS))) return false;
  if (rule.excludeNamespaces.some((pattern) => minimatch(namespace.name, pattern, GLOB_OPTIONS))) return false;
  return rule.labelSelector === null || selectorMatches(rule.labelSelector, namespaceLabels(namespace));
}
