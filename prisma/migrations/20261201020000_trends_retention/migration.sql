-- Trends and retention (issue 8).
--
-- trend_rollups: one row per (organization, namespace, granularity, level, bucket). The version is the one the
-- namespace's readiness is computed at when the bucket is (re)built, a fact of the row rather than part of its key,
-- so rebuilding a bucket after the namespace changed its enforce-version overwrites the row instead of adding a
-- second one. by_check holds the same figures per Pod Security check:
--   { "<checkId>": { "failingWorkloads": n, "failingPods": n, "auditViolations": n } }.
ALTER TABLE "trend_rollups" ADD COLUMN "by_check" JSONB NOT NULL DEFAULT '{}';
DROP INDEX "trend_rollups_namespace_bucket_key";
CREATE UNIQUE INDEX "trend_rollups_namespace_bucket_key" ON "trend_rollups"("org_id", "namespace_id", "granularity", "level", "bucket_start");
-- The cluster series reads a cluster's buckets of one granularity in a time range.
DROP INDEX "trend_rollups_org_id_cluster_id_idx";
CREATE INDEX "trend_rollups_org_id_cluster_id_granularity_bucket_start_idx" ON "trend_rollups"("org_id", "cluster_id", "granularity", "bucket_start");

-- Audit retention: drops the monthly audit_events partitions that end at or before p_before and returns their names.
-- Partitions are shared by every organization, so the caller passes the oldest instant any organization still keeps
-- (the worker's retention job deletes each organization's older rows itself, partition or not). Refuses a p_before
-- later than a day ago, so a wrong clock or a zero retention cannot drop the partition being written. The default
-- partition is never dropped. SECURITY DEFINER because dropping a partition needs the table's owner, like
-- ratchet_ensure_audit_partition; executable by ratchet_app only.
CREATE FUNCTION ratchet_drop_audit_partitions(p_before timestamptz)
RETURNS SETOF text
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $fn$
DECLARE
  v_part record;
  v_to timestamptz;
BEGIN
  IF p_before IS NULL OR p_before > now() - interval '1 day' THEN
    RAISE EXCEPTION 'ratchet_drop_audit_partitions: p_before must be at least a day in the past, got %', p_before;
  END IF;
  FOR v_part IN
    SELECT c.relname
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_events'::regclass AND c.relname ~ '^audit_events_[0-9]{4}_[0-9]{2}$'
    ORDER BY c.relname
  LOOP
    -- The name is the month's UTC start (ratchet_ensure_audit_partition names them so); the range ends a month later.
    v_to := (make_date(substr(v_part.relname, 14, 4)::integer, substr(v_part.relname, 19, 2)::integer, 1) + interval '1 month')
            AT TIME ZONE 'UTC';
    IF v_to <= p_before THEN
      -- IF EXISTS: another worker's retention run may have dropped it while this one waited for the lock.
      EXECUTE format('DROP TABLE IF EXISTS %I', v_part.relname);
      RETURN NEXT v_part.relname;
    END IF;
  END LOOP;
END
$fn$;

REVOKE ALL ON FUNCTION ratchet_drop_audit_partitions(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ratchet_drop_audit_partitions(timestamptz) TO ratchet_app;
