import type { AlertChannelType, AlertMessage } from '@ratchet/contracts';

import type { OutboundPolicy } from '../outbound/outbound-address.js';

/** What sending one message gave: `ok` for a 2xx (HTTP) or an accepted message (SMTP). */
export interface SendResult {
  ok: boolean;
  /** HTTP status, or the SMTP reply code; null when no answer came (refused, timeout, connection error). */
  responseCode: number | null;
  /** The first KiB of the receiver's answer. */
  responseExcerpt: string | null;
  /** Why it failed, for the delivery log and the channel's health; null when ok. */
  error: string | null;
}

export interface SendContext {
  policy: OutboundPolicy;
  /** The injected clock: the webhook signature's timestamp comes from it. */
  now: () => Date;
  /** Sent as X-Ratchet-Delivery (webhooks) so a receiver can drop a retried message it already has. */
  deliveryId: string;
  timeoutMs: number;
}

/**
 * One kind of alert channel: it validates its settings (the contract's schema) and sends a batch (one grouped
 * message). The outbound address check happens inside `send`, for the address actually connected to; `hosts`
 * names the hosts to check when the channel is saved.
 */
export interface AlertChannelSender<Config> {
  readonly type: AlertChannelType;
  parseConfig(config: unknown): Config;
  hosts(config: Config): string[];
  send(config: Config, message: AlertMessage, context: SendContext): Promise<SendResult>;
}

/** A failure before or instead of an answer, as a SendResult. */
export function failedSend(error: unknown): SendResult {
  return { ok: false, responseCode: null, responseExcerpt: null, error: error instanceof Error ? error.message : String(error) };
}
