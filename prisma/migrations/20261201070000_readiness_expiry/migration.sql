-- When a stored readiness stops being true by the passage of time alone: audit-mode violations block only while
-- they are inside the organization's readiness window.
-- `audit_blocked_until`: the newest audit violation that blocks this level leaves the window then (NULL: no audit
-- violation blocks it). The API reads a `blocked` row with no blocking workload as not blocked past this time.
-- `recompute_due_at`: the oldest audit event this row counted (violations, contradictions) leaves the window then;
-- the `readiness-expiry` schedule recomputes rows that are due, so counts and contradictions age out too.
ALTER TABLE "namespace_readiness"
    ADD COLUMN "audit_blocked_until" TIMESTAMPTZ(3),
    ADD COLUMN "recompute_due_at" TIMESTAMPTZ(3);

CREATE INDEX "namespace_readiness_org_id_recompute_due_at_idx" ON "namespace_readiness"("org_id", "recompute_due_at")
    WHERE "recompute_due_at" IS NOT NULL;
