/** The kinds of batch an agent sends; the agent's spool drops `delta` first when full (the next resync restores it). */
export type BatchKind = 'resync' | 'delta' | 'audit';

/** A batch ready to send: where it goes (an `INGEST_PATHS` value) and its JSON body. The idempotency key is given when it is queued. */
export interface OutgoingBatch {
  kind: BatchKind;
  path: string;
  body: Record<string, unknown>;
}
