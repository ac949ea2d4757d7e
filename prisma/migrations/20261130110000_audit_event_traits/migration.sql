-- Audit events as real apiservers emit them (issue 7 item 12, issue 10), and the cluster's audit and PSA setup
-- from the agent's heartbeat. Every new column is nullable or has a default, so stored rows stay valid: events
-- stored before were parsed (unparsed = false) and were ResponseComplete or Panic (recorded as ResponseComplete).
-- ALTER TABLE on the partitioned audit_events reaches every partition; partitions made later copy the parent.

-- CreateEnum: a request is stored once; its row keeps the facts of the latest stage received, in this order.
CREATE TYPE "audit_stage" AS ENUM ('RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic');

-- CreateEnum
CREATE TYPE "audit_source" AS ENUM ('webhook', 'file', 'none');

-- AlterTable: the stage (ingest always names it; the default covers stored rows and rows written by hand), the
-- effective user of an impersonated request (PSA evaluates and exempts that user), server-side dry runs, the
-- annotations' key prefix.
ALTER TABLE "audit_events"
    ADD COLUMN "stage" "audit_stage" NOT NULL DEFAULT 'ResponseComplete',
    ADD COLUMN "impersonated_username" TEXT,
    ADD COLUMN "impersonated_user_groups" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    ADD COLUMN "dry_run" BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN "annotation_key_prefix" TEXT,
    ADD COLUMN "unparsed" BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN "parse_error" TEXT;

-- An annotation the API cannot parse is stored raw and marked unparsed, with the parser's reason. Its level and
-- version are those of its `"<level>:<version>"` prefix when that part is readable, else null; its checks are
-- empty. A parsed event always has both.
ALTER TABLE "audit_events" ALTER COLUMN "level" DROP NOT NULL, ALTER COLUMN "version" DROP NOT NULL;
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_parse_check" CHECK (
    CASE WHEN "unparsed" THEN "parse_error" IS NOT NULL AND "checks" = '[]'::jsonb
         ELSE "parse_error" IS NULL AND "level" IS NOT NULL AND "version" IS NOT NULL END
);

-- AlterTable: what the agent's last heartbeat said of the cluster's audit source and its Pod Security admission
-- configuration (AdmissionConfiguration defaults and exemptions, upstream field names); null while unknown.
ALTER TABLE "clusters"
    ADD COLUMN "audit_source" "audit_source",
    ADD COLUMN "psa_configuration" JSONB;
