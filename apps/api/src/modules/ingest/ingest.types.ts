import type { IngestAccepted, IngestCounts, JobName } from '@ratchet/contracts';

/** Where an agent's batch lands: the organization and cluster of its token, never of its body. */
export interface IngestScope {
  orgId: string;
  clusterId: string;
}

export type IngestKind = 'resync' | 'delta' | 'audit' | 'heartbeat';

/** What identifies a batch before it is written: its idempotency key and the hash of the request. */
export interface BatchHeader {
  kind: IngestKind;
  idempotencyKey: string;
  requestHash: string;
  itemCount: number;
  sync?: { syncId: string; chunk: number; totalChunks: number };
}

/** A job to enqueue once its batch commits. */
export interface QueuedJob {
  name: JobName;
  jobId: string;
  payload: Record<string, unknown>;
}

/** What a batch wrote, for the answer and the jobs. */
export interface BatchWrite {
  accepted: IngestCounts;
  duplicates: IngestCounts;
  deleted: IngestCounts;
  /** Audit batches only: events whose annotation could not be parsed (IngestAccepted.unparsedAuditEvents). */
  unparsedAuditEvents?: number;
  jobs: QueuedJob[];
}

/** The stored answer to a batch: replayed as is for a retry with the same key. */
export interface IngestAnswer {
  status: number;
  body: IngestAccepted;
}

/** An outbox row written with its batch, for the job it will enqueue. */
export interface OutboxEntry {
  outboxId: string;
  job: QueuedJob;
}

export const NO_ITEMS: IngestCounts = { namespaces: 0, workloads: 0, pods: 0, projections: 0, auditEvents: 0 };
