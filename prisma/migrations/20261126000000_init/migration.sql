-- Ratchet's initial schema, written by hand to match prisma/schema.prisma (a test compares the two).
-- Sections: enums, tables, indexes, foreign keys (Prisma's layout and names), then what Prisma cannot express:
-- the monthly partitions of audit_events, the roles, grants, row-level security and the SECURITY DEFINER
-- functions for the few lookups that run before the tenant is known.

-- CreateEnum
CREATE TYPE "org_role" AS ENUM ('owner', 'admin', 'viewer');

-- CreateEnum
CREATE TYPE "pss_level" AS ENUM ('privileged', 'baseline', 'restricted');

-- CreateEnum
CREATE TYPE "workload_kind" AS ENUM ('Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController', 'Pod', 'PodTemplate');

-- CreateEnum
CREATE TYPE "pod_phase" AS ENUM ('Pending', 'Running', 'Succeeded', 'Failed', 'Unknown');

-- CreateEnum
CREATE TYPE "finding_status" AS ENUM ('open', 'resolved');

-- CreateEnum
CREATE TYPE "readiness_status" AS ENUM ('ready', 'blocked', 'unknown');

-- CreateEnum
CREATE TYPE "ingest_batch_kind" AS ENUM ('resync', 'delta', 'audit', 'heartbeat');

-- CreateEnum
CREATE TYPE "rollup_granularity" AS ENUM ('hour', 'day');

-- CreateEnum
CREATE TYPE "alert_trigger" AS ENUM ('finding_opened', 'finding_resolved', 'readiness_changed', 'namespace_at_risk', 'cluster_silent');

-- CreateEnum
CREATE TYPE "alert_severity" AS ENUM ('info', 'warning', 'critical');

-- CreateEnum
CREATE TYPE "alert_channel_type" AS ENUM ('webhook', 'slack', 'teams', 'email');

-- CreateEnum
CREATE TYPE "delivery_status" AS ENUM ('pending', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_login_at" TIMESTAMPTZ(3),
    "disabled_at" TIMESTAMPTZ(3),

    CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
    -- Emails are compared case-insensitively; the application lower-cases them and this keeps it honest.
    CONSTRAINT "users_email_lowercase_check" CHECK ("email" = lower("email"))
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "ip_address" TEXT,
    "user_agent" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "organizations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "readiness_window_days" INTEGER NOT NULL DEFAULT 7,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memberships" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "role" "org_role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "memberships_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable
CREATE TABLE "invitations" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "role" "org_role" NOT NULL,
    "token_hash" TEXT NOT NULL,
    "invited_by_user_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "accepted_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "invitations_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "token_prefix" TEXT NOT NULL,
    "role" "org_role" NOT NULL,
    "created_by_user_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable
CREATE TABLE "clusters" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3),
    "agent_version" TEXT,
    "kubernetes_version" TEXT,

    CONSTRAINT "clusters_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable
CREATE TABLE "agent_tokens" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "token_prefix" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "agent_tokens_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable
CREATE TABLE "namespaces" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "uid" UUID,
    "enforce_level" TEXT,
    "enforce_version" TEXT,
    "audit_level" TEXT,
    "audit_version" TEXT,
    "warn_level" TEXT,
    "warn_version" TEXT,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "namespaces_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable
CREATE TABLE "security_projections" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "content_hash" TEXT NOT NULL,
    "projection" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "evaluated_at" TIMESTAMPTZ(3),

    CONSTRAINT "security_projections_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable
CREATE TABLE "workloads" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "kind" "workload_kind" NOT NULL,
    "name" TEXT NOT NULL,
    "uid" UUID NOT NULL,
    "owner_chain" JSONB NOT NULL DEFAULT '[]',
    "replicas" INTEGER,
    "pod_count" INTEGER NOT NULL DEFAULT 0,
    "projection_id" UUID NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workloads_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable
CREATE TABLE "pods" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "uid" UUID NOT NULL,
    "workload_uid" UUID NOT NULL,
    "projection_id" UUID NOT NULL,
    "phase" "pod_phase" NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pods_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable
CREATE TABLE "findings" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "workload_id" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "namespace_name" TEXT NOT NULL,
    "workload_kind" "workload_kind" NOT NULL,
    "workload_name" TEXT NOT NULL,
    "level" "pss_level" NOT NULL,
    "version" TEXT NOT NULL,
    "check_id" TEXT NOT NULL,
    "status" "finding_status" NOT NULL DEFAULT 'open',
    "message" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "findings_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable
CREATE TABLE "namespace_readiness" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "level" "pss_level" NOT NULL,
    "version" TEXT NOT NULL,
    "status" "readiness_status" NOT NULL,
    "at_risk" BOOLEAN NOT NULL DEFAULT false,
    "blocking_workload_count" INTEGER NOT NULL DEFAULT 0,
    "blocking_workloads" JSONB NOT NULL DEFAULT '[]',
    "audit_violation_count" INTEGER NOT NULL DEFAULT 0,
    "window_days" INTEGER NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "namespace_readiness_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable: partitioned by month on "time"; partitions are made by ratchet_ensure_audit_partition below.
CREATE TABLE "audit_events" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "audit_id" TEXT NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "username" TEXT NOT NULL,
    "user_groups" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "verb" TEXT NOT NULL,
    "object_resource" TEXT NOT NULL,
    "object_namespace" TEXT,
    "object_name" TEXT,
    "object_api_group" TEXT,
    "object_api_version" TEXT,
    "object_subresource" TEXT,
    "namespace_name" TEXT NOT NULL,
    "response_code" INTEGER,
    "audit_violations" TEXT NOT NULL,
    "enforce_policy" TEXT,
    "audit_policy" TEXT,
    "level" "pss_level" NOT NULL,
    "version" TEXT NOT NULL,
    "checks" JSONB NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("org_id","id","time")
) PARTITION BY RANGE ("time");

