import { z } from 'zod';

import { Email } from './auth.contract.js';
import { Count, CursorPageQuery, EnforceableLevel, Id, StorableText, Timestamp, pageOf } from './common.contract.js';

// Alerts (issue 9): rules as data, channels behind one small interface, and what was sent. Secrets (a webhook's
// signing secret, an SMTP password, Slack and Teams webhook URLs, which are credentials themselves) are written
// here and never read back in full: the API answers previews.

/**
 * What makes a rule fire, per namespace (or per cluster for `agent_silent`):
 * - `namespace_ready`: ready to enforce a level (clean for the whole readiness window, observed that long, and
 *   not enforcing it yet); the alert carries the `kubectl label` command.
 * - `namespace_at_risk`: the namespace enforces a level that something in it fails; its next rollout is rejected.
 * - `readiness_regressed`: readiness went from ready to blocked.
 * - `new_violation`: a finding opened (after the rule was created) in a namespace whose audit or warn level it
 *   breaks.
 * - `privileged_namespace`: a namespace enforces privileged (or nothing) and is not in the privileged allowlist.
 * - `agent_silent`: the cluster's agent has not been heard from for `silentMinutes`.
 */
export const AlertTrigger = z.enum(['namespace_ready', 'namespace_at_risk', 'readiness_regressed', 'new_violation', 'privileged_namespace', 'agent_silent']);
export type AlertTrigger = z.infer<typeof AlertTrigger>;

/** Severity of an alert, lowest first; a rule sends only alerts at or above its `minSeverity`. */
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export const AlertSeverity = z.enum(ALERT_SEVERITIES);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

/** Rank of a severity (info 0, warning 1, critical 2). */
export function severityRank(severity: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(severity);
}

export const AlertChannelType = z.enum(['webhook', 'slack', 'teams', 'email']);
export type AlertChannelType = z.infer<typeof AlertChannelType>;

/** The triggers whose alerts are about one level (`level` absent: both baseline and restricted). */
export const LEVEL_TRIGGERS: readonly AlertTrigger[] = ['namespace_ready', 'namespace_at_risk', 'readiness_regressed'];

/** Limits of a rule's scope. */
export const ALERT_SCOPE_LIMITS = { clusters: 100, patterns: 50, matchLabels: 20, matchExpressions: 20, values: 50 } as const;

/**
 * A namespace name glob (minimatch syntax: `*`, `?`, `[a-z]`, `{a,b}`; `!` negation is not allowed, use
 * `excludeNamespaces`). Matched against the whole name.
 */
export const NamespacePattern = StorableText.min(1)
  .max(253)
  .regex(/^[a-z0-9*?[\]{},.-]+$/, { message: "must be a namespace name glob: lowercase alphanumerics, '-', '.', and * ? [ ] { } ," });

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** A Kubernetes label key (optional DNS prefix, then a name of at most 63 characters). */
export const LabelKey = z.string().max(317).regex(LABEL_KEY, { message: 'must be a Kubernetes label key such as pod-security.kubernetes.io/enforce' });
/** A Kubernetes label value: at most 63 characters, alphanumerics with '-', '_', '.' inside. */
export const LabelValue = z.string().max(63).regex(LABEL_VALUE, { message: "must be a Kubernetes label value (at most 63 alphanumerics, '-', '_' or '.')" });

/** One requirement of a label selector, as in Kubernetes' LabelSelectorRequirement. */
export const LabelSelectorRequirement = z
  .strictObject({
    key: LabelKey,
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
    values: z.array(LabelValue).max(ALERT_SCOPE_LIMITS.values).default([]),
  })
  .superRefine((requirement, ctx) => {
    const needsValues = requirement.operator === 'In' || requirement.operator === 'NotIn';
    if (needsValues && requirement.values.length === 0) ctx.addIssue({ code: 'custom', path: ['values'], message: `must not be empty for ${requirement.operator}` });
    if (!needsValues && requirement.values.length > 0) ctx.addIssue({ code: 'custom', path: ['values'], message: `must be empty for ${requirement.operator}` });
  });
export type LabelSelectorRequirement = z.infer<typeof LabelSelectorRequirement>;

/**
 * A Kubernetes LabelSelector over a namespace's labels: every `matchLabels` pair and every requirement must hold.
 * The agent reports a namespace's `pod-security.kubernetes.io/*` labels only, so those are the labels selectors see.
 */
