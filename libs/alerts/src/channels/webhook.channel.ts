import { createHmac } from 'node:crypto';

import { WebhookChannelConfig } from '@ratchet/contracts';
import type { AlertMessage } from '@ratchet/contracts';

import { postPinned } from '../outbound/pinned-http.js';
import { failedSend } from './alert-channel.js';
import type { AlertChannelSender, SendContext, SendResult } from './alert-channel.js';

/** Header carrying the signing time, in Unix seconds. */
export const SIGNATURE_TIMESTAMP_HEADER = 'x-ratchet-timestamp';
/** Header carrying `v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the channel's secret>`. */
export const SIGNATURE_HEADER = 'x-ratchet-signature';
export const DELIVERY_HEADER = 'x-ratchet-delivery';
/** How old a signed timestamp a receiver should accept (docs/alerts.md): 5 minutes, as Stripe and Slack do. */
export const REPLAY_WINDOW_SECONDS = 300;

/** The signature header value of `body` signed at `timestamp` (Unix seconds). */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

type Config = WebhookChannelConfig & { secret: string };

/**
 * Generic webhook: the AlertMessage as JSON, signed (HMAC-SHA256 over `timestamp.body`, timestamp in its own
 * header) so a receiver can check it came from Ratchet and refuse replays older than its window.
 */
export const webhookChannel: AlertChannelSender<Config> = {
  type: 'webhook',
  parseConfig(config) {
    const parsed = WebhookChannelConfig.parse(config);
    if (parsed.secret === undefined) throw new Error('a stored webhook channel must have a signing secret');
    return parsed as Config;
  },
  hosts: (config) => [new URL(config.url).hostname],
  async send(config: Config, message: AlertMessage, context: SendContext): Promise<SendResult> {
    const body = JSON.stringify(message);
    const timestamp = Math.floor(context.now().getTime() / 1000);
    try {
      const answer = await postPinned(config.url, body, context.policy, {
        timeoutMs: context.timeoutMs,
        headers: {
          [SIGNATURE_TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhookBody(config.secret, timestamp, body),
          [DELIVERY_HEADER]: context.deliveryId,
        },
      });
      const ok = answer.status >= 200 && answer.status < 300;
      return { ok, responseCode: answer.status, responseExcerpt: answer.excerpt, error: ok ? null : `the receiver answered ${answer.status}` };
    } catch (error) {
      return failedSend(error);
    }
  },
};
