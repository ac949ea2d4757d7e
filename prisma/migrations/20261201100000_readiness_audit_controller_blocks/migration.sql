-- Audit-mode violations reported on a controller (Deployment, ReplicaSet, ...) attach to its top-level workload in
-- `blocking_workloads` (with an `audit` part). Those naming a controller that is not live in the inventory cannot
-- attach to anything: they stay namespace-level blocks, named here so the reader knows what to look for.
ALTER TABLE "namespace_readiness" ADD COLUMN "audit_controller_blocks" JSONB NOT NULL DEFAULT '[]';
