-- Version drift, as the worker computes it with readiness: for a namespace pinned to a version (enforce-version),
-- the live workloads that `latest` (the cluster's own release) would reject for a check the pinned version lets
-- through, so a cluster upgrade or a move to `latest` is not a surprise. One row per namespace and level with drift;
-- none when there is none (or `latest` is unknown, or equals the pin).
CREATE TABLE "namespace_drift" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "level" "pss_level" NOT NULL,
    "pinned_version" TEXT NOT NULL,
    "latest_version" TEXT NOT NULL,
    "workload_count" INTEGER NOT NULL DEFAULT 0,
    "workloads" JSONB NOT NULL DEFAULT '[]',
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "namespace_drift_pkey" PRIMARY KEY ("org_id", "id")
);

CREATE UNIQUE INDEX "namespace_drift_org_id_namespace_id_level_key" ON "namespace_drift"("org_id", "namespace_id", "level");
CREATE INDEX "namespace_drift_org_id_cluster_id_idx" ON "namespace_drift"("org_id", "cluster_id");

ALTER TABLE "namespace_drift" ADD CONSTRAINT "namespace_drift_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "namespace_drift" ADD CONSTRAINT "namespace_drift_org_id_cluster_id_fkey" FOREIGN KEY ("org_id", "cluster_id") REFERENCES "clusters"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "namespace_drift" ADD CONSTRAINT "namespace_drift_org_id_namespace_id_fkey" FOREIGN KEY ("org_id", "namespace_id") REFERENCES "namespaces"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

GRANT SELECT, INSERT, UPDATE, DELETE ON "namespace_drift" TO ratchet_app;
ALTER TABLE "namespace_drift" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "namespace_drift" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "namespace_drift"
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
