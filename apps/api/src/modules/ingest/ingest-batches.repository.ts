import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import type { Heartbeat } from '@ratchet/contracts';
import { withTenant } from '@ratchet/db';
import type { Transaction } from '@ratchet/db';
import { writeOutboxJobs } from '@ratchet/jobs';

import { Database } from '../../infra/database.provider.js';
import type { BatchHeader, BatchWrite, IngestAnswer, IngestScope, OutboxEntry } from './ingest.types.js';

// A batch of 2,000 objects takes well under a second; the margin covers a loaded database, and waiting for a
// pooled connection under a burst of agents is better than failing the batch.
const BATCH_TRANSACTION = { maxWait: 15_000, timeout: 60_000 };

/** A batch as stored, or the first answer to its key when the key was used before. */
export type RecordOutcome =
  | { replayed: false; answer: IngestAnswer; outbox: OutboxEntry[] }
  | { replayed: true; answer: IngestAnswer | null; requestHash: string | null };

/** Where a resync stands once this chunk is counted. */
export interface SyncProgress {
  /** Set when earlier chunks of the sync announced another number of chunks. */
  conflictingTotal?: number;
  /** This chunk is the last missing one: the sync is complete with it. */
  completes: boolean;
  /**
   * When the sync's listing started: the earliest observation time of its chunks (a chunk stored before batches
   * kept one counts at its receipt time). Objects no batch has seen since then are gone.
   */
  observedAt: Date;
}

/** Ingest batches: idempotency, the batch's answer, its outbox jobs and the cluster's last-seen time. */
@Injectable()
export class IngestBatchesRepository {
  constructor(private readonly database: Database) {}

  /**
   * Runs `write` in one transaction with the batch's bookkeeping: claims the idempotency key first (a key
   * already used returns the stored answer and writes nothing), then stores the answer, the outbox rows of the
   * batch's jobs, and the cluster's last-seen time. An error anywhere rolls all of it back.
   */
  async record(scope: IngestScope, header: BatchHeader, write: (tx: Transaction, batchId: string) => Promise<BatchWrite>): Promise<RecordOutcome> {
    const { orgId, clusterId } = scope;
    return withTenant(
      this.database.client,
      orgId,
      async (tx) => {
        const batchId = randomUUID();
        const claimed = await tx.$queryRaw<{ id: string }[]>`
          INSERT INTO ingest_batches (org_id, id, cluster_id, idempotency_key, request_hash, kind, sync_id, chunk, total_chunks, item_count,
                                      observed_at)
          VALUES (${orgId}::uuid, ${batchId}::uuid, ${clusterId}::uuid, ${header.idempotencyKey}, ${header.requestHash},
                  ${header.kind}::ingest_batch_kind, ${header.sync?.syncId ?? null}::uuid, ${header.sync?.chunk ?? null}::integer,
                  ${header.sync?.totalChunks ?? null}::integer, ${header.itemCount}::integer, ${header.observedAt ?? null}::timestamptz)
          ON CONFLICT (org_id, cluster_id, idempotency_key) DO NOTHING
          RETURNING id`;
        if (claimed.length === 0) return this.stored(tx, scope, header.idempotencyKey);

        const written = await write(tx, batchId);
        const answer: IngestAnswer = {
          status: 202,
          body: {
            batchId,
            accepted: written.accepted,
            duplicates: written.duplicates,
            deleted: written.deleted,
            ...(written.unparsedAuditEvents === undefined ? {} : { unparsedAuditEvents: written.unparsedAuditEvents }),
            ...(written.admissionDecisions === undefined ? {} : { admissionDecisions: written.admissionDecisions }),
          },
        };
        // One round trip for the batch's answer and the cluster's last-seen time; data-modifying CTEs always run to
        // completion. The jobs go to the outbox through libs/jobs, in this transaction.
        await tx.$executeRaw`
          WITH answered AS (
            UPDATE ingest_batches SET response = ${JSON.stringify(answer)}::jsonb
            WHERE org_id = ${orgId}::uuid AND id = ${batchId}::uuid
          )
          UPDATE clusters SET last_seen_at = now() WHERE org_id = ${orgId}::uuid AND id = ${clusterId}::uuid`;
        const outbox: OutboxEntry[] = await writeOutboxJobs(tx, scope, written.jobs);
        return { replayed: false, answer, outbox };
      },
      BATCH_TRANSACTION,
    );
  }

