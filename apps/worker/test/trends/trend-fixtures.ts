import { randomUUID } from 'node:crypto';

import { withTenant, type ClusterScope, type PrismaClient, type PssLevel } from '@ratchet/db';

/** A finding with a given history, as the worker's findings refresh would have left it. */
export interface FindingHistory {
  namespace: string;
  workload: string;
  level: PssLevel;
  version: string;
  checkId: string;
  firstSeenAt: Date;
  resolvedAt?: Date;
  failingPods: number;
}

/** Inserts findings with their history for workloads seeded by seedCluster. */
export async function seedFindings(prisma: PrismaClient, scope: ClusterScope, findings: readonly FindingHistory[]): Promise<void> {
  await withTenant(prisma, scope.orgId, async (tx) => {
    for (const f of findings) {
      const workload = await tx.workload.findFirstOrThrow({
        where: { orgId: scope.orgId, clusterId: scope.clusterId, name: f.workload, namespace: { name: f.namespace } },
      });
      await tx.finding.create({
        data: {
          orgId: scope.orgId,
          clusterId: scope.clusterId,
          namespaceId: workload.namespaceId,
          workloadId: workload.id,
          fingerprint: randomUUID(),
          namespaceName: f.namespace,
          workloadKind: workload.kind,
          workloadName: workload.name,
          level: f.level,
          version: f.version,
          checkId: f.checkId,
          status: f.resolvedAt ? 'resolved' : 'open',
          message: f.checkId,
          detail: { template: true, pods: [], failingPods: f.failingPods, details: [] },
          firstSeenAt: f.firstSeenAt,
          lastSeenAt: f.resolvedAt ?? f.firstSeenAt,
          resolvedAt: f.resolvedAt ?? null,
        },
      });
    }
  });
}

/** Stores one audit-mode violation of `level` (null: unparsed) failing `checks`, straight into audit_events. */
export async function seedAudit(
  prisma: PrismaClient,
  scope: ClusterScope,
  namespace: string,
  time: Date,
  level: PssLevel | null,
  checks: string[],
  options: { dryRun?: boolean } = {},
): Promise<void> {
  await withTenant(prisma, scope.orgId, (tx) =>
    tx.auditEvent.create({
      data: {
        orgId: scope.orgId,
        clusterId: scope.clusterId,
        auditId: randomUUID(),
        time,
        username: 'system:serviceaccount:kube-system:job-controller',
        verb: 'create',
        objectResource: 'pods',
        objectNamespace: namespace,
        namespaceName: namespace,
        dryRun: options.dryRun ?? false,
        auditViolations: level === null ? 'garbled' : `would violate PodSecurity "${level}:latest": ${checks.join(', ')}`,
        unparsed: level === null,
        parseError: level === null ? 'no level:version prefix' : null,
        level,
        version: level === null ? null : 'latest',
        checks: checks.map((id) => ({ id, reason: id, detail: '' })),
      },
    }),
  );
}
