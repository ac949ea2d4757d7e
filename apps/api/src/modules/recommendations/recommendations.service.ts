import { Injectable } from '@nestjs/common';
import type { EnforceableLevel, NamespaceRecommendation, ReadyEstimate, RolloutStage } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { notFound } from '../../common/errors/app-error.js';
import { Clock } from '../../infra/clock.provider.js';
import { TrendsService } from '../trends/trends.service.js';
import { RecommendationsRepository } from './recommendations.repository.js';
import type { StoredReadiness } from './recommendations.repository.js';
import { recommendLabels } from './staged-rollout.util.js';
import type { LevelReadinessState } from './staged-rollout.util.js';

const DAY_MS = 86_400_000;

/**
 * The level the staged rollout enforces next at a stage: baseline while it is only observed; restricted once
 * baseline is (being) enforced; the enforced level an at-risk namespace fails; none when done or unknown.
 */
export function nextEnforcedLevel(stage: RolloutStage, enforce: string | null): EnforceableLevel | null {
  switch (stage) {
    case 'observe-baseline':
      return 'baseline';
    case 'enforce-baseline':
    case 'fix-restricted':
    case 'enforce-restricted':
      return 'restricted';
    case 'at-risk':
      return enforce === 'restricted' ? 'restricted' : 'baseline';
    case 'done':
    case 'unknown':
      return null;
  }
}

/** The estimate in words, for the reasoning: a date only when the trend gives one. */
export function describeEstimate(level: EnforceableLevel, estimate: ReadyEstimate): string {
  switch (estimate.status) {
    case 'ready':
      return `No workload failed ${level} in the newest daily trend bucket.`;
    case 'on-track':
      return `At the pace of the last ${estimate.basedOnDays} day(s) (${estimate.workloadsPerDay} workload(s) fixed per day), ${level} may be ready by ${estimate.estimatedReadyAt.slice(0, 10)}.`;
    case 'no-progress':
      return `No progress towards ${level} over the last ${estimate.basedOnDays} day(s): the count of workloads failing it is not going down, so no date can be estimated.`;
    case 'insufficient-data':
      return `Too little trend history (${estimate.basedOnDays} daily bucket(s)) to estimate when ${level} may be ready.`;
  }
}

/** The next safe Pod Security labels of a namespace, from the worker's readiness (see recommendLabels). */
@Injectable()
export class RecommendationsService {
  constructor(
    private readonly repository: RecommendationsRepository,
    private readonly trends: TrendsService,
    // "Observed for the whole window" and the ready estimates are measured up to now: the API's clock.
    private readonly clock: Clock,
  ) {}

  async recommend(ctx: TenantContext, namespaceId: string): Promise<NamespaceRecommendation> {
    const now = this.clock.now();
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
    const level = nextEnforcedLevel(recommendation.stage, namespace.labels.enforce);
    let readyEstimate: NamespaceRecommendation['readyEstimate'] = null;
    if (level !== null) {
      const estimate = (await this.trends.readyEstimates(ctx, namespace.id, [level], now)).get(level)!;
      readyEstimate = { level, estimate };
      recommendation.reasoning.push(describeEstimate(level, estimate));
    }
    return { namespaceId: namespace.id, namespace: namespace.name, ...recommendation, readyEstimate };
  }
}
