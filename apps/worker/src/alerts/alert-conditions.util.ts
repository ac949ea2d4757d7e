import type { AlertSeverity, AlertTrigger } from '@ratchet/contracts';
import { isLevel, levelRank } from '@ratchet/pss';
import type { PssLevel } from '@ratchet/db';

import { ruleWatchesNamespace } from './alert-scope.util.js';
import type { AlertClusterRow, AlertFindingRow, AlertNamespaceRow, AlertReadinessRow, AlertRuleRow } from './alert-sources.repository.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const LEVELS = ['baseline', 'restricted'] as const;

/** Default minutes of silence for `agent_silent` when the rule does not say. */
export const DEFAULT_SILENT_MINUTES = 15;

/**
 * A condition that holds now for one rule: while it holds its alert is firing. The fingerprint is stable (the
 * trigger, cluster, subject and level; for a violation the finding's own fingerprint), so the same condition seen
 * again by a later evaluation is the same alert, not a new one.
 */
export interface AlertCondition {
  fingerprint: string;
  severity: AlertSeverity;
  namespaceName: string | null;
  level: 'baseline' | 'restricted' | null;
  summary: string;
  kubectlCommand: string | null;
  detail: Record<string, unknown>;
}

/** What one cluster looks like to the triggers at one evaluation. */
export interface ClusterSnapshot {
  cluster: AlertClusterRow;
  namespaces: readonly AlertNamespaceRow[];
  readiness: readonly AlertReadinessRow[];
  /** Open findings first seen since the oldest `new_violation` rule was created. */
  findings: readonly AlertFindingRow[];
  /** `namespaceId:level` -> readiness status at the previous evaluation. */
  previous: ReadonlyMap<string, string>;
  privilegedAllowlist: readonly string[];
}

/** The namespace's label value as a level, or null when absent or not a level PSA knows. */
function labelLevel(value: string | null): PssLevel | null {
  return value !== null && isLevel(value) ? value : null;
}

function enforcesAtLeast(namespace: AlertNamespaceRow, level: PssLevel): boolean {
  const enforced = labelLevel(namespace.enforceLevel);
  return enforced !== null && levelRank(enforced) >= levelRank(level);
}

/** The `kubectl label` command that makes a namespace enforce `level` at `version` (its readiness version). */
export function enforceCommand(namespace: string, level: string, version: string): string {
  return `kubectl label --overwrite namespace ${namespace} pod-security.kubernetes.io/enforce=${level} pod-security.kubernetes.io/enforce-version=${version}`;
}

function levelsOf(rule: AlertRuleRow): readonly ('baseline' | 'restricted')[] {
  const level = rule.parameters.level;
  return level === 'baseline' || level === 'restricted' ? [level] : LEVELS;
}

/**
 * The conditions of a namespace-level rule that hold on the cluster now. `firing` holds the fingerprints of the
 * rule's alerts firing before this evaluation (a regression keeps firing while the namespace stays blocked).
 */
