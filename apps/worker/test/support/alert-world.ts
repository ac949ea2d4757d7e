import { randomBytes } from 'node:crypto';

import type { AlertChannelType, AlertSeverity, AlertTrigger, LabelSelector } from '@ratchet/contracts';
import { upsertNamespaceReadiness, withTenant } from '@ratchet/db';
import type { ClusterScope, NamespaceReadinessInput, PrismaClient } from '@ratchet/db';
import { ALERT_QUEUE } from '@ratchet/jobs';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

import { createOrganization, seedCluster } from './synthetic-cluster.js';
import type { NamespaceSpec } from './synthetic-cluster.js';

/** A fresh organization with one cluster of these namespaces; `ids` maps namespace names to ids. */
export async function createAlertCluster(prisma: PrismaClient, namespaces: NamespaceSpec[], clusterName = 'prod-eu'): Promise<{ scope: ClusterScope; ids: Map<string, string> }> {
  const orgId = await createOrganization(prisma, 7);
  const scope = await seedCluster(prisma, orgId, clusterName, 'v1.30.4', namespaces);
  // Observed long enough for `namespace_ready`: the tests that need a fresh namespace move this forward.
  await withTenant(prisma, orgId, (tx) => tx.namespace.updateMany({ where: { orgId, clusterId: scope.clusterId }, data: { firstSeenAt: new Date('2026-01-01T00:00:00Z') } }));
  const rows = await withTenant(prisma, orgId, (tx) => tx.namespace.findMany({ where: { orgId, clusterId: scope.clusterId }, select: { id: true, name: true } }));
  return { scope, ids: new Map(rows.map((r) => [r.name, r.id])) };
}

export async function createChannel(prisma: PrismaClient, orgId: string, type: AlertChannelType, config: Record<string, unknown>, name = `${type}-${randomBytes(3).toString('hex')}`): Promise<string> {
  const channel = await withTenant(prisma, orgId, (tx) => tx.alertChannel.create({ data: { orgId, name, type, config: config as never } }));
  return channel.id;
}

export interface RuleSpec {
  trigger: AlertTrigger;
  channelIds: string[];
  level?: 'baseline' | 'restricted';
  silentMinutes?: number;
  minSeverity?: AlertSeverity;
  cooldownMinutes?: number;
  clusterIds?: string[];
  includeNamespaces?: string[];
  excludeNamespaces?: string[];
  labelSelector?: LabelSelector;
  createdAt?: Date;
}

export async function createRule(prisma: PrismaClient, orgId: string, spec: RuleSpec): Promise<string> {
  return withTenant(prisma, orgId, async (tx) => {
    const rule = await tx.alertRule.create({
      data: {
        orgId,
        name: `${spec.trigger}-${randomBytes(3).toString('hex')}`,
        trigger: spec.trigger,
        parameters: { level: spec.level ?? null, silentMinutes: spec.silentMinutes ?? null },
        minSeverity: spec.minSeverity ?? 'info',
        cooldownMinutes: spec.cooldownMinutes ?? 60,
        clusterIds: spec.clusterIds ?? [],
        includeNamespaces: spec.includeNamespaces ?? [],
        excludeNamespaces: spec.excludeNamespaces ?? [],
        ...(spec.labelSelector ? { labelSelector: spec.labelSelector } : {}),
        ...(spec.createdAt ? { createdAt: spec.createdAt } : {}),
      },
    });
    for (const channelId of spec.channelIds) await tx.alertRuleChannel.create({ data: { orgId, ruleId: rule.id, channelId } });
    return rule.id;
  });
}

/** Stores readiness rows as the readiness job would: `statuses` maps namespace names to their row for `level`. */
export async function setReadiness(
  prisma: PrismaClient,
  scope: ClusterScope,
  ids: Map<string, string>,
  level: 'baseline' | 'restricted',
  statuses: Record<string, { status: 'ready' | 'blocked' | 'unknown'; atRisk?: boolean }>,
  now: Date,
): Promise<void> {
  const rows: NamespaceReadinessInput[] = Object.entries(statuses).map(([name, { status, atRisk }]) => ({
    namespaceId: ids.get(name)!,
    level,
    version: 'latest',
    status,
    atRisk: atRisk ?? false,
    blockingWorkloads: status === 'blocked' ? [{ workloadId: '00000000-0000-4000-8000-000000000001', kind: 'Deployment', name: 'web', checks: ['runAsNonRoot'] }] : [],
    auditViolationCount: 0,
    auditControllerBlocks: [],
    windowDays: 7,
    provisional: false,
    observedSince: new Date(now.getTime() - 30 * 86_400_000),
    auditSource: 'webhook',
    enforceLevel: atRisk ? level : 'privileged',
    enforceSource: atRisk ? 'label' : 'default',
    exempt: false,
    psaContradictions: [],
    auditBlockedUntil: null,
    recomputeDueAt: null,
  }));
  await withTenant(prisma, scope.orgId, (tx) => upsertNamespaceReadiness(tx, scope, rows, now));
}

/** The alert queue under a private prefix, and a wait until it has nothing left to run. */
export function alertQueue(connection: Redis, prefix: string): { queue: Queue; settle: (timeoutMs?: number) => Promise<void> } {
  const queue = new Queue(ALERT_QUEUE, { connection, prefix });
  return {
    queue,
    settle: async (timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
        if (Object.values(counts).every((n) => n === 0)) return;
        if (Date.now() > deadline) throw new Error(`alert jobs not done: ${JSON.stringify(counts)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

export const newPrefix = () => `ratchet-alerts-test-${randomBytes(6).toString('hex')}`;
