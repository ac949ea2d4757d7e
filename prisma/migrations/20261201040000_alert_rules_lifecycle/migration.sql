-- Alerts (issue 9): rules as data with the triggers users asked for, scope by namespace globs and label
-- selectors, a cooldown, the firing/resolved state of each alert (stable fingerprint), the readiness each
-- namespace was last seen in (to notice ready -> blocked), channel health, and what each delivery attempt got.
-- No code wrote alert rows before this migration, so the trigger enum is replaced rather than extended (ALTER TYPE
-- ... ADD VALUE cannot be used in the transaction that adds it).

ALTER TABLE "alert_rules" ALTER COLUMN "trigger" TYPE TEXT;
DROP TYPE "alert_trigger";
CREATE TYPE "alert_trigger" AS ENUM (
  'namespace_ready', 'namespace_at_risk', 'readiness_regressed', 'new_violation', 'privileged_namespace', 'agent_silent'
);
ALTER TABLE "alert_rules" ALTER COLUMN "trigger" TYPE "alert_trigger" USING "trigger"::"alert_trigger";

ALTER TABLE "alert_rules" RENAME COLUMN "throttle_minutes" TO "cooldown_minutes";
ALTER TABLE "alert_rules"
  ADD COLUMN "description" TEXT,
  -- Trigger settings: { level?: 'baseline' | 'restricted', silentMinutes?: int }.
  ADD COLUMN "parameters" JSONB NOT NULL DEFAULT '{}',
  -- A Kubernetes LabelSelector ({ matchLabels, matchExpressions }) over the namespace's labels; null: every namespace.
  ADD COLUMN "label_selector" JSONB,
  ADD CONSTRAINT "alert_rules_cooldown_minutes_check" CHECK ("cooldown_minutes" >= 0);

ALTER TABLE "alert_channels"
  ADD COLUMN "healthy" BOOLEAN NOT NULL DEFAULT true,
  -- First failure of the current run of failures; cleared by a success. A channel failing for a day turns unhealthy.
  ADD COLUMN "failing_since" TIMESTAMPTZ(3),
  ADD COLUMN "unhealthy_since" TIMESTAMPTZ(3),
  ADD COLUMN "last_success_at" TIMESTAMPTZ(3),
  ADD COLUMN "last_failure_at" TIMESTAMPTZ(3),
  ADD COLUMN "last_error" TEXT;

CREATE TYPE "alert_delivery_kind" AS ENUM ('notification', 'test');

ALTER TABLE "alert_deliveries"
  ADD COLUMN "kind" "alert_delivery_kind" NOT NULL DEFAULT 'notification',
  ADD COLUMN "cluster_id" UUID,
  ADD COLUMN "firing_count" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "resolved_count" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "last_attempt_at" TIMESTAMPTZ(3),
  ADD COLUMN "response_code" INTEGER,
  -- The first 1 KiB of the receiver's answer to the last attempt.
  ADD COLUMN "response_excerpt" TEXT;
CREATE INDEX "alert_deliveries_org_id_created_at_id_idx" ON "alert_deliveries"("org_id", "created_at", "id");
CREATE INDEX "alert_deliveries_org_id_channel_id_created_at_idx" ON "alert_deliveries"("org_id", "channel_id", "created_at");

CREATE TYPE "alert_state_status" AS ENUM ('firing', 'resolved');

-- One alert of one rule, by its stable fingerprint (trigger, cluster, subject, level): while a condition holds its
-- row stays `firing` and nothing is sent again; it turns `resolved` when the condition ends.
CREATE TABLE "alert_states" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "rule_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" "alert_state_status" NOT NULL,
    "severity" "alert_severity" NOT NULL,
    "namespace_name" TEXT,
    "summary" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "first_fired_at" TIMESTAMPTZ(3) NOT NULL,
    "last_fired_at" TIMESTAMPTZ(3) NOT NULL,
    "resolved_at" TIMESTAMPTZ(3),
    -- When a firing of this alert last went out; a new firing inside the rule's cooldown is not sent again.
    "last_notified_at" TIMESTAMPTZ(3),
    -- Whether the current firing was sent (a resolve is only sent for a firing that was).
    "notified" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "alert_states_pkey" PRIMARY KEY ("org_id", "id")
);
CREATE UNIQUE INDEX "alert_states_org_id_rule_id_fingerprint_key" ON "alert_states"("org_id", "rule_id", "fingerprint");
CREATE INDEX "alert_states_org_id_cluster_id_status_idx" ON "alert_states"("org_id", "cluster_id", "status");
ALTER TABLE "alert_states" ADD CONSTRAINT "alert_states_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "alert_states" ADD CONSTRAINT "alert_states_org_id_rule_id_fkey" FOREIGN KEY ("org_id", "rule_id") REFERENCES "alert_rules"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "alert_states" ADD CONSTRAINT "alert_states_org_id_cluster_id_fkey" FOREIGN KEY ("org_id", "cluster_id") REFERENCES "clusters"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The readiness status each namespace and level had when alerts were last evaluated, so a regression from ready to
-- blocked is seen as a transition, not inferred from the current row alone.
CREATE TABLE "alert_readiness_observations" (
    "org_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "level" "pss_level" NOT NULL,
    "status" "readiness_status" NOT NULL,
    "observed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_readiness_observations_pkey" PRIMARY KEY ("org_id", "namespace_id", "level")
);
CREATE INDEX "alert_readiness_observations_org_id_cluster_id_idx" ON "alert_readiness_observations"("org_id", "cluster_id");
ALTER TABLE "alert_readiness_observations" ADD CONSTRAINT "alert_readiness_observations_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "alert_readiness_observations" ADD CONSTRAINT "alert_readiness_observations_org_id_cluster_id_fkey" FOREIGN KEY ("org_id", "cluster_id") REFERENCES "clusters"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "alert_readiness_observations" ADD CONSTRAINT "alert_readiness_observations_org_id_namespace_id_fkey" FOREIGN KEY ("org_id", "namespace_id") REFERENCES "namespaces"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

DO $rls$
DECLARE
  table_name text;
BEGIN
  FOREACH table_name IN ARRAY ARRAY['alert_states', 'alert_readiness_observations'] LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ratchet_app', table_name);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', table_name);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I '
      'USING (org_id = nullif(current_setting(''app.org_id'', true), '''')::uuid) '
      'WITH CHECK (org_id = nullif(current_setting(''app.org_id'', true), '''')::uuid)',
      table_name
    );
  END LOOP;
END
$rls$;