-- CreateTable
CREATE TABLE "ingest_batches" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "kind" "ingest_batch_kind" NOT NULL,
    "sync_id" UUID,
    "chunk" INTEGER,
    "total_chunks" INTEGER,
    "item_count" INTEGER NOT NULL,
    "response" JSONB,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ingest_batches_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable
CREATE TABLE "trend_rollups" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "granularity" "rollup_granularity" NOT NULL,
    "bucket_start" TIMESTAMPTZ(3) NOT NULL,
    "level" "pss_level" NOT NULL,
    "version" TEXT NOT NULL,
    "open_findings" INTEGER NOT NULL DEFAULT 0,
    "opened_findings" INTEGER NOT NULL DEFAULT 0,
    "resolved_findings" INTEGER NOT NULL DEFAULT 0,
    "failing_workloads" INTEGER NOT NULL DEFAULT 0,
    "failing_pods" INTEGER NOT NULL DEFAULT 0,
    "audit_violations" INTEGER NOT NULL DEFAULT 0,
    "readiness_status" "readiness_status",
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trend_rollups_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable
CREATE TABLE "alert_channels" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "type" "alert_channel_type" NOT NULL,
    "config" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_channels_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable
CREATE TABLE "alert_rules" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "trigger" "alert_trigger" NOT NULL,
    "min_severity" "alert_severity" NOT NULL DEFAULT 'warning',
    "cluster_ids" UUID[] NOT NULL DEFAULT ARRAY[]::UUID[],
    "include_namespaces" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "exclude_namespaces" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "throttle_minutes" INTEGER NOT NULL DEFAULT 60,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable
CREATE TABLE "alert_rule_channels" (
    "org_id" UUID NOT NULL,
    "rule_id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_rule_channels_pkey" PRIMARY KEY ("org_id","rule_id","channel_id")
);

-- CreateTable
CREATE TABLE "alert_deliveries" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "rule_id" UUID,
    "channel_id" UUID NOT NULL,
    "dedup_key" TEXT NOT NULL,
    "severity" "alert_severity" NOT NULL,
    "status" "delivery_status" NOT NULL DEFAULT 'pending',
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_deliveries_pkey" PRIMARY KEY ("org_id","id")
);

-- CreateTable
CREATE TABLE "outbox_jobs" (
    "org_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "queue" TEXT NOT NULL,
    "job_name" TEXT NOT NULL,
    "job_id" TEXT,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "available_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_jobs_pkey" PRIMARY KEY ("org_id","id")
);

-- Indexes. Every tenant-owned index leads with org_id, except the few that serve lookups made before the tenant
-- is known: token hashes (random, so unique across tenants) and a user's memberships.

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "sessions_token_hash_key" ON "sessions"("token_hash");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "organizations_slug_key" ON "organizations"("slug");

