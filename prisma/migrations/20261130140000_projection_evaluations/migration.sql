-- The worker's verdict on one security projection at one level and version, so a template shared by many pods is
-- evaluated once per level@version, and findings and readiness read stored verdicts instead of evaluating again.
-- `version` is always a concrete "v1.<minor>" (a namespace's "latest" is the cluster's own release, resolved
-- before evaluating), capped at the evaluator's newest minor.
CREATE TABLE "projection_evaluations" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "projection_id" UUID NOT NULL,
    "level" "pss_level" NOT NULL,
    "version" TEXT NOT NULL,
    "allowed" BOOLEAN NOT NULL,
    "checks" JSONB NOT NULL DEFAULT '[]',
    "evaluated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "projection_evaluations_pkey" PRIMARY KEY ("org_id", "id")
);

CREATE UNIQUE INDEX "projection_evaluations_org_id_projection_id_level_version_key"
  ON "projection_evaluations"("org_id", "projection_id", "level", "version");

ALTER TABLE "projection_evaluations" ADD CONSTRAINT "projection_evaluations_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "projection_evaluations" ADD CONSTRAINT "projection_evaluations_org_id_projection_id_fkey" FOREIGN KEY ("org_id", "projection_id") REFERENCES "security_projections"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

GRANT SELECT, INSERT, UPDATE, DELETE ON "projection_evaluations" TO ratchet_app;
ALTER TABLE "projection_evaluations" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "projection_evaluations" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "projection_evaluations"
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
