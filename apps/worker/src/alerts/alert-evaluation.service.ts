import { createHash } from 'node:crypto';

import { ORGANIZATION_SETTINGS_DEFAULTS } from '@ratchet/contracts';
import type { AlertMessage, AlertTrigger } from '@ratchet/contracts';
import { listOrganizationIds, readOrganizationSettings, withSystem, withTenant } from '@ratchet/db';
import type { ClusterScope, PrismaClient, Transaction, TransactionOptions } from '@ratchet/db';

import { namespaceConditions, silenceCondition } from './alert-conditions.util.js';
import type { AlertCondition, ClusterSnapshot } from './alert-conditions.util.js';
import { planRule } from './alert-lifecycle.util.js';
import { ruleWatchesCluster } from './alert-scope.util.js';
import {
  lockClusterAlerts,
  readAlertClusters,
  readAlertNamespaces,
  readAlertReadiness,
  readAlertStates,
  readEnabledRules,
  readOpenFindingsSince,
  readReadinessObservations,
  writeReadinessObservations,
} from './alert-sources.repository.js';
import type { AlertClusterRow, AlertRuleRow, AlertStateRow } from './alert-sources.repository.js';
import { insertDeliveries, resolveStates, unattemptedDeliveryIds, writeFiringStates } from './alert-writes.repository.js';
import type { NewDelivery } from './alert-writes.repository.js';

/** The triggers evaluated after a cluster's readiness or findings change; `agent_silent` runs on its schedule. */
export const NAMESPACE_TRIGGERS: readonly AlertTrigger[] = ['namespace_ready', 'namespace_at_risk', 'readiness_regressed', 'new_violation', 'privileged_namespace'];

const TX: TransactionOptions = { maxWait: 10_000, timeout: 60_000 };

export interface AlertEvaluation {
  fired: number;
  resolved: number;
  /** Grouped messages written (one per rule and cluster with something to say, times its channels). */
  deliveries: number;
  /** Deliveries to enqueue: the new ones and any never attempted (their enqueue may have been lost). */
  deliveryIds: string[];
}

const EMPTY: AlertEvaluation = { fired: 0, resolved: 0, deliveries: 0, deliveryIds: [] };

function dedupKey(rule: AlertRuleRow, clusterId: string, message: AlertMessage): string {
  const fingerprints = [...message.firing.map((i) => `+${i.fingerprint}`), ...message.resolved.map((i) => `-${i.fingerprint}`)].sort();
  const digest = createHash('sha256').update(JSON.stringify([rule.id, clusterId, message.generatedAt, fingerprints])).digest('hex');
  return `${rule.id}.${clusterId}.${digest}`;
}

/**
 * Runs alert rules against what the worker computed (readiness, findings, agent last-seen times), on an injected
 * clock. Each evaluation of a cluster happens in one tenant transaction under a per-cluster advisory lock: the
 * state changes and the deliveries they cause commit together, so a retried job finds nothing new to send.
 */