export const LabelSelector = z.strictObject({
  matchLabels: z
    .record(LabelKey, LabelValue)
    .refine((labels) => Object.keys(labels).length <= ALERT_SCOPE_LIMITS.matchLabels, { message: `must have at most ${ALERT_SCOPE_LIMITS.matchLabels} labels` })
    .default({}),
  matchExpressions: z.array(LabelSelectorRequirement).max(ALERT_SCOPE_LIMITS.matchExpressions).default([]),
});
export type LabelSelector = z.infer<typeof LabelSelector>;

/** Which clusters and namespaces a rule watches. Empty lists mean all; `excludeNamespaces` wins over include. */
export const AlertRuleScope = z.strictObject({
  clusterIds: z.array(Id).max(ALERT_SCOPE_LIMITS.clusters).default([]),
  includeNamespaces: z.array(NamespacePattern).max(ALERT_SCOPE_LIMITS.patterns).default([]),
  excludeNamespaces: z.array(NamespacePattern).max(ALERT_SCOPE_LIMITS.patterns).default([]),
  labelSelector: LabelSelector.nullable().default(null),
});
export type AlertRuleScope = z.infer<typeof AlertRuleScope>;

/** Minutes of silence before `agent_silent` fires: 2 minutes to 7 days. */
export const SilentMinutes = z.int().min(2).max(7 * 24 * 60);

const ruleFields = {
  name: StorableText.trim().min(1).max(100),
  description: StorableText.max(1000).nullable().default(null),
  enabled: z.boolean().default(true),
  /** For the level triggers: the level watched; null watches both baseline and restricted. */
  level: EnforceableLevel.nullable().default(null),
  /** For `agent_silent` only: minutes without a batch or heartbeat (default 15). */
  silentMinutes: SilentMinutes.nullable().default(null),
  minSeverity: AlertSeverity.default('info'),
  scope: AlertRuleScope.prefault({}),
  /** Minimum minutes between two notifications of the same alert (0 to 7 days; default 60). */
  cooldownMinutes: z.int().min(0).max(7 * 24 * 60).default(60),
  channelIds: z.array(Id).min(1).max(20),
};

function checkRuleShape(rule: { trigger: AlertTrigger; level: unknown; silentMinutes: unknown }, ctx: z.RefinementCtx): void {
  if (rule.level !== null && !LEVEL_TRIGGERS.includes(rule.trigger)) ctx.addIssue({ code: 'custom', path: ['level'], message: `must be null for trigger ${rule.trigger}` });
  if (rule.silentMinutes !== null && rule.trigger !== 'agent_silent') ctx.addIssue({ code: 'custom', path: ['silentMinutes'], message: 'is only for trigger agent_silent' });
}

/** `POST /api/v1/alert-rules`. */
export const CreateAlertRuleRequest = z.strictObject({ ...ruleFields, trigger: AlertTrigger }).superRefine(checkRuleShape);
export type CreateAlertRuleRequest = z.infer<typeof CreateAlertRuleRequest>;

/** `PATCH /api/v1/alert-rules/:ruleId`: the fields given replace the stored ones; the trigger cannot change. */
export const UpdateAlertRuleRequest = z
  .strictObject({
    name: ruleFields.name.optional(),
    description: StorableText.max(1000).nullable().optional(),
    enabled: z.boolean().optional(),
    level: EnforceableLevel.nullable().optional(),
    silentMinutes: SilentMinutes.nullable().optional(),
    minSeverity: AlertSeverity.optional(),
    scope: AlertRuleScope.optional(),
    cooldownMinutes: ruleFields.cooldownMinutes.optional(),
    channelIds: ruleFields.channelIds.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'must change at least one field' });
export type UpdateAlertRuleRequest = z.infer<typeof UpdateAlertRuleRequest>;

