import { sendThroughChannel } from '@ratchet/alerts';
import type { OutboundPolicy, SendResult } from '@ratchet/alerts';
import { AlertMessage } from '@ratchet/contracts';
import { recordDeliveryAttempt, withTenant } from '@ratchet/db';
import type { PrismaClient } from '@ratchet/db';

import { readDeliveryToSend } from './alert-deliveries.repository.js';

/** Where an attempt stands in BullMQ's retries. */
export interface AttemptInfo {
  /** True when BullMQ will not retry after this attempt. */
  final: boolean;
  /** When BullMQ will retry, for the delivery log (an estimate: BullMQ's backoff decides). */
  retryAt: Date | null;
}

export type DeliveryOutcome =
  | { status: 'delivered'; result: SendResult }
  | { status: 'retry'; result: SendResult }
  | { status: 'failed'; result: SendResult }
  | { status: 'skipped'; reason: string };

/** Default seconds to wait for a receiver's answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Sends one delivery through its channel (outside any transaction: a slow receiver holds no connection), then
 * records the attempt and the channel's health. Idempotent: a delivery no longer pending is skipped.
 */
export class AlertDeliveryService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: OutboundPolicy,
    private readonly now: () => Date = () => new Date(),
    private readonly timeoutMs = DELIVERY_TIMEOUT_MS,
  ) {}

  async deliver(orgId: string, deliveryId: string, attempt: AttemptInfo): Promise<DeliveryOutcome> {
    const delivery = await withTenant(this.prisma, orgId, (tx) => readDeliveryToSend(tx, orgId, deliveryId));
    if (!delivery) return { status: 'skipped', reason: 'the delivery no longer exists (its rule or channel was deleted)' };
    if (delivery.status !== 'pending') return { status: 'skipped', reason: `the delivery is already ${delivery.status}` };
    let result: SendResult;
    const message = AlertMessage.safeParse(delivery.payload);
    if (!delivery.channel.enabled) {
      result = { ok: false, responseCode: null, responseExcerpt: null, error: 'the channel is disabled' };
    } else if (!message.success) {
      result = { ok: false, responseCode: null, responseExcerpt: null, error: `the stored message does not parse: ${message.error.message}` };
    } else {
      result = await sendThroughChannel(delivery.channel.type, delivery.channel.config, message.data, {
        policy: this.policy,
        now: this.now,
        deliveryId,
        timeoutMs: this.timeoutMs,
      });
    }
    // A disabled channel or a broken message will not get better by retrying.
    const final = attempt.final || !delivery.channel.enabled || !message.success;
    await withTenant(this.prisma, orgId, (tx) =>
      recordDeliveryAttempt(tx, orgId, deliveryId, { ...result, final, nextAttemptAt: final ? null : attempt.retryAt }, this.now()),
    );
    if (result.ok) return { status: 'delivered', result };
    return final ? { status: 'failed', result } : { status: 'retry', result };
  }
}