-- CreateIndex
CREATE INDEX "memberships_user_id_idx" ON "memberships"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "memberships_org_id_user_id_key" ON "memberships"("org_id", "user_id");

-- CreateIndex
CREATE UNIQUE INDEX "invitations_token_hash_key" ON "invitations"("token_hash");

-- CreateIndex
CREATE INDEX "invitations_org_id_email_idx" ON "invitations"("org_id", "email");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_org_id_name_key" ON "api_tokens"("org_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "clusters_org_id_name_key" ON "clusters"("org_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "agent_tokens_token_hash_key" ON "agent_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "agent_tokens_org_id_cluster_id_idx" ON "agent_tokens"("org_id", "cluster_id");

-- CreateIndex
CREATE UNIQUE INDEX "namespaces_org_id_cluster_id_name_key" ON "namespaces"("org_id", "cluster_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "namespaces_org_id_cluster_id_uid_key" ON "namespaces"("org_id", "cluster_id", "uid");

-- CreateIndex
CREATE UNIQUE INDEX "security_projections_org_id_content_hash_key" ON "security_projections"("org_id", "content_hash");

-- CreateIndex
CREATE INDEX "workloads_org_id_namespace_id_idx" ON "workloads"("org_id", "namespace_id");

-- CreateIndex
CREATE INDEX "workloads_org_id_projection_id_idx" ON "workloads"("org_id", "projection_id");

-- CreateIndex
CREATE UNIQUE INDEX "workloads_org_id_cluster_id_namespace_id_kind_name_key" ON "workloads"("org_id", "cluster_id", "namespace_id", "kind", "name");

-- CreateIndex
CREATE UNIQUE INDEX "workloads_org_id_cluster_id_uid_key" ON "workloads"("org_id", "cluster_id", "uid");

-- CreateIndex
CREATE INDEX "pods_org_id_cluster_id_workload_uid_idx" ON "pods"("org_id", "cluster_id", "workload_uid");

-- CreateIndex
CREATE INDEX "pods_org_id_namespace_id_idx" ON "pods"("org_id", "namespace_id");

-- CreateIndex
CREATE INDEX "pods_org_id_projection_id_idx" ON "pods"("org_id", "projection_id");

-- CreateIndex
CREATE UNIQUE INDEX "pods_org_id_cluster_id_uid_key" ON "pods"("org_id", "cluster_id", "uid");

-- CreateIndex
CREATE INDEX "findings_org_id_cluster_id_namespace_id_status_idx" ON "findings"("org_id", "cluster_id", "namespace_id", "status");

-- CreateIndex
CREATE INDEX "findings_org_id_namespace_id_idx" ON "findings"("org_id", "namespace_id");

-- CreateIndex
CREATE INDEX "findings_org_id_workload_id_idx" ON "findings"("org_id", "workload_id");

-- CreateIndex
CREATE UNIQUE INDEX "findings_org_id_fingerprint_version_key" ON "findings"("org_id", "fingerprint", "version");

-- CreateIndex
CREATE INDEX "namespace_readiness_org_id_cluster_id_idx" ON "namespace_readiness"("org_id", "cluster_id");

-- CreateIndex
CREATE UNIQUE INDEX "namespace_readiness_org_id_namespace_id_level_version_key" ON "namespace_readiness"("org_id", "namespace_id", "level", "version");

-- CreateIndex
CREATE INDEX "audit_events_org_id_cluster_id_namespace_name_time_idx" ON "audit_events"("org_id", "cluster_id", "namespace_name", "time");

-- CreateIndex: includes the partition key, as every unique index on a partitioned table must; a repeated
-- auditID has the same "time" (requestReceivedTimestamp), so it is still stored once.
CREATE UNIQUE INDEX "audit_events_org_id_cluster_id_audit_id_time_key" ON "audit_events"("org_id", "cluster_id", "audit_id", "time");

-- CreateIndex
CREATE INDEX "ingest_batches_org_id_cluster_id_sync_id_idx" ON "ingest_batches"("org_id", "cluster_id", "sync_id");

-- CreateIndex
CREATE INDEX "ingest_batches_org_id_received_at_idx" ON "ingest_batches"("org_id", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "ingest_batches_org_id_cluster_id_idempotency_key_key" ON "ingest_batches"("org_id", "cluster_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "trend_rollups_org_id_granularity_bucket_start_idx" ON "trend_rollups"("org_id", "granularity", "bucket_start");

-- CreateIndex
CREATE INDEX "trend_rollups_org_id_cluster_id_idx" ON "trend_rollups"("org_id", "cluster_id");

-- CreateIndex
CREATE UNIQUE INDEX "trend_rollups_namespace_bucket_key" ON "trend_rollups"("org_id", "namespace_id", "granularity", "level", "version", "bucket_start");

-- CreateIndex
CREATE UNIQUE INDEX "alert_channels_org_id_name_key" ON "alert_channels"("org_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "alert_rules_org_id_name_key" ON "alert_rules"("org_id", "name");

-- CreateIndex
CREATE INDEX "alert_rule_channels_org_id_channel_id_idx" ON "alert_rule_channels"("org_id", "channel_id");

-- CreateIndex
CREATE INDEX "alert_deliveries_org_id_status_next_attempt_at_idx" ON "alert_deliveries"("org_id", "status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "alert_deliveries_org_id_rule_id_idx" ON "alert_deliveries"("org_id", "rule_id");

-- CreateIndex
CREATE UNIQUE INDEX "alert_deliveries_org_id_channel_id_dedup_key_key" ON "alert_deliveries"("org_id", "channel_id", "dedup_key");

-- CreateIndex
CREATE INDEX "outbox_jobs_org_id_created_at_idx" ON "outbox_jobs"("org_id", "created_at");

-- Foreign keys. Between tenant-owned tables they are composite (org_id, x_id) -> (org_id, id), so a row cannot
-- point into another tenant. Deleting an organization or a cluster cascades to everything under it.
-- Projections are shared by the clusters of an organization and outlive any one of them (NO ACTION).

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_invited_by_user_id_fkey" FOREIGN KEY ("invited_by_user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_user_id_fkey" FOREIGN KEY ("created_by_user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "clusters" ADD CONSTRAINT "clusters_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_tokens" ADD CONSTRAINT "agent_tokens_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_tokens" ADD CONSTRAINT "agent_tokens_org_id_cluster_id_fkey" FOREIGN KEY ("org_id", "cluster_id") REFERENCES "clusters"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "namespaces" ADD CONSTRAINT "namespaces_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "namespaces" ADD CONSTRAINT "namespaces_org_id_cluster_id_fkey" FOREIGN KEY ("org_id", "cluster_id") REFERENCES "clusters"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "security_projections" ADD CONSTRAINT "security_projections_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workloads" ADD CONSTRAINT "workloads_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workloads" ADD CONSTRAINT "workloads_org_id_cluster_id_fkey" FOREIGN KEY ("org_id", "cluster_id") REFERENCES "clusters"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workloads" ADD CONSTRAINT "workloads_org_id_namespace_id_fkey" FOREIGN KEY ("org_id", "namespace_id") REFERENCES "namespaces"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workloads" ADD CONSTRAINT "workloads_org_id_projection_id_fkey" FOREIGN KEY ("org_id", "projection_id") REFERENCES "security_projections"("org_id", "id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pods" ADD CONSTRAINT "pods_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pods" ADD CONSTRAINT "pods_org_id_cluster_id_fkey" FOREIGN KEY ("org_id", "cluster_id") REFERENCES "clusters"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pods" ADD CONSTRAINT "pods_org_id_namespace_id_fkey" FOREIGN KEY ("org_id", "namespace_id") REFERENCES "namespaces"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pods" ADD CONSTRAINT "pods_org_id_projection_id_fkey" FOREIGN KEY ("org_id", "projection_id") REFERENCES "security_projections"("org_id", "id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "findings" ADD CONSTRAINT "findings_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "findings" ADD CONSTRAINT "findings_org_id_cluster_id_fkey" FOREIGN KEY ("org_id", "cluster_id") REFERENCES "clusters"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "findings" ADD CONSTRAINT "findings_org_id_namespace_id_fkey" FOREIGN KEY ("org_id", "namespace_id") REFERENCES "namespaces"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "findings" ADD CONSTRAINT "findings_org_id_workload_id_fkey" FOREIGN KEY ("org_id", "workload_id") REFERENCES "workloads"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "namespace_readiness" ADD CONSTRAINT "namespace_readiness_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "namespace_readiness" ADD CONSTRAINT "namespace_readiness_org_id_cluster_id_fkey" FOREIGN KEY ("org_id", "cluster_id") REFERENCES "clusters"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "namespace_readiness" ADD CONSTRAINT "namespace_readiness_org_id_namespace_id_fkey" FOREIGN KEY ("org_id", "namespace_id") REFERENCES "namespaces"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_org_id_cluster_id_fkey" FOREIGN KEY ("org_id", "cluster_id") REFERENCES "clusters"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ingest_batches" ADD CONSTRAINT "ingest_batches_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ingest_batches" ADD CONSTRAINT "ingest_batches_org_id_cluster_id_fkey" FOREIGN KEY ("org_id", "cluster_id") REFERENCES "clusters"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trend_rollups" ADD CONSTRAINT "trend_rollups_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trend_rollups" ADD CONSTRAINT "trend_rollups_org_id_cluster_id_fkey" FOREIGN KEY ("org_id", "cluster_id") REFERENCES "clusters"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trend_rollups" ADD CONSTRAINT "trend_rollups_org_id_namespace_id_fkey" FOREIGN KEY ("org_id", "namespace_id") REFERENCES "namespaces"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_channels" ADD CONSTRAINT "alert_channels_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_rule_channels" ADD CONSTRAINT "alert_rule_channels_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_rule_channels" ADD CONSTRAINT "alert_rule_channels_org_id_rule_id_fkey" FOREIGN KEY ("org_id", "rule_id") REFERENCES "alert_rules"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_rule_channels" ADD CONSTRAINT "alert_rule_channels_org_id_channel_id_fkey" FOREIGN KEY ("org_id", "channel_id") REFERENCES "alert_channels"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_org_id_rule_id_fkey" FOREIGN KEY ("org_id", "rule_id") REFERENCES "alert_rules"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_org_id_channel_id_fkey" FOREIGN KEY ("org_id", "channel_id") REFERENCES "alert_channels"("org_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbox_jobs" ADD CONSTRAINT "outbox_jobs_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- =============================================================================================================
-- Roles. Roles belong to the Postgres cluster, not to one database, so they are created only when missing (and
-- tolerate a concurrent migration of another database creating them first).
--   ratchet_app     what the API and worker run as (`SET LOCAL ROLE ratchet_app` in every transaction, see
--                   libs/db/src/tenant-transaction.ts): DML only, subject to row-level security. Grant it to
--                   the login role the services connect with: GRANT ratchet_app TO <login role>.
--   ratchet_system  owns the SECURITY DEFINER lookup functions below and may read, through its own policies,
--                   only the rows those functions need. Nobody logs in as it.
-- A non-superuser migrating role is made a member of both, so it can SET ROLE and hand functions over.

DO $roles$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['ratchet_app', 'ratchet_system'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', role_name);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name AND (rolsuper OR rolbypassrls)) THEN
      RAISE EXCEPTION 'role % exists but bypasses row-level security; run ALTER ROLE % NOSUPERUSER NOBYPASSRLS', role_name, role_name;
    END IF;
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
      EXECUTE format('GRANT %I TO %I', role_name, current_user);
    END IF;
  END LOOP;
END
$roles$;

GRANT USAGE ON SCHEMA public TO ratchet_app, ratchet_system;

-- =============================================================================================================
-- Audit event partitions: one per calendar month (UTC), plus a DEFAULT partition so an insert never fails.
-- Partitions have row-level security enabled and no grants: ratchet_app reaches them only through the parent,
-- whose policy applies. They are not FORCEd, so the owner can move rows out of the default partition below.

CREATE TABLE "audit_events_default" PARTITION OF "audit_events" DEFAULT;
ALTER TABLE "audit_events_default" ENABLE ROW LEVEL SECURITY;

-- Creates the partition for the month of p_time when it is missing and returns its name. Call it before
-- inserting events of a month (the API does, per batch); rows that reached the default partition meanwhile are
-- moved into the new partition. SECURITY DEFINER because creating a partition needs the table's owner.
CREATE FUNCTION ratchet_ensure_audit_partition(p_time timestamptz)
RETURNS text
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $fn$
DECLARE
  v_from timestamptz;
  v_to timestamptz;
  v_name text;
BEGIN
  IF p_time IS NULL THEN
    RAISE EXCEPTION 'ratchet_ensure_audit_partition: p_time must not be null';
  END IF;
  v_from := date_trunc('month', p_time, 'UTC');
  v_to := v_from + interval '1 month';
  v_name := 'audit_events_' || to_char(v_from AT TIME ZONE 'UTC', 'YYYY_MM');

  IF to_regclass(v_name) IS NOT NULL THEN
    RETURN v_name;
  END IF;
  -- The lock serializes creators and holds off writers to the default partition until the attach commits
  -- (attaching a range the default partition holds rows for fails, so those rows move first). Then look again,
  -- in the catalog itself: another transaction may have made the partition while we waited, and to_regclass
  -- can miss a table committed so recently.
  LOCK TABLE audit_events_default IN ACCESS EXCLUSIVE MODE;
  IF EXISTS (SELECT 1 FROM pg_class WHERE relname = v_name AND relnamespace = 'public'::regnamespace) THEN
    RETURN v_name;
  END IF;

  EXECUTE format('CREATE TABLE %I (LIKE audit_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name);
  EXECUTE format(
    'WITH moved AS (DELETE FROM audit_events_default WHERE "time" >= $1 AND "time" < $2 RETURNING *) '
    'INSERT INTO %I SELECT * FROM moved',
    v_name
  ) USING v_from, v_to;
  EXECUTE format('ALTER TABLE audit_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', v_name, v_from, v_to);
  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', v_name);
  RETURN v_name;
END
$fn$;

REVOKE ALL ON FUNCTION ratchet_ensure_audit_partition(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ratchet_ensure_audit_partition(timestamptz) TO ratchet_app;

SELECT ratchet_ensure_audit_partition(now());
SELECT ratchet_ensure_audit_partition(now() + interval '1 month');

-- =============================================================================================================
-- Grants and row-level security.
-- Every tenant-owned table: RLS enabled and FORCEd (the owner is subject to it too), and one policy that lets a
-- row be seen or written only when its org_id equals the transaction's `app.org_id` setting. With no setting,
-- nullif(...) is NULL and nothing matches: a query that forgot its tenant sees no rows and cannot write.
-- users and sessions are global (a login spans organizations) and have no RLS. _prisma_migrations gets no grant.

GRANT SELECT, INSERT, UPDATE, DELETE ON "users", "sessions" TO ratchet_app;

DO $rls$
DECLARE
  table_name text;
BEGIN
  FOREACH table_name IN ARRAY ARRAY[
    'memberships', 'invitations', 'api_tokens', 'clusters', 'agent_tokens', 'namespaces', 'security_projections',
    'workloads', 'pods', 'findings', 'namespace_readiness', 'audit_events', 'ingest_batches', 'trend_rollups',
    'alert_channels', 'alert_rules', 'alert_rule_channels', 'alert_deliveries', 'outbox_jobs'
  ] LOOP
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

-- The tenant table itself: a tenant sees and writes only its own organization row. Creating an organization is
-- done with `app.org_id` set to the new id.
GRANT SELECT, INSERT, UPDATE, DELETE ON "organizations" TO ratchet_app;
ALTER TABLE "organizations" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "organizations" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "organizations"
  USING (id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.org_id', true), '')::uuid);

-- What ratchet_system may reach, across tenants, for the functions it owns.
GRANT SELECT ON "organizations", "memberships", "invitations", "api_tokens", "agent_tokens" TO ratchet_system;
GRANT SELECT, UPDATE, DELETE ON "outbox_jobs" TO ratchet_system;
CREATE POLICY system_lookup ON "organizations" FOR SELECT TO ratchet_system USING (true);
CREATE POLICY system_lookup ON "memberships" FOR SELECT TO ratchet_system USING (true);
CREATE POLICY system_lookup ON "invitations" FOR SELECT TO ratchet_system USING (true);
CREATE POLICY system_lookup ON "api_tokens" FOR SELECT TO ratchet_system USING (true);
CREATE POLICY system_lookup ON "agent_tokens" FOR SELECT TO ratchet_system USING (true);
CREATE POLICY system_relay ON "outbox_jobs" TO ratchet_system USING (true) WITH CHECK (true);

-- =============================================================================================================
-- Pre-tenant lookups. Each runs as ratchet_system (SECURITY DEFINER), returns only the ids the caller needs to
-- open a tenant transaction, and is executable by ratchet_app alone. The caller then reads everything else
-- under withTenant(orgId), where row-level security applies as usual.

-- An agent's bearer token (sha256 hex) -> its token, organization and cluster, when not revoked.
CREATE FUNCTION ratchet_agent_token_lookup(p_token_hash text)
RETURNS TABLE (token_id uuid, org_id uuid, cluster_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $fn$
  SELECT t.id, t.org_id, t.cluster_id
  FROM agent_tokens t
  WHERE t.token_hash = p_token_hash AND t.revoked_at IS NULL
$fn$;

-- An API token (sha256 hex) -> its token and organization, when not revoked or expired.
CREATE FUNCTION ratchet_api_token_lookup(p_token_hash text)
RETURNS TABLE (token_id uuid, org_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $fn$
  SELECT t.id, t.org_id
  FROM api_tokens t
  WHERE t.token_hash = p_token_hash AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
$fn$;

-- An invitation token (sha256 hex) -> the invitation and its organization, while it is pending.
CREATE FUNCTION ratchet_invitation_lookup(p_token_hash text)
RETURNS TABLE (invitation_id uuid, org_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $fn$
  SELECT i.id, i.org_id
  FROM invitations i
  WHERE i.token_hash = p_token_hash AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
$fn$;

-- A signed-in user -> the organizations they belong to, with their membership and role (the organization
-- switcher, and choosing a tenant after login).
CREATE FUNCTION ratchet_user_memberships(p_user_id uuid)
RETURNS TABLE (org_id uuid, membership_id uuid, role org_role)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $fn$
  SELECT m.org_id, m.id, m.role
  FROM memberships m
  WHERE m.user_id = p_user_id
  ORDER BY m.created_at
$fn$;

-- Every organization id: system jobs (retention, scheduled rollups) iterate tenants and work in each under
-- withTenant.
CREATE FUNCTION ratchet_organization_ids()
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $fn$
  SELECT o.id FROM organizations o ORDER BY o.id
$fn$;

-- The outbox relay: lease up to p_limit available jobs of any tenant for p_lease_seconds (SKIP LOCKED, so relays
-- do not block each other), counting the attempt.
CREATE FUNCTION ratchet_outbox_claim(p_limit integer, p_lease_seconds integer)
RETURNS TABLE (id uuid, org_id uuid, queue text, job_name text, job_id text, payload jsonb, attempts integer)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $fn$
  WITH claimable AS (
    SELECT o.org_id, o.id
    FROM outbox_jobs o
    WHERE o.available_at <= now()
    ORDER BY o.created_at
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED
  )
  UPDATE outbox_jobs o
  SET available_at = now() + make_interval(secs => p_lease_seconds), attempts = o.attempts + 1
  FROM claimable c
  WHERE o.org_id = c.org_id AND o.id = c.id
  RETURNING o.id, o.org_id, o.queue, o.job_name, o.job_id, o.payload, o.attempts
$fn$;

-- The outbox relay: delete jobs it has enqueued; returns how many were deleted.
CREATE FUNCTION ratchet_outbox_complete(p_ids uuid[])
RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $fn$
  WITH deleted AS (DELETE FROM outbox_jobs o WHERE o.id = ANY (p_ids) RETURNING 1)
  SELECT count(*)::integer FROM deleted
$fn$;

-- Handing a function to another owner needs that owner to have CREATE on the schema, unless a superuser does
-- it; ratchet_system gets it only for the hand-over.
DO $owners$
DECLARE
  fn regprocedure;
  by_superuser boolean := (SELECT rolsuper FROM pg_roles WHERE rolname = current_user);
BEGIN
  IF NOT by_superuser THEN
    GRANT CREATE ON SCHEMA public TO ratchet_system;
  END IF;
  FOREACH fn IN ARRAY ARRAY[
    'ratchet_agent_token_lookup(text)', 'ratchet_api_token_lookup(text)', 'ratchet_invitation_lookup(text)',
    'ratchet_user_memberships(uuid)', 'ratchet_organization_ids()', 'ratchet_outbox_claim(integer, integer)',
    'ratchet_outbox_complete(uuid[])'
  ]::regprocedure[] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO ratchet_system', fn);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO ratchet_app', fn);
  END LOOP;
  IF NOT by_superuser THEN
    REVOKE CREATE ON SCHEMA public FROM ratchet_system;
  END IF;
END
$owners$;