export class AlertEvaluationService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Evaluates the namespace triggers of the organization's rules on one cluster. */
  async evaluateCluster(scope: ClusterScope): Promise<AlertEvaluation> {
    return withTenant(
      this.prisma,
      scope.orgId,
      async (tx) => {
        await lockClusterAlerts(tx, scope);
        const now = this.now();
        const [cluster] = await readAlertClusters(tx, scope.orgId, scope.clusterId);
        if (!cluster) return EMPTY;
        const readiness = await readAlertReadiness(tx, scope);
        const previous = await readReadinessObservations(tx, scope);
        const rules = (await readEnabledRules(tx, scope.orgId, NAMESPACE_TRIGGERS)).filter((rule) => ruleWatchesCluster(rule, scope.clusterId));
        const result: AlertEvaluation = { ...EMPTY, deliveryIds: [] };
        if (rules.length > 0) {
          const violationRules = rules.filter((rule) => rule.trigger === 'new_violation');
          const oldest = violationRules.reduce<Date | null>((min, rule) => (min === null || rule.createdAt < min ? rule.createdAt : min), null);
          const snapshot: ClusterSnapshot = {
            cluster,
            namespaces: await readAlertNamespaces(tx, scope),
            readiness,
            findings: oldest === null ? [] : await readOpenFindingsSince(tx, scope, oldest),
            previous,
            // The organization's setting, read in the same transaction as the readiness it is judged against.
            privilegedAllowlist: (await readOrganizationSettings(tx, scope))?.privilegedNamespaceAllowlist ?? ORGANIZATION_SETTINGS_DEFAULTS.privilegedNamespaceAllowlist,
          };
          const states = groupStates(await readAlertStates(tx, scope.orgId, rules.map((r) => r.id), scope.clusterId));
          for (const rule of rules) {
            const ruleStates = states.get(rule.id) ?? [];
            const firing = new Set(ruleStates.filter((s) => s.status === 'firing').map((s) => s.fingerprint));
            await this.applyRule(tx, scope.orgId, rule, cluster, namespaceConditions(rule, snapshot, firing, now), ruleStates, now, result);
          }
        }
        await writeReadinessObservations(tx, scope, readiness, now);
        result.deliveryIds = await unattemptedDeliveryIds(tx, scope.orgId, scope.clusterId);
        return result;
      },
      TX,
    );
  }

  /**
   * Evaluates `agent_silent` rules of every organization on every cluster they watch (the scheduled check), and
   * hands back every organization's never-attempted deliveries, so one whose enqueue was lost is sent within a tick.
   */
  async evaluateSilence(): Promise<Map<string, AlertEvaluation>> {
    const orgIds = await withSystem(this.prisma, (tx) => listOrganizationIds(tx));
    const results = new Map<string, AlertEvaluation>();
    for (const orgId of orgIds) {
      const evaluation = await withTenant(
        this.prisma,
        orgId,
        async (tx) => {
          const rules = await readEnabledRules(tx, orgId, ['agent_silent']);
          const result: AlertEvaluation = { ...EMPTY, deliveryIds: [] };
          const now = this.now();
          for (const cluster of rules.length === 0 ? [] : await readAlertClusters(tx, orgId)) {
            const watching = rules.filter((rule) => ruleWatchesCluster(rule, cluster.id));
            if (watching.length === 0) continue;
            await lockClusterAlerts(tx, { orgId, clusterId: cluster.id });
            const states = groupStates(await readAlertStates(tx, orgId, watching.map((r) => r.id), cluster.id));
            for (const rule of watching) {
              const condition = silenceCondition(rule, cluster, now);
              await this.applyRule(tx, orgId, rule, cluster, condition ? [condition] : [], states.get(rule.id) ?? [], now, result);
            }
          }
          result.deliveryIds = await unattemptedDeliveryIds(tx, orgId, null);
          return result;
        },
        TX,
      );
      if (evaluation.deliveryIds.length > 0 || evaluation.fired > 0 || evaluation.resolved > 0) results.set(orgId, evaluation);
    }
    return results;
  }

  private async applyRule(
    tx: Transaction,
    orgId: string,
    rule: AlertRuleRow,
    cluster: AlertClusterRow,
    conditions: readonly AlertCondition[],
    states: readonly AlertStateRow[],
    now: Date,
    result: AlertEvaluation,
  ): Promise<void> {
    const plan = planRule(rule, conditions, states, now);
    await writeFiringStates(tx, orgId, rule.id, cluster.id, plan.fire, now);
    await resolveStates(tx, orgId, plan.resolve.map((s) => s.id), now);
    result.fired += plan.fire.length;
    result.resolved += plan.resolve.length;
    if ((plan.firing.length === 0 && plan.resolved.length === 0) || rule.channelIds.length === 0) return;
    // One message per rule and cluster per evaluation, whatever the number of namespaces: grouping happens here.
    const message: AlertMessage = {
      version: 1,
      kind: 'notification',
      organizationId: orgId,
      rule: { id: rule.id, name: rule.name, trigger: rule.trigger },
      cluster: { id: cluster.id, name: cluster.name },
      severity: plan.severity,
      firing: plan.firing,
      resolved: plan.resolved,
      generatedAt: now.toISOString(),
    };
    const key = dedupKey(rule, cluster.id, message);
    const deliveries: NewDelivery[] = rule.channelIds.map((channelId) => ({ ruleId: rule.id, channelId, clusterId: cluster.id, dedupKey: key, severity: plan.severity, message }));
    result.deliveries += (await insertDeliveries(tx, orgId, deliveries, now)).length;
  }
}

function groupStates(states: readonly AlertStateRow[]): Map<string, AlertStateRow[]> {
  const byRule = new Map<string, AlertStateRow[]>();
  for (const state of states) {
    const list = byRule.get(state.ruleId);
    if (list) list.push(state);
    else byRule.set(state.ruleId, [state]);
  }
  return byRule;
}
