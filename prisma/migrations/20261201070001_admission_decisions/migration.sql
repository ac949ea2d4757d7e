-- Pod Security decisions without violations, as the agent counts them from audit events: requests PSA exempted
-- (`<prefix>/exempt`: namespace, user, runtimeClass) and pods it evaluated (`<prefix>/enforce-policy`). One row per
-- cluster, namespace, hour (of the agent's lastSeen), resource, decision, effective user, dry-run flag and key
-- prefix; batches add their counts (a batch is applied once: its idempotency key). Readiness compares them with the
-- cluster's PSA configuration (psaContradictions). `exempt` and `enforce_policy` are '' when absent, so the key is
-- a plain unique index.
CREATE TABLE "admission_decisions" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "namespace_name" TEXT NOT NULL,
    "bucket_start" TIMESTAMPTZ(3) NOT NULL,
    "resource" TEXT NOT NULL,
    "exempt" TEXT NOT NULL DEFAULT '',
    "enforce_policy" TEXT NOT NULL DEFAULT '',
    "username" TEXT NOT NULL,
    "dry_run" BOOLEAN NOT NULL DEFAULT false,
    "key_prefix" TEXT NOT NULL DEFAULT 'pod-security.kubernetes.io',
    "count" INTEGER NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "admission_decisions_pkey" PRIMARY KEY ("org_id", "id"),
    CONSTRAINT "admission_decisions_one_decision" CHECK (("exempt" = '') <> ("enforce_policy" = ''))
);

CREATE UNIQUE INDEX "admission_decisions_key" ON "admission_decisions"
    ("org_id", "cluster_id", "namespace_name", "bucket_start", "resource", "exempt", "enforce_policy", "username", "dry_run", "key_prefix");
CREATE INDEX "admission_decisions_org_id_cluster_id_last_seen_at_idx" ON "admission_decisions"("org_id", "cluster_id", "last_seen_at");

ALTER TABLE "admission_decisions" ADD CONSTRAINT "admission_decisions_org_id_fkey"
    FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "admission_decisions" ADD CONSTRAINT "admission_decisions_org_id_cluster_id_fkey"
    FOREIGN KEY ("org_id", "cluster_id") REFERENCES "clusters"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

GRANT SELECT, INSERT, UPDATE, DELETE ON "admission_decisions" TO ratchet_app;
ALTER TABLE "admission_decisions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "admission_decisions" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "admission_decisions"
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
