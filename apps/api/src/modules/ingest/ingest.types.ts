import type { IngestAccepted, IngestCounts } from '@ratchet/contracts';
import type { OutboxEntry, PreparedJob } from '@ratchet/jobs';

export type { OutboxEntry };

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
  /** Inventory batches: when the agent observed what the batch carries (its observedAt, else the receipt time). */
  observedAt?: Date;
}

/** What a batch wrote, for the answer and the jobs. */
export interface BatchWrite {
  accepted: IngestCounts;
  duplicates: IngestCounts;
  deleted: IngestCounts;
  /** Audit batches only: events whose annotation could not be parsed (IngestAccepted.unparsedAuditEvents). */
  unparsedAuditEvents?: number;
  /** Audit batches carrying admission decisions only: entries added (IngestAccepted.admissionDecisions). */
  admissionDecisions?: number;
  /** Jobs to write to the outbox with the batch and enqueue once it commits (prepareJob parsed them). */
  jobs: PreparedJob[];
}

/** The stored answer to a batch: replayed as is for a retry with the same key. */
export interface IngestAnswer {
  status: number;
  body: IngestAccepted;
}

export const NO_ITEMS: IngestCounts = { namespaces: 0, workloads: 0, pods: 0, projections: 0, auditEvents: 0 };
