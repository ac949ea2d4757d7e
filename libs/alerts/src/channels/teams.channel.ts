import { TeamsChannelConfig } from '@ratchet/contracts';
import type { AlertItem, AlertMessage } from '@ratchet/contracts';

import { LISTED_ALERTS, messageText, messageTitle } from '../render/alert-text.util.js';
import type { AlertChannelSender } from './alert-channel.js';
import { postJson } from './http-post.util.js';

const SEVERITY_COLOR = { info: 'Accent', warning: 'Warning', critical: 'Attention' } as const;

function itemBlocks(item: AlertItem): unknown[] {
  const blocks: unknown[] = [{ type: 'TextBlock', text: `• ${item.summary}`, wrap: true, spacing: 'Small' }];
  if (item.kubectlCommand) blocks.push({ type: 'TextBlock', text: item.kubectlCommand, wrap: true, fontType: 'Monospace', spacing: 'None', isSubtle: true });
  return blocks;
}

function section(heading: string, items: readonly AlertItem[]): unknown[] {
  if (items.length === 0) return [];
  const blocks: unknown[] = [{ type: 'TextBlock', text: heading, weight: 'Bolder', spacing: 'Medium' }, ...items.slice(0, LISTED_ALERTS).flatMap(itemBlocks)];
  if (items.length > LISTED_ALERTS) blocks.push({ type: 'TextBlock', text: `… and ${(items.length - LISTED_ALERTS).toLocaleString('en-US')} more`, isSubtle: true });
  return blocks;
}

/**
 * The Workflows webhook body ("Post to a channel when a webhook request is received"): a message with one
 * Adaptive Card 1.4 attachment (https://adaptivecards.io/schemas/adaptive-card.json).
 */
export function teamsPayload(message: AlertMessage): unknown {
  const body: unknown[] = [{ type: 'TextBlock', text: messageTitle(message), weight: 'Bolder', size: 'Medium', wrap: true, color: SEVERITY_COLOR[message.severity] }];
  if (message.kind === 'test') {
    body.push({ type: 'TextBlock', text: messageText(message), wrap: true });
  } else {
    body.push({
      type: 'FactSet',
      facts: [
        { title: 'Cluster', value: message.cluster?.name ?? '-' },
        { title: 'Rule', value: message.rule?.name ?? '-' },
        { title: 'Severity', value: message.severity },
      ],
    });
    body.push(...section(`Firing (${message.firing.length})`, message.firing), ...section(`Resolved (${message.resolved.length})`, message.resolved));
  }
  body.push({ type: 'TextBlock', text: `Ratchet · ${message.generatedAt}`, isSubtle: true, size: 'Small' });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', msteams: { width: 'Full' }, body },
      },
    ],
  };
}

/** Microsoft Teams through a Workflows webhook (Office 365 connectors are retired); the URL is the credential. */
export const teamsChannel: AlertChannelSender<TeamsChannelConfig> = {
  type: 'teams',
  parseConfig: (config) => TeamsChannelConfig.parse(config),
  hosts: (config) => [new URL(config.webhookUrl).hostname],
  send: (config, message, context) => postJson(config.webhookUrl, teamsPayload(message), context),
};
