import { AlertMessage, EmailChannelConfig, LabelSelector } from '@ratchet/contracts';
import type { AlertChannel, AlertDelivery, AlertHistoryItem, AlertRule } from '@ratchet/contracts';

import type { AlertChannelRow } from './alert-channels.repository.js';
import type { AlertDeliveryRow, AlertStateRow } from './alert-history.repository.js';
import type { AlertRuleRow } from './alert-rules.repository.js';

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** The last 4 characters of a secret, after a fixed mask: enough to tell two secrets apart, never to use one. */
function tail(secret: string): string {
  return secret.length > 12 ? secret.slice(-4) : '';
}

/** `whsec_…a1b2`: the secret's scheme prefix (if any) and its last four characters. */
export function secretPreview(secret: string): string {
  const prefix = /^[a-z]+_/.exec(secret)?.[0] ?? '';
  return `${prefix}…${tail(secret)}`;
}

/** `https://hooks.slack.com/…XXXX`: a URL that is itself a credential, shown by its origin and last characters. */
export function urlPreview(url: string): string {
  return `${new URL(url).origin}/…${tail(url)}`;
}

export function toAlertChannel(row: AlertChannelRow): AlertChannel {
  const base = {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    health: {
      healthy: row.healthy,
      failingSince: iso(row.failingSince),
      unhealthySince: iso(row.unhealthySince),
      lastSuccessAt: iso(row.lastSuccessAt),
      lastFailureAt: iso(row.lastFailureAt),
      lastError: row.lastError,
    },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
  const config = row.config as Record<string, unknown>;
  switch (row.type) {
    case 'webhook':
      return { ...base, type: 'webhook', config: { url: String(config.url), secretPreview: secretPreview(typeof config.secret === 'string' ? config.secret : '') } };
    case 'slack':
      return { ...base, type: 'slack', config: { webhookUrlPreview: urlPreview(String(config.webhookUrl)) } };
    case 'teams':
      return { ...base, type: 'teams', config: { webhookUrlPreview: urlPreview(String(config.webhookUrl)) } };
    case 'email': {
      const email = EmailChannelConfig.parse(config);
      return {
        ...base,
        type: 'email',
        config: { host: email.host, port: email.port, security: email.security, username: email.username ?? null, passwordSet: email.password !== undefined, from: email.from, to: email.to },
      };
    }
  }
}

export function toAlertRule(row: AlertRuleRow): AlertRule {
  const parameters = (row.parameters ?? {}) as { level?: 'baseline' | 'restricted' | null; silentMinutes?: number | null };
  const selector = row.labelSelector === null ? null : LabelSelector.parse(row.labelSelector);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    enabled: row.enabled,
    trigger: row.trigger,
    level: parameters.level ?? null,
    silentMinutes: parameters.silentMinutes ?? null,
    minSeverity: row.minSeverity,
    scope: {
      clusterIds: row.clusterIds,
      includeNamespaces: row.includeNamespaces,
      excludeNamespaces: row.excludeNamespaces,
      labelSelector: selector && { matchLabels: selector.matchLabels, matchExpressions: selector.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, values: e.values })) },
    },
    cooldownMinutes: row.cooldownMinutes,
    channelIds: row.channelIds,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toAlertDelivery(row: AlertDeliveryRow): AlertDelivery {
  return {
    id: row.id,
    kind: row.kind,
    ruleId: row.ruleId,
    channelId: row.channelId,
    clusterId: row.clusterId,
    severity: row.severity,
    status: row.status,
    firingCount: row.firingCount,
    resolvedCount: row.resolvedCount,
    attempts: row.attempts,
    lastAttemptAt: iso(row.lastAttemptAt),
    nextAttemptAt: iso(row.nextAttemptAt),
    deliveredAt: iso(row.deliveredAt),
    responseCode: row.responseCode,
    responseExcerpt: row.responseExcerpt,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    message: AlertMessage.parse(row.payload),
  };
}

export function toAlertHistoryItem(row: AlertStateRow): AlertHistoryItem {
  return {
    id: row.id,
    ruleId: row.ruleId,
    clusterId: row.clusterId,
    fingerprint: row.fingerprint,
    status: row.status,
    severity: row.severity,
    namespace: row.namespaceName,
    summary: row.summary,
    firstFiredAt: row.firstFiredAt.toISOString(),
    lastFiredAt: row.lastFiredAt.toISOString(),
    resolvedAt: iso(row.resolvedAt),
    lastNotifiedAt: iso(row.lastNotifiedAt),
  };
}
