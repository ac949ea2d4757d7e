import type { TenantScope } from '../scope.js';
import type { Transaction } from '../tenant-transaction.js';

/** Days the organization's raw audit events are kept (its `auditRetentionDays` setting, 1..400). */
export async function readAuditRetentionDays(tx: Transaction, scope: TenantScope): Promise<number> {
  // An unknown organization is an error here rather than a silent default.
  const rows = await tx.$queryRaw<{ audit_retention_days: number }[]>`SELECT audit_retention_days FROM organizations WHERE id = ${scope.orgId}::uuid`;
  if (rows.length === 0) throw new Error(`organization ${scope.orgId} not found`);
  return rows[0]!.audit_retention_days;
}

/**
 * Deletes up to `limit` of the organization's audit events older than `before` (any partition, the default one
 * included); returns how many. Called in a loop of short transactions, so a large backlog never holds one long lock.
 */
export async function deleteAuditEventsBefore(tx: Transaction, scope: TenantScope, before: Date, limit: number): Promise<number> {
  return tx.$executeRaw`
    DELETE FROM audit_events a
    USING (
      SELECT org_id, id, time FROM audit_events
      WHERE org_id = ${scope.orgId}::uuid AND time < ${before}::timestamptz
      LIMIT ${limit}
    ) old
    WHERE a.org_id = old.org_id AND a.id = old.id AND a.time = old.time`;
}

/**
 * Drops the monthly audit_events partitions that end at or before `before` (ratchet_drop_audit_partitions, which
 * refuses an instant less than a day old) and returns their names. Partitions hold every organization's events:
 * pass the oldest instant any organization still keeps.
 */
export async function dropAuditPartitionsBefore(tx: Transaction, before: Date): Promise<string[]> {
  const rows = await tx.$queryRaw<{ name: string }[]>`SELECT ratchet_drop_audit_partitions(${before}::timestamptz) AS name`;
  return rows.map((r) => r.name);
}

/** The monthly audit_events partitions that exist, oldest first (`audit_events_YYYY_MM`). */
export async function listAuditPartitions(tx: Transaction): Promise<string[]> {
  const rows = await tx.$queryRaw<{ name: string }[]>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_events'::regclass AND c.relname ~ '^audit_events_[0-9]{4}_[0-9]{2}$'
    ORDER BY c.relname`;
  return rows.map((r) => r.name);
}

/**
 * Deletes up to `limit` of the organization's ingest batch records received before `before`; returns how many.
 * A batch record answers a retry of the same Idempotency-Key; past the cut-off a retry is stored again (its items
 * are upserts and its audit events collapse on their unique key, so nothing doubles).
 */
export async function pruneIngestBatches(tx: Transaction, scope: TenantScope, before: Date, limit: number): Promise<number> {
  return tx.$executeRaw`
    DELETE FROM ingest_batches b
    USING (
      SELECT org_id, id FROM ingest_batches WHERE org_id = ${scope.orgId}::uuid AND received_at < ${before}::timestamptz LIMIT ${limit}
    ) old
    WHERE b.org_id = old.org_id AND b.id = old.id`;
}

/**
 * Deletes up to `limit` of the organization's admission decision rows (Pod Security decisions without violations)
 * whose newest request is older than `before`, the organization's audit retention cut: they are raw audit facts too.
 * Returns how many were deleted; call again until fewer than `limit`.
 */
export async function pruneAdmissionDecisions(tx: Transaction, scope: TenantScope, before: Date, limit: number): Promise<number> {
  return tx.$executeRaw`
    DELETE FROM admission_decisions d
    USING (
      SELECT org_id, id FROM admission_decisions WHERE org_id = ${scope.orgId}::uuid AND last_seen_at < ${before}::timestamptz LIMIT ${limit}
    ) old
    WHERE d.org_id = old.org_id AND d.id = old.id`;
}
