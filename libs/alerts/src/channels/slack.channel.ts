import { SlackChannelConfig } from '@ratchet/contracts';
import type { AlertItem, AlertMessage } from '@ratchet/contracts';

import { LISTED_ALERTS, messageText, messageTitle } from '../render/alert-text.util.js';
import type { AlertChannelSender } from './alert-channel.js';
import { postJson } from './http-post.util.js';

// Block Kit limits (https://api.slack.com/reference/block-kit/blocks): 50 blocks per message, 3000 characters per
// section text, 150 per header. Alerts are packed into sections of at most ~2800 characters.
const SECTION_CHARS = 2800;
const HEADER_CHARS = 150;

function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function itemMrkdwn(item: AlertItem): string {
  const line = `• ${escapeMrkdwn(item.summary)}`;
  return item.kubectlCommand ? `${line}\n\`${escapeMrkdwn(item.kubectlCommand)}\`` : line;
}

function sections(heading: string, items: readonly AlertItem[]): unknown[] {
  if (items.length === 0) return [];
  const lines = items.slice(0, LISTED_ALERTS).map(itemMrkdwn);
  if (items.length > LISTED_ALERTS) lines.push(`_… and ${(items.length - LISTED_ALERTS).toLocaleString('en-US')} more_`);
  const blocks: unknown[] = [];
  let current = `*${heading}*`;
  for (const line of lines) {
    if (current.length + line.length + 1 > SECTION_CHARS) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
      current = line;
    } else {
      current += `\n${line}`;
    }
  }
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
  return blocks;
}

/** The Block Kit payload of a message (with `text` as the notification fallback). */
export function slackPayload(message: AlertMessage): { text: string; blocks: unknown[] } {
  const title = messageTitle(message);
  const blocks: unknown[] = [{ type: 'header', text: { type: 'plain_text', text: title.slice(0, HEADER_CHARS), emoji: false } }];
  if (message.kind === 'test') {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(messageText(message)) } });
  } else {
    blocks.push(...sections(`Firing (${message.firing.length})`, message.firing), ...sections(`Resolved (${message.resolved.length})`, message.resolved));
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Ratchet · ${message.generatedAt}` }] });
  return { text: title, blocks };
}

/** Slack incoming webhook (https://api.slack.com/messaging/webhooks): the URL is the credential. */
export const slackChannel: AlertChannelSender<SlackChannelConfig> = {
  type: 'slack',
  parseConfig: (config) => SlackChannelConfig.parse(config),
  hosts: (config) => [new URL(config.webhookUrl).hostname],
  send: (config, message, context) => postJson(config.webhookUrl, slackPayload(message), context),
};