export const AlertRule = z.strictObject({
  id: Id,
  name: z.string(),
  description: z.string().nullable(),
  enabled: z.boolean(),
  trigger: AlertTrigger,
  level: EnforceableLevel.nullable(),
  silentMinutes: z.int().nullable(),
  minSeverity: AlertSeverity,
  scope: z.strictObject({
    clusterIds: z.array(Id),
    includeNamespaces: z.array(z.string()),
    excludeNamespaces: z.array(z.string()),
    labelSelector: z.strictObject({ matchLabels: z.record(z.string(), z.string()), matchExpressions: z.array(z.strictObject({ key: z.string(), operator: z.string(), values: z.array(z.string()) })) }).nullable(),
  }),
  cooldownMinutes: z.int(),
  channelIds: z.array(Id),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type AlertRule = z.infer<typeof AlertRule>;
export const AlertRuleList = z.strictObject({ items: z.array(AlertRule) });
export type AlertRuleList = z.infer<typeof AlertRuleList>;
export const AlertRuleParams = z.strictObject({ ruleId: Id });
export type AlertRuleParams = z.infer<typeof AlertRuleParams>;

// ---------------------------------------------------------------------------------------------------------------
// Channels

/** An outbound URL: http or https, no credentials in it, at most 2048 characters. */
export const OutboundUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2048)
  .refine(
    (value) => {
      // zod runs refinements after a failed format check too: text that is no URL is already reported above.
      const url = URL.parse(value);
      return url === null || (url.username === '' && url.password === '');
    },
    { message: 'must not carry a user name or password' },
  );

/** A webhook signing secret: 32 to 256 printable ASCII characters. Generated when left out. */
export const WebhookSecret = z.string().min(32).max(256).regex(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' });

export const WebhookChannelConfig = z.strictObject({ url: OutboundUrl, secret: WebhookSecret.optional() });
export const SlackChannelConfig = z.strictObject({ webhookUrl: OutboundUrl });
export const TeamsChannelConfig = z.strictObject({ webhookUrl: OutboundUrl });
/** SMTP host: a DNS name or an IP address. */
export const SmtpHost = z.string().min(1).max(253).regex(/^[A-Za-z0-9.:[\]-]+$/, { message: 'must be a host name or IP address' });
export const EmailChannelConfig = z.strictObject({
  host: SmtpHost,
  port: z.int().min(1).max(65535).default(587),
  /** `tls`: TLS from the first byte (465); `starttls`: upgrade required; `none`: plain (only for allowed hosts). */
  security: z.enum(['tls', 'starttls', 'none']).default('starttls'),
  username: StorableText.min(1).max(256).optional(),
  password: StorableText.min(1).max(256).optional(),
  from: Email,
  to: z.array(Email).min(1).max(50),
});
export type WebhookChannelConfig = z.infer<typeof WebhookChannelConfig>;
export type SlackChannelConfig = z.infer<typeof SlackChannelConfig>;
export type TeamsChannelConfig = z.infer<typeof TeamsChannelConfig>;
export type EmailChannelConfig = z.infer<typeof EmailChannelConfig>;

/** A channel's type and settings, as written (secrets included). */
export const AlertChannelSettings = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('webhook'), config: WebhookChannelConfig }),
  z.strictObject({ type: z.literal('slack'), config: SlackChannelConfig }),
  z.strictObject({ type: z.literal('teams'), config: TeamsChannelConfig }),
  z.strictObject({ type: z.literal('email'), config: EmailChannelConfig }),
]);
export type AlertChannelSettings = z.infer<typeof AlertChannelSettings>;

const channelName = StorableText.trim().min(1).max(100);

/** `POST /api/v1/alert-channels`. */
export const CreateAlertChannelRequest = z.discriminatedUnion('type', [
  z.strictObject({ name: channelName, enabled: z.boolean().default(true), type: z.literal('webhook'), config: WebhookChannelConfig }),
  z.strictObject({ name: channelName, enabled: z.boolean().default(true), type: z.literal('slack'), config: SlackChannelConfig }),
  z.strictObject({ name: channelName, enabled: z.boolean().default(true), type: z.literal('teams'), config: TeamsChannelConfig }),
  z.strictObject({ name: channelName, enabled: z.boolean().default(true), type: z.literal('email'), config: EmailChannelConfig }),
]);
export type CreateAlertChannelRequest = z.infer<typeof CreateAlertChannelRequest>;

/**
 * `PATCH /api/v1/alert-channels/:channelId`. `config`, when given, replaces the settings of the channel's own type,
 * except that a left-out webhook `secret` or SMTP `password` keeps the stored one. `rotateSecret` makes a new
 * webhook signing secret, returned once.
 */
