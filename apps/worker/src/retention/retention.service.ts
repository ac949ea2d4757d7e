import { INGEST_BATCH_RETENTION_DAYS } from '@ratchet/contracts';
import {
  deleteAuditEventsBefore,
  dropAuditPartitionsBefore,
  ensureAuditPartition,
  listOrganizationIds,
  pruneAdmissionDecisions,
  pruneIngestBatches,
  pruneTrendRollups,
  readAuditRetentionDays,
  withSystem,
  withTenant,
  type PrismaClient,
  type TenantScope,
  type Transaction,
  type TransactionOptions,
} from '@ratchet/db';

const DAY_MS = 86_400_000;
const TX: TransactionOptions = { maxWait: 10_000, timeout: 60_000 };

/** Retention periods and batch sizes; see the README's worker section. */
export interface RetentionPolicy {
  /** Monthly audit partitions made ahead of the current month, so ingest never has to create one. */
  auditPartitionsAheadMonths: number;
  /** Ingest batch records (idempotency answers, resync progress) are kept this long; ingest refuses batches observed longer ago. */
  ingestBatchDays: number;
  /** Trend rollups (hourly and daily) are kept this long. */
  rollupDays: number;
  /** Rows deleted per transaction. */
  deleteChunk: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { auditPartitionsAheadMonths: 2, ingestBatchDays: INGEST_BATCH_RETENTION_DAYS, rollupDays: 400, deleteChunk: 5000 };

/** Reads an organization's audit retention in days (default: the organization setting, readAuditRetentionDays). */
export type AuditRetentionReader = (tx: Transaction, scope: TenantScope) => Promise<number>;

/** What one retention run did. */
export interface RetentionSummary {
  partitionsEnsured: string[];
  partitionsDropped: string[];
  auditEventsDeleted: number;
  /** Admission decision rows (Pod Security decisions without violations) past the audit retention. */
  admissionDecisionsDeleted: number;
  ingestBatchesDeleted: number;
  rollupsDeleted: number;
  organizations: number;
  failed: string[];
}

function monthStart(time: Date, plusMonths: number): Date {
  return new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth() + plusMonths, 1));
}

/**
 * Retention across every organization (tenants from ratchet_organization_ids; their rows only under withTenant):
 * 1. makes the audit_events partitions of this month and the next `auditPartitionsAheadMonths` (ingest no longer
 *    does; an event of a month without one lands in the default partition and is moved when it is made);
 * 2. drops whole monthly partitions only when every organization's retention has passed their end: partitions are
 *    shared, so the cut is the oldest instant any organization keeps (now - the longest retention);
 * 3. deletes, per organization, its audit events older than its own retention that the drop left (in partitions
 *    others still need, or in the default partition), in chunks;
 * 4. prunes ingest batch records and trend rollups past their periods.
 */
export class RetentionService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date = () => new Date(),
    private readonly policy: RetentionPolicy = DEFAULT_RETENTION,
    private readonly retentionDaysOf: AuditRetentionReader = readAuditRetentionDays,
  ) {}

  /** Makes sure this month's partition and the next ones exist; returns their names. */
  async ensureAuditPartitions(now: Date = this.now()): Promise<string[]> {
    const names: string[] = [];
    for (let ahead = 0; ahead <= this.policy.auditPartitionsAheadMonths; ahead++) {
      names.push(await withSystem(this.prisma, (tx) => ensureAuditPartition(tx, monthStart(now, ahead)), TX));
    }
    return names;
  }

  async run(): Promise<RetentionSummary> {
    const now = this.now();
    const summary: RetentionSummary = {
      partitionsEnsured: await this.ensureAuditPartitions(now),
      partitionsDropped: [],
      auditEventsDeleted: 0,
      admissionDecisionsDeleted: 0,
      ingestBatchesDeleted: 0,
      rollupsDeleted: 0,
      organizations: 0,
      failed: [],
    };
    const orgIds = await withSystem(this.prisma, (tx) => listOrganizationIds(tx));
    summary.organizations = orgIds.length;
    const cutoffs = new Map<string, Date>();
    for (const orgId of orgIds) {
      const days = await withTenant(this.prisma, orgId, (tx) => this.retentionDaysOf(tx, { orgId }));
      cutoffs.set(orgId, new Date(now.getTime() - days * DAY_MS));
    }
    // Whole partitions go first: dropping is cheap, deleting their rows one by one is not. The cut stays two days back
    // at least, inside what ratchet_drop_audit_partitions accepts even with a retention of a day and some clock skew
    // between the worker and Postgres; partitions are months, so this never keeps one longer than a day or two.
    const keepFrom = Math.min(now.getTime() - 2 * DAY_MS, ...[...cutoffs.values()].map((d) => d.getTime()));
    if (cutoffs.size > 0) {
      summary.partitionsDropped = await withSystem(this.prisma, (tx) => dropAuditPartitionsBefore(tx, new Date(keepFrom)), TX);
    }
    const batchesBefore = new Date(now.getTime() - this.policy.ingestBatchDays * DAY_MS);
    const rollupsBefore = new Date(now.getTime() - this.policy.rollupDays * DAY_MS);
    for (const [orgId, cutoff] of cutoffs) {
      try {
        summary.auditEventsDeleted += await this.chunked(orgId, (tx) => deleteAuditEventsBefore(tx, { orgId }, cutoff, this.policy.deleteChunk));
        summary.admissionDecisionsDeleted += await this.chunked(orgId, (tx) => pruneAdmissionDecisions(tx, { orgId }, cutoff, this.policy.deleteChunk));
        summary.ingestBatchesDeleted += await this.chunked(orgId, (tx) => pruneIngestBatches(tx, { orgId }, batchesBefore, this.policy.deleteChunk));
        summary.rollupsDeleted += await withTenant(this.prisma, orgId, (tx) => pruneTrendRollups(tx, { orgId }, rollupsBefore), TX);
      } catch (error) {
        summary.failed.push(`${orgId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return summary;
  }

  // One short transaction per chunk, until a chunk comes back short.
  private async chunked(orgId: string, deleteChunk: (tx: Transaction) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await withTenant(this.prisma, orgId, deleteChunk, TX);
      total += deleted;
      if (deleted < this.policy.deleteChunk) return total;
    }
  }
}
