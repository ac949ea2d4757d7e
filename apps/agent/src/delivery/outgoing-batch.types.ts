/** The kinds of batch the agent sends; the spool drops `delta` first when full (the next resync restores it). */
export type BatchKind = 'resync' | 'delta' | 'audit';

/** A batch ready to send: where it goes and its JSON body. The idempotency key is given when it is spooled. */
export interface OutgoingBatch {
  kind: BatchKind;
  path: string;
  body: Record<string, unknown>;
}

/** A batch in the spool: its position, its idempotency key (kept across retries and restarts) and its size. */
export interface SpooledBatch extends OutgoingBatch {
  seq: number;
  idempotencyKey: string;
  bytes: number;
  createdAt: string;
}