export const UpdateAlertChannelRequest = z
  .strictObject({
    name: channelName.optional(),
    enabled: z.boolean().optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    rotateSecret: z.literal(true).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'must change at least one field' });
export type UpdateAlertChannelRequest = z.infer<typeof UpdateAlertChannelRequest>;

/** Whether a channel works: unhealthy once every delivery has failed for a day; a success makes it healthy again. */
export const AlertChannelHealth = z.strictObject({
  healthy: z.boolean(),
  failingSince: Timestamp.nullable(),
  unhealthySince: Timestamp.nullable(),
  lastSuccessAt: Timestamp.nullable(),
  lastFailureAt: Timestamp.nullable(),
  lastError: z.string().nullable(),
});

const channelFields = { id: Id, name: z.string(), enabled: z.boolean(), health: AlertChannelHealth, createdAt: Timestamp, updatedAt: Timestamp };

/** A channel as the API shows it: its settings with secrets only as previews (`whsec_…a1b2`, `https://hooks.slack.com/…XXXX`). */
export const AlertChannel = z.discriminatedUnion('type', [
  z.strictObject({ ...channelFields, type: z.literal('webhook'), config: z.strictObject({ url: z.string(), secretPreview: z.string() }) }),
  z.strictObject({ ...channelFields, type: z.literal('slack'), config: z.strictObject({ webhookUrlPreview: z.string() }) }),
  z.strictObject({ ...channelFields, type: z.literal('teams'), config: z.strictObject({ webhookUrlPreview: z.string() }) }),
  z.strictObject({
    ...channelFields,
    type: z.literal('email'),
    config: z.strictObject({
      host: z.string(),
      port: z.int(),
      security: z.enum(['tls', 'starttls', 'none']),
      username: z.string().nullable(),
      passwordSet: z.boolean(),
      from: z.string(),
      to: z.array(z.string()),
    }),
  }),
]);
export type AlertChannel = z.infer<typeof AlertChannel>;
export const AlertChannelList = z.strictObject({ items: z.array(AlertChannel) });
export type AlertChannelList = z.infer<typeof AlertChannelList>;
export const AlertChannelParams = z.strictObject({ channelId: Id });
export type AlertChannelParams = z.infer<typeof AlertChannelParams>;

/** The answer to creating or changing a channel: a webhook's signing secret in full, only when it was just made. */
export const AlertChannelSaved = z.strictObject({ channel: AlertChannel, signingSecret: z.string().nullable() });
export type AlertChannelSaved = z.infer<typeof AlertChannelSaved>;

// ---------------------------------------------------------------------------------------------------------------
// Messages, alerts and deliveries

/** One alert in a message. */
export const AlertItem = z.strictObject({
  fingerprint: z.string(),
  trigger: AlertTrigger,
  severity: AlertSeverity,
  summary: z.string(),
  namespace: z.string().nullable(),
  level: EnforceableLevel.nullable(),
  /** For `namespace_ready`: the command that sets the enforce label. */
  kubectlCommand: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  firedAt: Timestamp,
  resolvedAt: Timestamp.nullable(),
});
export type AlertItem = z.infer<typeof AlertItem>;

/**
 * The body of a generic webhook, and what every channel renders: one rule's alerts on one cluster from one
 * evaluation (`firing` that started, `resolved` that ended), or a test message.
 */
export const AlertMessage = z.strictObject({
  version: z.literal(1),
  kind: z.enum(['notification', 'test']),
  organizationId: Id,
  rule: z.strictObject({ id: Id, name: z.string(), trigger: AlertTrigger }).nullable(),
  cluster: z.strictObject({ id: Id, name: z.string() }).nullable(),
  severity: AlertSeverity,
  firing: z.array(AlertItem),
  resolved: z.array(AlertItem),
  generatedAt: Timestamp,
});
export type AlertMessage = z.infer<typeof AlertMessage>;

