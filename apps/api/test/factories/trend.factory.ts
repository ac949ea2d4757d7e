import type { Namespace, Prisma, PssLevel, RollupGranularity, TrendRollup } from '@ratchet/db';

import { ownerClient } from './db.factory.js';

export interface TrendRollupOverrides {
  granularity?: RollupGranularity;
  level?: PssLevel;
  version?: string;
  failingWorkloads?: number;
  failingPods?: number;
  auditViolations?: number;
  openFindings?: number;
  openedFindings?: number;
  resolvedFindings?: number;
  byCheck?: Prisma.InputJsonValue;
  computedAt?: Date;
}

/** A trend rollup row of `namespace`, as the worker's rollup job writes it. */
export async function createTrendRollup(databaseUrl: string, namespace: Namespace, bucketStart: Date, overrides: TrendRollupOverrides = {}): Promise<TrendRollup> {
  return ownerClient(databaseUrl).trendRollup.create({
    data: {
      orgId: namespace.orgId,
      clusterId: namespace.clusterId,
      namespaceId: namespace.id,
      granularity: overrides.granularity ?? 'day',
      bucketStart,
      level: overrides.level ?? 'baseline',
      version: overrides.version ?? 'latest',
      failingWorkloads: overrides.failingWorkloads ?? 0,
      failingPods: overrides.failingPods ?? 0,
      auditViolations: overrides.auditViolations ?? 0,
      openFindings: overrides.openFindings ?? 0,
      openedFindings: overrides.openedFindings ?? 0,
      resolvedFindings: overrides.resolvedFindings ?? 0,
      byCheck: overrides.byCheck ?? {},
      ...(overrides.computedAt ? { computedAt: overrides.computedAt } : {}),
    },
  });
}
