import type { OutgoingBatch } from '@ratchet/collector';

/**
 * A batch in the spool: its position, its idempotency key (kept across retries and restarts), its size in bytes on
 * disk, and the projection hashes its body carries. The body itself stays on disk (`Spool.body` reads it back as
 * the JSON text that is posted): a 10,000-pod resync is about 6 MB of text and several times that as objects.
 */
export interface SpooledBatch extends Omit<OutgoingBatch, 'body'> {
  seq: number;
  /** Hashes of the projections the body carries: a dropped batch's must be carried again by a later one. */
  carries: string[];
  idempotencyKey: string;
  bytes: number;
  createdAt: string;
}
