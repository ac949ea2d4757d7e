import type { AlertItem, AlertMessage, AlertTrigger } from '@ratchet/contracts';

/** Alerts listed one by one in a chat or mail message; the rest are counted ("and 1,950 more"). */
export const LISTED_ALERTS = 40;

const TRIGGER_TITLES: Record<AlertTrigger, string> = {
  namespace_ready: 'ready to enforce',
  namespace_at_risk: 'at risk',
  readiness_regressed: 'readiness regressed',
  new_violation: 'new violation',
  privileged_namespace: 'privileged namespace outside the allowlist',
  agent_silent: 'agent silent',
};

/** The one-line title of a message: `[critical] payments-at-risk on prod-eu: 3 firing, 1 resolved`. */
export function messageTitle(message: AlertMessage): string {
  if (message.kind === 'test') return 'Ratchet test alert: this channel works';
  const counts = [message.firing.length > 0 ? `${message.firing.length} firing` : '', message.resolved.length > 0 ? `${message.resolved.length} resolved` : '']
    .filter((part) => part !== '')
    .join(', ');
  const trigger = message.rule ? TRIGGER_TITLES[message.rule.trigger] : 'alert';
  return `[${message.severity}] ${message.rule?.name ?? 'Ratchet'} (${trigger}) on ${message.cluster?.name ?? 'all clusters'}: ${counts}`;
}

/** One alert as a line of plain text. */
export function alertLine(item: AlertItem): string {
  return item.kubectlCommand ? `${item.summary}\n    ${item.kubectlCommand}` : item.summary;
}

/** The alerts of a section as lines, at most LISTED_ALERTS, then how many more. */
export function listedLines(items: readonly AlertItem[], line: (item: AlertItem) => string = alertLine): string[] {
  const lines = items.slice(0, LISTED_ALERTS).map(line);
  if (items.length > LISTED_ALERTS) lines.push(`… and ${(items.length - LISTED_ALERTS).toLocaleString('en-US')} more`);
  return lines;
}

/** The whole message as plain text (email body, fallbacks). */
export function messageText(message: AlertMessage): string {
  if (message.kind === 'test') return `${messageTitle(message)}\n\nSent at ${message.generatedAt} to check the channel's settings.`;
  const parts = [messageTitle(message)];
  if (message.firing.length > 0) parts.push(`Firing:\n${listedLines(message.firing).map((l) => `  - ${l}`).join('\n')}`);
  if (message.resolved.length > 0) parts.push(`Resolved:\n${listedLines(message.resolved).map((l) => `  - ${l}`).join('\n')}`);
  parts.push(`Generated at ${message.generatedAt}.`);
  return parts.join('\n\n');
}