export function namespaceConditions(rule: AlertRuleRow, snapshot: ClusterSnapshot, firing: ReadonlySet<string>, now: Date): AlertCondition[] {
  const { cluster } = snapshot;
  const watched = snapshot.namespaces.filter((n) => ruleWatchesNamespace(rule, n));
  const readinessOf = new Map<string, AlertReadinessRow>();
  for (const row of snapshot.readiness) readinessOf.set(`${row.namespaceId}:${row.level}`, row);
  const conditions: AlertCondition[] = [];
  const base = (trigger: AlertTrigger, namespace: AlertNamespaceRow, level: 'baseline' | 'restricted' | null) => ({
    fingerprint: [trigger, cluster.id, namespace.name, level ?? '-'].join(':'),
    namespaceName: namespace.name,
    level,
  });

  switch (rule.trigger) {
    case 'namespace_ready': {
      const windowStart = now.getTime() - cluster.readinessWindowDays * DAY_MS;
      for (const namespace of watched) {
        // Clean for the whole window: observed at least that long, so the window's audit events were all seen.
        if (namespace.observedSince.getTime() > windowStart) continue;
        for (const level of levelsOf(rule)) {
          const row = readinessOf.get(`${namespace.id}:${level}`);
          if (row?.status !== 'ready' || enforcesAtLeast(namespace, level)) continue;
          const noAudit = cluster.auditSource === null || cluster.auditSource === 'none';
          conditions.push({
            ...base('namespace_ready', namespace, level),
            severity: 'info',
            summary: `${namespace.name} is ready to enforce ${level} (${row.version}): clean for ${cluster.readinessWindowDays} days${noAudit ? '; the cluster sends no audit events, so short-lived pods were not seen' : ''}`,
            kubectlCommand: enforceCommand(namespace.name, level, row.version),
            detail: { version: row.version, windowDays: cluster.readinessWindowDays, observedSince: namespace.observedSince.toISOString(), auditSource: cluster.auditSource },
          });
        }
      }
      break;
    }
    case 'namespace_at_risk':
      for (const namespace of watched) {
        for (const level of levelsOf(rule)) {
          const row = readinessOf.get(`${namespace.id}:${level}`);
          if (!row?.atRisk) continue;
          conditions.push({
            ...base('namespace_at_risk', namespace, level),
            severity: 'critical',
            summary: `${namespace.name} enforces ${level} but ${row.blockingWorkloadCount} workload(s) and ${row.auditViolationCount} audit violation(s) fail it: its next rollout will be rejected`,
            kubectlCommand: null,
            detail: { version: row.version, blockingWorkloads: row.blockingWorkloadCount, auditViolations: row.auditViolationCount },
          });
        }
      }
      break;
    case 'readiness_regressed':
      for (const namespace of watched) {
        for (const level of levelsOf(rule)) {
          const row = readinessOf.get(`${namespace.id}:${level}`);
          if (row?.status !== 'blocked') continue;
          const fingerprint = base('readiness_regressed', namespace, level).fingerprint;
          const regressedNow = snapshot.previous.get(`${namespace.id}:${level}`) === 'ready';
          if (!regressedNow && !firing.has(fingerprint)) continue;
          conditions.push({
            ...base('readiness_regressed', namespace, level),
            severity: 'warning',
            summary: `${namespace.name} was ready for ${level} (${row.version}) and is now blocked by ${row.blockingWorkloadCount} workload(s) and ${row.auditViolationCount} audit violation(s)`,
            kubectlCommand: null,
            detail: { version: row.version, blockingWorkloads: row.blockingWorkloadCount, auditViolations: row.auditViolationCount },
          });
        }
      }
      break;
    case 'new_violation': {
      const byId = new Map(watched.map((n) => [n.id, n]));
      for (const finding of snapshot.findings) {
        if (finding.firstSeenAt < rule.createdAt) continue;
        const namespace = byId.get(finding.namespaceId);
        if (!namespace) continue;
        const broken: string[] = [];
        for (const [mode, levelLabel, versionLabel] of [
          ['audit', namespace.auditLevel, namespace.auditVersion],
          ['warn', namespace.warnLevel, namespace.warnVersion],
        ] as const) {
          const level = labelLevel(levelLabel);
          if (level !== null && levelRank(level) >= levelRank(finding.level) && (versionLabel ?? 'latest') === finding.version) broken.push(`${mode}=${level}`);
        }
        if (broken.length === 0) continue;
        const level = finding.level === 'restricted' ? 'restricted' : 'baseline';
        conditions.push({
          fingerprint: ['new_violation', finding.fingerprint, finding.version].join(':'),
          namespaceName: namespace.name,
          level,
          // A baseline violation breaks more namespaces' expectations than a restricted-only one.
          severity: level === 'baseline' ? 'warning' : 'info',
          summary: `${namespace.name}: ${finding.workloadKind} ${finding.workloadName} fails ${finding.checkId} (${level}:${finding.version}), which its ${broken.join(' and ')} label reports: ${finding.message}`,
          kubectlCommand: null,
          detail: { workloadKind: finding.workloadKind, workloadName: finding.workloadName, checkId: finding.checkId, version: finding.version, breaks: broken },
        });
      }
      break;
    }
    case 'privileged_namespace': {
      const allowed = new Set(snapshot.privilegedAllowlist);
      for (const namespace of watched) {
        if (allowed.has(namespace.name)) continue;
        // An unlabeled namespace gets the cluster's PSA default (privileged upstream); an invalid label value
        // makes PSA fall back to restricted, so it is not privileged.
        const effective = namespace.enforceLevel === null ? (cluster.defaultEnforce ?? 'privileged') : namespace.enforceLevel;
        if (effective !== 'privileged') continue;
        conditions.push({
          ...base('privileged_namespace', namespace, null),
          severity: 'warning',
          summary: `${namespace.name} enforces privileged${namespace.enforceLevel === null ? ' (no enforce label)' : ''} and is not in the privileged allowlist`,
          kubectlCommand: null,
          detail: { enforceLabel: namespace.enforceLevel, allowlist: [...allowed] },
        });
      }
      break;
    }
    case 'agent_silent':
      break;
  }
  return conditions;
}

/** The `agent_silent` condition of a cluster, when its agent has been silent for the rule's minutes. */
export function silenceCondition(rule: AlertRuleRow, cluster: AlertClusterRow, now: Date): AlertCondition | null {
  // A cluster whose agent never reported is not silent: it was never installed.
  if (cluster.lastSeenAt === null) return null;
  const minutes = rule.parameters.silentMinutes ?? DEFAULT_SILENT_MINUTES;
  const silentMs = now.getTime() - cluster.lastSeenAt.getTime();
  if (silentMs < minutes * MINUTE_MS) return null;
  return {
    fingerprint: ['agent_silent', cluster.id].join(':'),
    namespaceName: null,
    level: null,
    severity: 'critical',
    summary: `the agent of ${cluster.name} has been silent for ${Math.floor(silentMs / MINUTE_MS)} minutes (last seen ${cluster.lastSeenAt.toISOString()})`,
    kubectlCommand: null,
    detail: { lastSeenAt: cluster.lastSeenAt.toISOString(), silentMinutes: minutes },
  };
}
