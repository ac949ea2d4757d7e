import { Injectable } from '@nestjs/common';
import type { NamespaceRecommendation } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { notFound } from '../../common/errors/app-error.js';
import { RecommendationsRepository } from './recommendations.repository.js';
import type { StoredReadiness } from './recommendations.repository.js';
import { recommendLabels } from './staged-rollout.util.js';
import type { LevelReadinessState } from './staged-rollout.util.js';

const DAY_MS = 86_400_000;

/** The next safe Pod Security labels of a namespace, from the worker's readiness (see recommendLabels). */
@Injectable()
export class RecommendationsService {
  constructor(private readonly repository: RecommendationsRepository) {}

  async recommend(ctx: TenantContext, namespaceId: string, now: Date = new Date()): Promise<NamespaceRecommendation> {
    const found = await this.repository.find(ctx.orgId, namespaceId);
    if (!found) throw notFound('namespace');
    const { namespace, readiness } = found;
    // Observed for the whole window: a short-lived pod failing the level would have left an audit-mode violation.
    const observedForWindow = now.getTime() - namespace.firstSeenAt.getTime() >= namespace.readinessWindowDays * DAY_MS;
    const state = (level: StoredReadiness['level']): LevelReadinessState => {
      const row = readiness.find((r) => r.level === level);
      if (!row) return { status: 'unknown', blockingWorkloads: 0, auditViolations: 0, cleanForWindow: false };
      return {
        status: row.status,
        blockingWorkloads: row.blockingWorkloadCount,
        auditViolations: row.auditViolationCount,
        cleanForWindow: row.status === 'ready' && observedForWindow,
      };
    };
    const recommendation = recommendLabels({
      namespace: namespace.name,
      labels: namespace.labels,
      baseline: state('baseline'),
      restricted: state('restricted'),
      windowDays: namespace.readinessWindowDays,
    });
    return { namespaceId: namespace.id, namespace: namespace.name, ...recommendation };
  }
}
