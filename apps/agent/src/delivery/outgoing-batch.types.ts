import type { OutgoingBatch } from '@ratchet/collector';

/**
 * A batch in the spool: its position, its idempotency key (kept across retries and restarts), its size, and its
 * body as the JSON text that is posted. Only the text is kept, not the object: a 10,000-pod resync is about 6 MB
 * of text but several times that as JavaScript objects, and sending the text needs no second serialization.
 */
export interface SpooledBatch extends Omit<OutgoingBatch, 'body'> {
  bodyJson: string;
  seq: number;
  idempotencyKey: string;
  bytes: number;
  createdAt: string;
}
