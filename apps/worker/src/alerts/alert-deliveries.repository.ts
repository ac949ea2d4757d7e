import type { AlertChannelType } from '@ratchet/contracts';
import type { Transaction } from '@ratchet/db';

/** A delivery with what sending it needs. */
export interface DeliveryToSend {
  id: string;
  status: 'pending' | 'delivered' | 'failed';
  payload: unknown;
  channel: { id: string; type: AlertChannelType; config: unknown; enabled: boolean };
}

export async function readDeliveryToSend(tx: Transaction, orgId: string, deliveryId: string): Promise<DeliveryToSend | null> {
  const row = await tx.alertDelivery.findUnique({
    where: { orgId_id: { orgId, id: deliveryId } },
    select: { id: true, status: true, payload: true, channel: { select: { id: true, type: true, config: true, enabled: true } } },
  });
  return row;
}
