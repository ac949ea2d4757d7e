import { randomUUID } from 'node:crypto';

import type { AlertMessage } from '@ratchet/contracts';
import type { Prisma } from '@ratchet/db';

import { ownerClient } from './db.factory.js';

const SECRET = 'whsec_factory_0123456789abcdef0123456789abcdef';

/** A webhook channel stored directly (no destination check): its URL points at `url`. */
export async function createAlertChannel(databaseUrl: string, orgId: string, overrides: { name?: string; url?: string } = {}): Promise<{ id: string; secret: string }> {
  const channel = await ownerClient(databaseUrl).alertChannel.create({
    data: { orgId, name: overrides.name ?? `channel-${randomUUID().slice(0, 8)}`, type: 'webhook', config: { url: overrides.url ?? 'http://127.0.0.1:9/ratchet', secret: SECRET } },
  });
  return { id: channel.id, secret: SECRET };
}

export async function createAlertRule(databaseUrl: string, orgId: string, channelId: string, overrides: { name?: string } = {}): Promise<{ id: string }> {
  const db = ownerClient(databaseUrl);
  const rule = await db.alertRule.create({ data: { orgId, name: overrides.name ?? `rule-${randomUUID().slice(0, 8)}`, trigger: 'namespace_at_risk' } });
  await db.alertRuleChannel.create({ data: { orgId, ruleId: rule.id, channelId } });
  return { id: rule.id };
}

/** A firing alert of the rule and its delivered message, as the worker would have written them. */
export async function createAlertHistory(
  databaseUrl: string,
  ref: { orgId: string; clusterId: string; ruleId: string; channelId: string },
  overrides: { namespace?: string; firedAt?: Date } = {},
): Promise<{ stateId: string; deliveryId: string }> {
  const db = ownerClient(databaseUrl);
  const firedAt = overrides.firedAt ?? new Date();
  const namespace = overrides.namespace ?? 'shop';
  const fingerprint = `namespace_at_risk:${ref.clusterId}:${namespace}:baseline`;
  const state = await db.alertState.create({
    data: {
      orgId: ref.orgId,
      ruleId: ref.ruleId,
      clusterId: ref.clusterId,
      fingerprint,
      status: 'firing',
      severity: 'critical',
      namespaceName: namespace,
      summary: `${namespace} enforces baseline but 1 workload(s) fail it`,
      firstFiredAt: firedAt,
      lastFiredAt: firedAt,
      lastNotifiedAt: firedAt,
      notified: true,
    },
  });
  const message: AlertMessage = {
    version: 1,
    kind: 'notification',
    organizationId: ref.orgId,
    rule: { id: ref.ruleId, name: 'at risk', trigger: 'namespace_at_risk' },
    cluster: { id: ref.clusterId, name: 'cluster' },
    severity: 'critical',
    firing: [
      {
        fingerprint,
        trigger: 'namespace_at_risk',
        severity: 'critical',
        summary: state.summary,
        namespace,
        level: 'baseline',
        kubectlCommand: null,
        detail: {},
        firedAt: firedAt.toISOString(),
        resolvedAt: null,
      },
    ],
    resolved: [],
    generatedAt: firedAt.toISOString(),
  };
  const delivery = await db.alertDelivery.create({
    data: {
      orgId: ref.orgId,
      ruleId: ref.ruleId,
      channelId: ref.channelId,
      clusterId: ref.clusterId,
      dedupKey: randomUUID(),
      severity: 'critical',
      status: 'delivered',
      payload: message as unknown as Prisma.InputJsonObject,
      firingCount: 1,
      attempts: 1,
      responseCode: 200,
      responseExcerpt: 'ok',
      deliveredAt: firedAt,
      createdAt: firedAt,
    },
  });
  return { stateId: state.id, deliveryId: delivery.id };
}