export const DeliveryStatus = z.enum(['pending', 'delivered', 'failed']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const AlertDelivery = z.strictObject({
  id: Id,
  kind: z.enum(['notification', 'test']),
  ruleId: Id.nullable(),
  channelId: Id,
  clusterId: Id.nullable(),
  severity: AlertSeverity,
  status: DeliveryStatus,
  firingCount: Count,
  resolvedCount: Count,
  attempts: Count,
  lastAttemptAt: Timestamp.nullable(),
  nextAttemptAt: Timestamp.nullable(),
  deliveredAt: Timestamp.nullable(),
  responseCode: z.int().nullable(),
  responseExcerpt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: Timestamp,
  message: AlertMessage,
});
export type AlertDelivery = z.infer<typeof AlertDelivery>;

/** `GET /api/v1/alert-deliveries`: newest first. */
export const AlertDeliveriesQuery = CursorPageQuery.extend({
  channelId: Id.optional().meta({ description: 'Only deliveries to this channel.' }),
  ruleId: Id.optional().meta({ description: "Only this rule's deliveries." }),
  status: DeliveryStatus.optional().meta({ description: 'Only deliveries in this status: pending (being retried), delivered or failed.' }),
});
export type AlertDeliveriesQuery = z.infer<typeof AlertDeliveriesQuery>;
export const AlertDeliveriesPage = pageOf(AlertDelivery);
export type AlertDeliveriesPage = z.infer<typeof AlertDeliveriesPage>;

/** An alert's life: firing while its condition holds, resolved once it ended. */
export const AlertHistoryItem = z.strictObject({
  id: Id,
  ruleId: Id,
  clusterId: Id,
  fingerprint: z.string(),
  status: z.enum(['firing', 'resolved']),
  severity: AlertSeverity,
  namespace: z.string().nullable(),
  summary: z.string(),
  firstFiredAt: Timestamp,
  lastFiredAt: Timestamp,
  resolvedAt: Timestamp.nullable(),
  lastNotifiedAt: Timestamp.nullable(),
});
export type AlertHistoryItem = z.infer<typeof AlertHistoryItem>;

/** `GET /api/v1/alerts`: most recently fired first. */
export const AlertsQuery = CursorPageQuery.extend({
  status: z.enum(['firing', 'resolved']).optional().meta({ description: 'Only alerts firing now, or only resolved ones.' }),
  ruleId: Id.optional().meta({ description: "Only this rule's alerts." }),
  clusterId: Id.optional().meta({ description: 'Only alerts about this cluster.' }),
});
export type AlertsQuery = z.infer<typeof AlertsQuery>;
export const AlertsPage = pageOf(AlertHistoryItem);
export type AlertsPage = z.infer<typeof AlertsPage>;

// ---------------------------------------------------------------------------------------------------------------
// Jobs (queue ALERT_QUEUE; produced through libs/jobs)

/** The BullMQ queue of alert evaluation and delivery, apart from evaluation so slow receivers never hold it up. */
export const ALERT_QUEUE = 'ratchet-alerts';

export const ALERT_JOB_NAMES = {
  /** Evaluate the organization's rules for one cluster after its findings or readiness changed. */
  evaluateAlerts: 'evaluate-alerts',
  /** Send one delivery (AlertDelivery row) to its channel; retried with backoff by BullMQ. */
  deliverAlert: 'deliver-alert',
  /** Scheduled (`schedule:alert-agent-silence`): evaluate `agent_silent` rules of every organization. */
  alertAgentSilence: 'alert-agent-silence',
} as const;
export type AlertJobName = (typeof ALERT_JOB_NAMES)[keyof typeof ALERT_JOB_NAMES];

export const ALERT_JOB_PAYLOAD_VERSION = 1;

export const EvaluateAlertsJob = z.strictObject({ version: z.literal(ALERT_JOB_PAYLOAD_VERSION), orgId: Id, clusterId: Id });
export const DeliverAlertJob = z.strictObject({ version: z.literal(ALERT_JOB_PAYLOAD_VERSION), orgId: Id, deliveryId: Id });
export const AlertAgentSilenceJob = z.strictObject({ version: z.literal(ALERT_JOB_PAYLOAD_VERSION) });

export const ALERT_JOB_PAYLOADS = {
  [ALERT_JOB_NAMES.evaluateAlerts]: EvaluateAlertsJob,
  [ALERT_JOB_NAMES.deliverAlert]: DeliverAlertJob,
  [ALERT_JOB_NAMES.alertAgentSilence]: AlertAgentSilenceJob,
} as const satisfies Record<AlertJobName, z.ZodType>;
export type AlertJobPayload<Name extends AlertJobName> = z.infer<(typeof ALERT_JOB_PAYLOADS)[Name]>;
