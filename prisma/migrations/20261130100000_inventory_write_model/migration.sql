-- The write model both the API and the worker share (issue 6, section 1), and the namespace's own creation time.

-- The namespace's metadata.creationTimestamp as the agent reports it. Null for placeholder rows (a namespace
-- objects refer to before the agent reported it) and for rows stored before this migration: readers fall back
-- to first_seen_at there.
ALTER TABLE "namespaces" ADD COLUMN "creation_timestamp" TIMESTAMPTZ(3);

-- The top-level workload (DESIGN.md "Workload") of each workload and pod, resolved once at ingest instead of in
-- every query: a workload's is the farthest controller of a watched kind in its owner chain, else itself (the
-- same rule apps/api's queries applied to owner_chain); a pod's is the top-level workload of the workload its
-- agent names, else that workload uid itself (the workload is not stored yet, or it is the bare pod).
ALTER TABLE "workloads" ADD COLUMN "top_level_uid" UUID;
UPDATE "workloads" w SET "top_level_uid" = coalesce((
  SELECT (o.owner ->> 'uid')::uuid
  FROM jsonb_array_elements(w.owner_chain) WITH ORDINALITY AS o(owner, position)
  WHERE o.owner ->> 'kind' = ANY (ARRAY['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob',
                                        'ReplicationController', 'Pod', 'PodTemplate'])
  ORDER BY o.position DESC
  LIMIT 1
), w.uid);
ALTER TABLE "workloads" ALTER COLUMN "top_level_uid" SET NOT NULL;
CREATE INDEX "workloads_org_id_cluster_id_top_level_uid_idx" ON "workloads"("org_id", "cluster_id", "top_level_uid");

ALTER TABLE "pods" ADD COLUMN "top_level_workload_uid" UUID;
UPDATE "pods" p SET "top_level_workload_uid" = coalesce((
  SELECT w.top_level_uid FROM workloads w
  WHERE w.org_id = p.org_id AND w.cluster_id = p.cluster_id AND w.uid = p.workload_uid
), p.workload_uid);
ALTER TABLE "pods" ALTER COLUMN "top_level_workload_uid" SET NOT NULL;
CREATE INDEX "pods_org_id_cluster_id_top_level_workload_uid_idx" ON "pods"("org_id", "cluster_id", "top_level_workload_uid");

-- What each inventory batch touched, for the worker to refresh exactly that: a namespace whose readiness must be
-- recomputed, a top-level workload whose findings must be refreshed. Written in the batch's transaction; the
-- worker deletes the marks it claims in the transaction that writes the refreshed rows, so a mark written while
-- it works survives for the next run. One row per thing however many batches marked it; every new mark of a
-- marked thing bumps `generation`, so the worker clears only the marks it has seen (no lock is held meanwhile:
-- a batch never waits for the worker).
CREATE TYPE "inventory_mark_subject" AS ENUM ('namespace', 'workload');

CREATE TABLE "inventory_marks" (
    "org_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "subject" "inventory_mark_subject" NOT NULL,
    "subject_id" UUID NOT NULL,
    "generation" INTEGER NOT NULL DEFAULT 1,
    "marked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inventory_marks_pkey" PRIMARY KEY ("org_id", "cluster_id", "subject", "subject_id")
);

ALTER TABLE "inventory_marks" ADD CONSTRAINT "inventory_marks_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "inventory_marks" ADD CONSTRAINT "inventory_marks_org_id_cluster_id_fkey" FOREIGN KEY ("org_id", "cluster_id") REFERENCES "clusters"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

GRANT SELECT, INSERT, UPDATE, DELETE ON "inventory_marks" TO ratchet_app;
ALTER TABLE "inventory_marks" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "inventory_marks" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "inventory_marks"
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
