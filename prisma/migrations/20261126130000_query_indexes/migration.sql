-- Indexes for the query API's keyset pagination (apps/api/src/modules/{findings,audit-events}). An index on the
-- partitioned audit_events is created on every partition, and ratchet_ensure_audit_partition's ATTACH PARTITION
-- builds it on partitions made later.
--
-- Under row-level security Postgres uses a condition as an index condition only if its operators are
-- leakproof. Enum equality (`status = 'open'`) and jsonb containment (`checks @> ...`) are not, so they stay
-- filters after the scan: the findings index leaves status out, and a GIN index on audit_events.checks would
-- never be used, so there is none. Row comparisons on timestamptz and uuid are leakproof, so
-- `(last_seen_at, id) < ($1, $2)` pages through these indexes.

-- CreateIndex: the findings list and export in their default order, newest lastSeenAt first.
CREATE INDEX "findings_org_id_last_seen_at_id_idx" ON "findings"("org_id", "last_seen_at", "id");

-- CreateIndex: audit events of a tenant in a time range, newest first, without a cluster or namespace filter.
CREATE INDEX "audit_events_org_id_time_id_idx" ON "audit_events"("org_id", "time", "id");
