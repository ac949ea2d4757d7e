import { randomBytes, randomUUID } from 'node:crypto';

import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { findingFingerprint } from '../../src/finding-fingerprint.util.js';
import { withTenant } from '../../src/tenant-transaction.js';

/** The ids of a tenant with one row in every tenant-owned table. */
export interface TenantGraph {
  orgId: string;
  userId: string;
  clusterId: string;
  namespaceId: string;
  workloadId: string;
  projectionId: string;
  agentTokenHash: string;
  apiTokenHash: string;
  invitationHash: string;
  auditTime: Date;
}

function hex(bytes = 32): string {
  return randomBytes(bytes).toString('hex');
}

/**
 * Creates an organization with one row in every tenant-owned table, written as the application writes: through
 * withTenant, so row-level security checks every insert.
 */
export async function createTenantGraph(prisma: PrismaClient, overrides: { auditTime?: Date } = {}): Promise<TenantGraph> {
  const orgId = randomUUID();
  const label = hex(4);
  const auditTime = overrides.auditTime ?? new Date();
  const graph = { agentTokenHash: hex(), apiTokenHash: hex(), invitationHash: hex() };

  return withTenant(prisma, orgId, async (tx) => {
    await tx.organization.create({ data: { id: orgId, name: `Org ${label}`, slug: `org-${label}` } });
    const user = await tx.user.create({
      data: { email: `owner-${label}@example.com`, displayName: 'Owner', passwordHash: '$argon2id$test' },
    });
    await tx.membership.create({ data: { orgId, userId: user.id, role: 'owner' } });
    await tx.invitation.create({
      data: {
        orgId,
        email: `invitee-${label}@example.com`,
        role: 'viewer',
        tokenHash: graph.invitationHash,
        invitedByUserId: user.id,
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });
    await tx.apiToken.create({
      data: { orgId, name: 'ci', tokenHash: graph.apiTokenHash, tokenPrefix: 'rat_', role: 'viewer', createdByUserId: user.id },
    });
    const cluster = await tx.cluster.create({ data: { orgId, name: `prod-${label}` } });
    await tx.agentToken.create({
      data: { orgId, clusterId: cluster.id, name: 'agent', tokenHash: graph.agentTokenHash, tokenPrefix: 'rag_' },
    });
    const namespace = await tx.namespace.create({
      data: { orgId, clusterId: cluster.id, name: 'payments', uid: randomUUID(), enforceLevel: 'baseline' },
    });
    const projection = await tx.securityProjection.create({
      data: { orgId, contentHash: hex(), projection: { spec: { containers: [{ name: 'app' }] } } },
    });
    await tx.projectionEvaluation.create({
      data: { orgId, projectionId: projection.id, level: 'baseline', version: 'v1.30', allowed: true },
    });
    const workloadUid = randomUUID();
    const workload = await tx.workload.create({
      data: {
        orgId,
        clusterId: cluster.id,
        namespaceId: namespace.id,
        kind: 'Deployment',
        name: 'api',
        uid: workloadUid,
        topLevelUid: workloadUid,
        replicas: 2,
        podCount: 1,
        projectionId: projection.id,
      },
    });
    await tx.pod.create({
      data: {
        orgId,
        clusterId: cluster.id,
        namespaceId: namespace.id,
        name: 'api-7d4b9c-x2x9z',
        uid: randomUUID(),
        workloadUid: workload.uid,
        topLevelWorkloadUid: workload.uid,
        projectionId: projection.id,
        phase: 'Running',
      },
    });
    const identity = {
      clusterId: cluster.id,
      namespace: namespace.name,
      workloadKind: workload.kind,
      workloadName: workload.name,
      level: 'restricted',
      checkId: 'runAsNonRoot',
    } as const;
    await tx.finding.create({
      data: {
        orgId,
        clusterId: cluster.id,
        namespaceId: namespace.id,
        workloadId: workload.id,
        fingerprint: findingFingerprint(identity),
        namespaceName: identity.namespace,
        workloadKind: identity.workloadKind,
        workloadName: identity.workloadName,
        level: identity.level,
        version: 'latest',
        checkId: identity.checkId,
        message: 'pod or container "app" must set securityContext.runAsNonRoot=true',
      },
    });
    await tx.namespaceReadiness.create({
      data: { orgId, clusterId: cluster.id, namespaceId: namespace.id, level: 'restricted', version: 'latest', status: 'blocked', windowDays: 7 },
    });
    await tx.namespaceDrift.create({
      data: { orgId, clusterId: cluster.id, namespaceId: namespace.id, level: 'restricted', pinnedVersion: 'v1.24', latestVersion: 'v1.30', workloadCount: 1 },
    });
    await tx.auditEvent.create({
      data: {
        orgId,
        clusterId: cluster.id,
        auditId: randomUUID(),
        time: auditTime,
        username: 'system:serviceaccount:kube-system:replicaset-controller',
        userGroups: ['system:serviceaccounts'],
        verb: 'create',
        objectResource: 'pods',
        objectNamespace: 'payments',
        namespaceName: 'payments',
        auditViolations: 'would violate PodSecurity "restricted:latest": runAsNonRoot != true',
        auditPolicy: 'restricted:latest',
        level: 'restricted',
        version: 'latest',
        checks: [{ id: 'runAsNonRoot', reason: 'runAsNonRoot != true', detail: '' }],
      },
    });
    await tx.ingestBatch.create({
      data: { orgId, clusterId: cluster.id, idempotencyKey: randomUUID(), kind: 'delta', itemCount: 3 },
    });
    await tx.trendRollup.create({
      data: {
        orgId,
        clusterId: cluster.id,
        namespaceId: namespace.id,
        granularity: 'day',
        bucketStart: new Date('2026-11-01T00:00:00Z'),
        level: 'restricted',
        version: 'latest',
        openFindings: 1,
      },
    });
    const channel = await tx.alertChannel.create({
      data: { orgId, name: 'ops', type: 'webhook', config: { url: 'https://hooks.example.com/ratchet' } },
    });
    const rule = await tx.alertRule.create({ data: { orgId, name: 'at risk', trigger: 'namespace_at_risk' } });
    await tx.alertRuleChannel.create({ data: { orgId, ruleId: rule.id, channelId: channel.id } });
    await tx.alertDelivery.create({
      data: { orgId, ruleId: rule.id, channelId: channel.id, dedupKey: hex(8), severity: 'warning', payload: { text: 'hi' } },
    });
    const firedAt = new Date('2026-11-01T00:00:00Z');
    await tx.alertState.create({
      data: { orgId, ruleId: rule.id, clusterId: cluster.id, fingerprint: hex(8), status: 'firing', severity: 'critical', summary: 'at risk', firstFiredAt: firedAt, lastFiredAt: firedAt },
    });
    await tx.alertReadinessObservation.create({
      data: { orgId, clusterId: cluster.id, namespaceId: namespace.id, level: 'restricted', status: 'blocked', observedAt: firedAt },
    });
    await tx.inventoryMark.create({ data: { orgId, clusterId: cluster.id, subject: 'workload', subjectId: workload.id } });
    await tx.admissionDecision.create({
      data: { orgId, clusterId: cluster.id, namespaceName: namespace.name, bucketStart: new Date('2026-11-30T10:00:00Z'), resource: 'pods', exempt: 'namespace', username: 'u', count: 1, firstSeenAt: new Date('2026-11-30T10:00:00Z'), lastSeenAt: new Date('2026-11-30T10:00:00Z') },
    });
    await tx.outboxJob.create({ data: { orgId, queue: 'evaluation', jobName: 'evaluate-projections', payload: { orgId } } });

    return {
      orgId,
      userId: user.id,
      clusterId: cluster.id,
      namespaceId: namespace.id,
      workloadId: workload.id,
      projectionId: projection.id,
      auditTime,
      ...graph,
    };
  });
}
