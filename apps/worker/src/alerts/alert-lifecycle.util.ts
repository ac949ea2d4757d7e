import { severityRank } from '@ratchet/contracts';
import type { AlertItem, AlertSeverity } from '@ratchet/contracts';

import type { AlertCondition } from './alert-conditions.util.js';
import type { AlertRuleRow, AlertStateRow } from './alert-sources.repository.js';

const MINUTE_MS = 60_000;

/** A state to write as firing (new, or firing again after it resolved). */
export interface FiringWrite {
  condition: AlertCondition;
  /** Whether this firing is sent: false inside the rule's cooldown since the alert was last sent. */
  notify: boolean;
}

/** What one evaluation of one rule on one cluster changes, and the one message it sends (if any). */
export interface RulePlan {
  fire: FiringWrite[];
  /** States that stop firing. */
  resolve: AlertStateRow[];
  firing: AlertItem[];
  resolved: AlertItem[];
  severity: AlertSeverity;
}

function item(rule: AlertRuleRow, condition: AlertCondition, firedAt: Date, resolvedAt: Date | null): AlertItem {
  return {
    fingerprint: condition.fingerprint,
    trigger: rule.trigger,
    severity: condition.severity,
    summary: condition.summary,
    namespace: condition.namespaceName,
    level: condition.level,
    kubectlCommand: condition.kubectlCommand,
    detail: condition.detail,
    firedAt: firedAt.toISOString(),
    resolvedAt: resolvedAt?.toISOString() ?? null,
  };
}

function stateCondition(state: AlertStateRow): AlertCondition {
  const detail = state.detail;
  return {
    fingerprint: state.fingerprint,
    severity: state.severity,
    namespaceName: state.namespaceName,
    level: detail.level === 'baseline' || detail.level === 'restricted' ? detail.level : null,
    summary: state.summary,
    kubectlCommand: typeof detail.kubectlCommand === 'string' ? detail.kubectlCommand : null,
    detail,
  };
}

/**
 * The lifecycle of one rule's alerts on one cluster, from the conditions that hold now and the stored states:
 * - a condition without a firing state fires; it is sent unless the same alert was sent less than
 *   `cooldownMinutes` ago (a flapping namespace does not page every few minutes);
 * - a firing state whose condition no longer holds resolves; the resolve is sent only if its firing was;
 * - a firing state whose condition still holds is deduplicated: nothing is sent.
 * Conditions below the rule's minimum severity are dropped before any of this.
 */
export function planRule(rule: AlertRuleRow, conditions: readonly AlertCondition[], states: readonly AlertStateRow[], now: Date): RulePlan {
  const kept = conditions.filter((c) => severityRank(c.severity) >= severityRank(rule.minSeverity));
  const stateOf = new Map(states.map((s) => [s.fingerprint, s]));
  const holding = new Set(kept.map((c) => c.fingerprint));
  const plan: RulePlan = { fire: [], resolve: [], firing: [], resolved: [], severity: 'info' };
  const cooldownMs = rule.cooldownMinutes * MINUTE_MS;

  for (const condition of kept) {
    const state = stateOf.get(condition.fingerprint);
    if (state?.status === 'firing') continue;
    const notify = state?.lastNotifiedAt == null || now.getTime() - state.lastNotifiedAt.getTime() >= cooldownMs;
    plan.fire.push({ condition, notify });
    if (notify) plan.firing.push(item(rule, condition, now, null));
  }
  for (const state of states) {
    if (state.status !== 'firing' || holding.has(state.fingerprint)) continue;
    plan.resolve.push(state);
    if (state.notified) plan.resolved.push(item(rule, stateCondition(state), state.lastFiredAt, now));
  }
  const severities = [...plan.firing, ...plan.resolved].map((i) => i.severity);
  plan.severity = severities.reduce<AlertSeverity>((max, s) => (severityRank(s) > severityRank(max) ? s : max), 'info');
  return plan;
}
