-- Organization settings and the cluster's Pod Security admission configuration as data (issue 8), and what the
-- worker now records beside each readiness verdict. Every new column has a default or is nullable, so stored rows
-- stay valid; the existing row-level-security policies of these tables cover the new columns.

-- Organization settings: readiness_window_days exists (default 7); bounds are enforced here as well as in the
-- contract, so a row written by hand cannot hold a window readiness would misread.
ALTER TABLE "organizations"
    ADD COLUMN "privileged_namespace_allowlist" TEXT[] NOT NULL DEFAULT ARRAY['kube-system', 'kube-public', 'kube-node-lease']::TEXT[],
    ADD COLUMN "audit_retention_days" INTEGER NOT NULL DEFAULT 30,
    -- The PodSecurityConfiguration { defaults, exemptions } assumed for a cluster that has none of its own; null:
    -- upstream's defaults (privileged, latest; no exemptions).
    ADD COLUMN "default_psa_configuration" JSONB;
ALTER TABLE "organizations"
    ADD CONSTRAINT "organizations_readiness_window_days_check" CHECK ("readiness_window_days" BETWEEN 1 AND 90),
    ADD CONSTRAINT "organizations_audit_retention_days_check" CHECK ("audit_retention_days" BETWEEN 1 AND 400),
    ADD CONSTRAINT "organizations_privileged_namespace_allowlist_check" CHECK (cardinality("privileged_namespace_allowlist") <= 256);

-- A PodSecurityConfiguration set through the API; it overrides what the agent's heartbeat reports
-- (psa_configuration), which overrides the organization's default.
ALTER TABLE "clusters" ADD COLUMN "psa_configuration_override" JSONB;

-- What readiness was decided with: `provisional` (ready, but observed for less than the window or without an audit
-- source), since when the namespace is observed, the cluster's audit source at the time, the effective enforce
-- level and where it comes from, whether PSA exempts the namespace, and the audit annotations that contradict the
-- cluster's PSA configuration ([{ kind, expected, observed, events, lastSeenAt }]).
ALTER TABLE "namespace_readiness"
    ADD COLUMN "provisional" BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN "observed_since" TIMESTAMPTZ(3),
    ADD COLUMN "audit_source" "audit_source",
    ADD COLUMN "enforce_level" TEXT,
    ADD COLUMN "enforce_source" TEXT,
    ADD COLUMN "exempt" BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN "psa_contradictions" JSONB NOT NULL DEFAULT '[]';