  private async stored(tx: Transaction, scope: IngestScope, idempotencyKey: string): Promise<RecordOutcome> {
    const rows = await tx.$queryRaw<{ request_hash: string | null; response: IngestAnswer | null }[]>`
      SELECT request_hash, response FROM ingest_batches
      WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND idempotency_key = ${idempotencyKey}`;
    const row = rows[0];
    return { replayed: true, answer: row?.response ?? null, requestHash: row?.request_hash ?? null };
  }

  /**
   * Counts the chunks of a resync with this one (`batchId`, already inserted). Call it under the cluster's
   * inventory lock, so two last chunks committing at once cannot both miss each other.
   */
  async syncProgress(tx: Transaction, scope: IngestScope, batchId: string, sync: NonNullable<BatchHeader['sync']>): Promise<SyncProgress> {
    const rows = await tx.$queryRaw<{ chunks: number; repeated: boolean; observed_at: Date; other_total: number | null }[]>`
      SELECT count(DISTINCT chunk)::integer AS chunks,
             coalesce(bool_or(chunk = ${sync.chunk}::integer AND id <> ${batchId}::uuid), false) AS repeated,
             min(coalesce(observed_at, received_at)) AS observed_at,
             max(total_chunks) FILTER (WHERE total_chunks <> ${sync.totalChunks}::integer) AS other_total
      FROM ingest_batches
      WHERE org_id = ${scope.orgId}::uuid AND cluster_id = ${scope.clusterId}::uuid AND sync_id = ${sync.syncId}::uuid
        AND kind = 'resync'`;
    const row = rows[0]!;
    return {
      ...(row.other_total === null ? {} : { conflictingTotal: row.other_total }),
      completes: row.chunks === sync.totalChunks && !row.repeated,
      observedAt: row.observed_at,
    };
  }

  /**
   * What the agent says about itself and its cluster; the last-seen time is set with every batch. The audit
   * source and PSA configuration are replaced by each heartbeat: one that leaves them out makes them unknown.
   * Returns the Kubernetes version the cluster had before (null before the first heartbeat).
   */
  async updateAgent(
    tx: Transaction,
    scope: IngestScope,
    heartbeat: Heartbeat,
  ): Promise<{ previousKubernetesVersion: string | null; auditSourceChanged: boolean; psaConfigurationChanged: boolean }> {
    const psaConfiguration = heartbeat.psaConfiguration === undefined ? null : JSON.stringify(heartbeat.psaConfiguration);
    // The row lock makes two heartbeats of one cluster read each other's version in turn.
    const rows = await tx.$queryRaw<{ previous: string | null; audit_source_changed: boolean; psa_configuration_changed: boolean }[]>`
      WITH old AS (
        SELECT kubernetes_version, audit_source, psa_configuration FROM clusters
        WHERE org_id = ${scope.orgId}::uuid AND id = ${scope.clusterId}::uuid FOR UPDATE
      )
      UPDATE clusters
      SET agent_version = ${heartbeat.agentVersion}, kubernetes_version = ${heartbeat.kubernetesVersion},
          agent_counts = ${JSON.stringify(heartbeat.counts)}::jsonb,
          audit_source = ${heartbeat.auditSource ?? null}::audit_source, psa_configuration = ${psaConfiguration}::jsonb
      FROM old
      WHERE org_id = ${scope.orgId}::uuid AND id = ${scope.clusterId}::uuid
      RETURNING old.kubernetes_version AS previous,
        old.audit_source IS DISTINCT FROM ${heartbeat.auditSource ?? null}::audit_source AS audit_source_changed,
        old.psa_configuration IS DISTINCT FROM ${psaConfiguration}::jsonb AS psa_configuration_changed`;
    return {
      previousKubernetesVersion: rows[0]?.previous ?? null,
      auditSourceChanged: rows[0]?.audit_source_changed ?? false,
      psaConfigurationChanged: rows[0]?.psa_configuration_changed ?? false,
    };
  }
}
