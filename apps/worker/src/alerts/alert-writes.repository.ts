import type { AlertMessage, AlertSeverity } from '@ratchet/contracts';
import type { Transaction } from '@ratchet/db';

import type { FiringWrite } from './alert-lifecycle.util.js';

/** Writes these alerts of a rule on a cluster as firing since `now` (new rows, or resolved ones firing again). */
export async function writeFiringStates(tx: Transaction, orgId: string, ruleId: string, clusterId: string, writes: readonly FiringWrite[], now: Date): Promise<void> {
  if (writes.length === 0) return;
  const rows = writes.map(({ condition, notify }) => ({
    fingerprint: condition.fingerprint,
    severity: condition.severity,
    namespace_name: condition.namespaceName,
    summary: condition.summary,
    // The level and command travel with the state, so a resolve message can show them without the condition.
    detail: { ...condition.detail, level: condition.level, kubectlCommand: condition.kubectlCommand },
    notify,
  }));
  await tx.$executeRaw`
    INSERT INTO alert_states (org_id, rule_id, cluster_id, fingerprint, status, severity, namespace_name, summary, detail,
                              first_fired_at, last_fired_at, resolved_at, last_notified_at, notified)
    SELECT ${orgId}::uuid, ${ruleId}::uuid, ${clusterId}::uuid, r.fingerprint, 'firing', r.severity::alert_severity, r.namespace_name,
           r.summary, r.detail, ${now}::timestamptz, ${now}::timestamptz, NULL,
           CASE WHEN r.notify THEN ${now}::timestamptz END, r.notify
    FROM json_to_recordset(${JSON.stringify(rows)}::json)
      AS r(fingerprint text, severity text, namespace_name text, summary text, detail jsonb, notify boolean)
    ON CONFLICT (org_id, rule_id, fingerprint) DO UPDATE SET
      status = 'firing', severity = EXCLUDED.severity, namespace_name = EXCLUDED.namespace_name, summary = EXCLUDED.summary,
      detail = EXCLUDED.detail, last_fired_at = EXCLUDED.last_fired_at, resolved_at = NULL,
      last_notified_at = COALESCE(EXCLUDED.last_notified_at, alert_states.last_notified_at), notified = EXCLUDED.notified`;
}

/** Marks these states resolved at `now`. */
export async function resolveStates(tx: Transaction, orgId: string, stateIds: readonly string[], now: Date): Promise<void> {
  if (stateIds.length === 0) return;
  await tx.$executeRaw`
    UPDATE alert_states SET status = 'resolved', resolved_at = ${now}::timestamptz
    WHERE org_id = ${orgId}::uuid AND id = ANY(${[...stateIds]}::uuid[]) AND status = 'firing'`;
}

export interface NewDelivery {
  ruleId: string;
  channelId: string;
  clusterId: string;
  dedupKey: string;
  severity: AlertSeverity;
  message: AlertMessage;
}

/** Inserts pending deliveries (a dedup key already stored is skipped); returns the ids inserted. */
export async function insertDeliveries(tx: Transaction, orgId: string, deliveries: readonly NewDelivery[], now: Date): Promise<string[]> {
  if (deliveries.length === 0) return [];
  const rows = deliveries.map((d) => ({
    rule_id: d.ruleId,
    channel_id: d.channelId,
    cluster_id: d.clusterId,
    dedup_key: d.dedupKey,
    severity: d.severity,
    payload: d.message,
    firing_count: d.message.firing.length,
    resolved_count: d.message.resolved.length,
  }));
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO alert_deliveries (org_id, rule_id, channel_id, cluster_id, kind, dedup_key, severity, status, payload,
                                  firing_count, resolved_count, next_attempt_at, created_at, updated_at)
    SELECT ${orgId}::uuid, r.rule_id, r.channel_id, r.cluster_id, 'notification', r.dedup_key, r.severity::alert_severity, 'pending',
           r.payload, r.firing_count, r.resolved_count, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz
    FROM json_to_recordset(${JSON.stringify(rows)}::json)
      AS r(rule_id uuid, channel_id uuid, cluster_id uuid, dedup_key text, severity text, payload jsonb, firing_count int, resolved_count int)
    ON CONFLICT (org_id, channel_id, dedup_key) DO NOTHING
    RETURNING id`;
  return inserted.map((r) => r.id);
}

/**
 * Pending deliveries of a cluster never attempted: enqueued again by each evaluation, so a delivery whose enqueue
 * failed after its transaction committed is still sent (the job id is the delivery's, so a job already queued is
 * not doubled).
 */
export async function unattemptedDeliveryIds(tx: Transaction, orgId: string, clusterId: string | null): Promise<string[]> {
  const rows = await tx.alertDelivery.findMany({
    where: { orgId, status: 'pending', attempts: 0, kind: 'notification', ...(clusterId === null ? {} : { clusterId }) },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
    take: 10_000,
  });
  return rows.map((r) => r.id);
}
