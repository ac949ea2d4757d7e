import type { Transaction } from '../tenant-transaction.js';

/** How long a channel may fail every delivery before it is marked unhealthy. */
export const CHANNEL_UNHEALTHY_AFTER_MS = 24 * 3600 * 1000;

/** One attempt at a delivery, as the channel's sender reported it. */
export interface DeliveryAttempt {
  ok: boolean;
  responseCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
  /** For a failure: true when no retry follows (the delivery is then `failed`, else it stays `pending`). */
  final: boolean;
  /** For a failure that will be retried: when, roughly (BullMQ's backoff decides). */
  nextAttemptAt: Date | null;
}

/**
 * Records an attempt on the delivery and on its channel's health, in the caller's tenant transaction: a success
 * makes the channel healthy again; a failure starts (or continues) its run of failures, and a run that began a day
 * or more before `now` marks the channel unhealthy. The worker's retries and the API's test sends both record here.
 */
export async function recordDeliveryAttempt(tx: Transaction, orgId: string, deliveryId: string, attempt: DeliveryAttempt, now: Date): Promise<void> {
  const status = attempt.ok ? 'delivered' : attempt.final ? 'failed' : 'pending';
  // Postgres text cannot hold NUL; a receiver's answer may.
  const excerpt = attempt.responseExcerpt?.replaceAll('\u0000', '') ?? null;
  const error = attempt.error?.replaceAll('\u0000', '').slice(0, 2000) ?? null;
  const updated = await tx.$queryRaw<{ channel_id: string }[]>`
    UPDATE alert_deliveries SET
      status = ${status}::delivery_status, attempts = attempts + 1, last_attempt_at = ${now}::timestamptz,
      response_code = ${attempt.responseCode}::int, response_excerpt = ${excerpt}, last_error = ${error},
      next_attempt_at = ${attempt.ok || attempt.final ? null : attempt.nextAttemptAt}::timestamptz,
      delivered_at = ${attempt.ok ? now : null}::timestamptz, updated_at = ${now}::timestamptz
    WHERE org_id = ${orgId}::uuid AND id = ${deliveryId}::uuid
    RETURNING channel_id`;
  const channelId = updated[0]?.channel_id;
  if (channelId === undefined) return;
  if (attempt.ok) {
    await tx.$executeRaw`
      UPDATE alert_channels SET healthy = true, failing_since = NULL, unhealthy_since = NULL, last_success_at = ${now}::timestamptz,
        last_error = NULL
      WHERE org_id = ${orgId}::uuid AND id = ${channelId}::uuid`;
    return;
  }
  const unhealthyBefore = new Date(now.getTime() - CHANNEL_UNHEALTHY_AFTER_MS);
  await tx.$executeRaw`
    UPDATE alert_channels SET
      failing_since = COALESCE(failing_since, ${now}::timestamptz),
      last_failure_at = ${now}::timestamptz,
      last_error = ${error},
      healthy = COALESCE(failing_since, ${now}::timestamptz) > ${unhealthyBefore}::timestamptz,
      unhealthy_since = CASE WHEN COALESCE(failing_since, ${now}::timestamptz) <= ${unhealthyBefore}::timestamptz
                             THEN COALESCE(unhealthy_since, ${now}::timestamptz) END
    WHERE org_id = ${orgId}::uuid AND id = ${channelId}::uuid`;
}
