import type { AlertChannelType, AlertMessage } from '@ratchet/contracts';

import type { AlertChannelSender, SendContext, SendResult } from './alert-channel.js';
import { emailChannel } from './email.channel.js';
import { slackChannel } from './slack.channel.js';
import { teamsChannel } from './teams.channel.js';
import { webhookChannel } from './webhook.channel.js';

const SENDERS: Record<AlertChannelType, AlertChannelSender<never>> = {
  webhook: webhookChannel as AlertChannelSender<never>,
  slack: slackChannel as AlertChannelSender<never>,
  teams: teamsChannel as AlertChannelSender<never>,
  email: emailChannel as AlertChannelSender<never>,
};

/** The sender of a channel type. */
export function channelSender(type: AlertChannelType): AlertChannelSender<unknown> {
  return SENDERS[type];
}

/** The hosts a stored channel sends to (for the check at save). */
export function channelHosts(type: AlertChannelType, config: unknown): string[] {
  const sender = channelSender(type);
  return sender.hosts(sender.parseConfig(config));
}

/** Validates a stored channel's settings and sends one message; a config that no longer parses is a failed send. */
export async function sendThroughChannel(type: AlertChannelType, config: unknown, message: AlertMessage, context: SendContext): Promise<SendResult> {
  const sender = channelSender(type);
  let parsed: unknown;
  try {
    parsed = sender.parseConfig(config);
  } catch (error) {
    return { ok: false, responseCode: null, responseExcerpt: null, error: `the channel's settings are invalid: ${error instanceof Error ? error.message : String(error)}` };
  }
  return sender.send(parsed, message, context);
}
