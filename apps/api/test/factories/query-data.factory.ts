import { randomBytes, randomUUID } from 'node:crypto';

import type { AuditEvent, Namespace, NamespaceReadiness, Prisma, PssLevel, ReadinessStatus, Workload } from '@ratchet/db';

import { ownerClient } from './db.factory.js';
import type { ClusterRef } from './inventory.factory.js';

// What the query API reads besides the inventory (see inventory.factory.ts): the worker's readiness, ingested
// audit events, and bulk rows for pagination and export tests. Written straight to the database as its owner.

export interface ReadinessOverrides {
  level?: PssLevel;
  version?: string;
  status?: ReadinessStatus;
  atRisk?: boolean;
  blockingWorkloadCount?: number;
  computedAt?: Date;
  provisional?: boolean;
  observedSince?: Date;
  auditSource?: 'webhook' | 'file' | 'none';
  exempt?: boolean;
}

/** The worker's readiness of `namespace`: `restricted` at `latest`, ready, unless overridden. */
export async function createReadiness(databaseUrl: string, namespace: Namespace, overrides: ReadinessOverrides = {}): Promise<NamespaceReadiness> {
  const { level = 'restricted', version = 'latest', status = 'ready', ...rest } = overrides;
  return ownerClient(databaseUrl).namespaceReadiness.create({
    data: { orgId: namespace.orgId, clusterId: namespace.clusterId, namespaceId: namespace.id, level, version, status, windowDays: 7, ...rest },
  });
}

/** A parsed audit-violations check as ingest stores it. */
export interface StoredAuditCheck {
  id?: string;
  reason: string;
  detail: string;
}

export interface AuditEventOverrides {
  namespace?: string;
  time?: Date;
  username?: string;
  userGroups?: string[];
  verb?: string;
  objectResource?: string;
  objectName?: string | null;
  objectSubresource?: string | null;
  level?: PssLevel;
  version?: string;
  checks?: StoredAuditCheck[];
  enforcePolicy?: string | null;
  responseCode?: number | null;
  /** A dry-run request's violation: shown, never blocking. */
  dryRun?: boolean;
}

/**
 * An audit-mode violation in `cluster`: a pod create in `demo` an hour ago by alice, failing restricted
 * `runAsNonRoot`, unless overridden. Its month's partition is made first, as ingest does.
 */
export async function createAuditEvent(databaseUrl: string, cluster: ClusterRef, overrides: AuditEventOverrides = {}): Promise<AuditEvent> {
  const db = ownerClient(databaseUrl);
  const {
    namespace = 'demo',
    time = new Date(Date.now() - 3_600_000),
    username = 'alice',
    objectName = `web-${randomBytes(3).toString('hex')}`,
    level = 'restricted',
    version = 'latest',
    checks = [{ id: 'runAsNonRoot', reason: 'runAsNonRoot != true', detail: 'pod or container "web" must set securityContext.runAsNonRoot=true' }],
    ...rest
  } = overrides;
  await db.$queryRaw`SELECT ratchet_ensure_audit_partition(${time})`;
  const violations = checks.map((check) => `${check.reason} (${check.detail})`).join(', ');
  return db.auditEvent.create({
    data: {
      orgId: cluster.orgId,
      clusterId: cluster.clusterId,
      auditId: randomUUID(),
      time,
      username,
      userGroups: ['system:authenticated'],
      verb: 'create',
      objectResource: 'pods',
      objectNamespace: namespace,
      objectName,
      objectApiVersion: 'v1',
      namespaceName: namespace,
      auditViolations: `would violate PodSecurity "${level}:${version}": ${violations}`,
      level,
      version,
      checks: checks as unknown as Prisma.InputJsonValue,
      ...rest,
    },
  });
}

/**
 * `count` open findings of `workload` in one statement, numbered from 0: message `bulk finding <n>`, a detail
 * of `detailLength` characters, lastSeenAt one second apart going back from now.
 */
export async function createBulkFindings(databaseUrl: string, workload: Workload, count: number, detailLength = 64): Promise<void> {
  const db = ownerClient(databaseUrl);
  const namespace = await db.namespace.findUniqueOrThrow({ where: { orgId_id: { orgId: workload.orgId, id: workload.namespaceId } } });
  await db.$executeRaw`
    INSERT INTO findings (org_id, cluster_id, namespace_id, workload_id, fingerprint, namespace_name, workload_kind,
      workload_name, level, version, check_id, message, detail, first_seen_at, last_seen_at)
    SELECT ${workload.orgId}::uuid, ${workload.clusterId}::uuid, ${workload.namespaceId}::uuid, ${workload.id}::uuid,
      md5(${workload.id} || i::text), ${namespace.name}, ${workload.kind}::workload_kind, ${workload.name},
      'restricted', 'latest', 'runAsNonRoot', 'bulk finding ' || i,
      jsonb_build_object('detail', repeat('d', ${detailLength}), 'pods', '[]'::jsonb),
      now() - interval '30 days', now() - make_interval(secs => i)
    FROM generate_series(0, ${count - 1}) AS i`;
}

/** `count` audit events in `namespace` of `cluster`, one second apart going back from `newest`, user `bulk-<n>`. */
export async function createBulkAuditEvents(databaseUrl: string, cluster: ClusterRef, count: number, newest: Date, namespace = 'bulk'): Promise<void> {
  const db = ownerClient(databaseUrl);
  await db.$queryRaw`SELECT ratchet_ensure_audit_partition(${newest})`;
  await db.$queryRaw`SELECT ratchet_ensure_audit_partition(${new Date(newest.getTime() - count * 1000)})`;
  await db.$executeRaw`
    INSERT INTO audit_events (org_id, cluster_id, audit_id, time, username, verb, object_resource, object_namespace,
      object_name, namespace_name, audit_violations, level, version, checks)
    SELECT ${cluster.orgId}::uuid, ${cluster.clusterId}::uuid, gen_random_uuid()::text,
      ${newest}::timestamptz - make_interval(secs => i), 'bulk-' || i, 'create', 'pods', ${namespace}, 'web-' || i, ${namespace},
      'would violate PodSecurity "restricted:latest": runAsNonRoot != true', 'restricted', 'latest',
      '[{"id": "runAsNonRoot", "reason": "runAsNonRoot != true", "detail": "pod must set runAsNonRoot=true"}]'::jsonb
    FROM generate_series(0, ${count - 1}) AS i`;
}
