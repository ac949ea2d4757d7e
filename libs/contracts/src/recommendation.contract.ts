import { z } from 'zod';

import { EnforceableLevel, Id, NamespaceName } from './common.contract.js';
import { ReadyEstimate } from './trends.contract.js';

/** The Pod Security labels of a namespace, as `pod-security.kubernetes.io/<mode>` and `<mode>-version` name them. */
export const PsaLabelSet = z.record(z.string(), z.string());
export type PsaLabelSet = z.infer<typeof PsaLabelSet>;

/** Which step of the staged rollout a namespace is at. */
export const RolloutStage = z.enum([
  /** Nothing enforced yet, and baseline does not pass: audit and warn baseline first. */
  'observe-baseline',
  /** Baseline passes: enforce it, audit and warn restricted. */
  'enforce-baseline',
  /** Baseline enforced; restricted still fails or is not clean for the window: keep auditing restricted. */
  'fix-restricted',
  /** Restricted passes for the window: enforce it. */
  'enforce-restricted',
  /** Enforces restricted already: nothing further. */
  'done',
  /** Enforces a level its workloads fail: the next rollout is rejected; fix the workloads, do not relax by default. */
  'at-risk',
  /** Readiness is not known yet (no heartbeat or not reported): no recommendation. */
  'unknown',
]).meta({
  description:
    'Step of the staged rollout: observe-baseline (audit/warn baseline, it fails), enforce-baseline (baseline passes; audit/warn restricted), fix-restricted (baseline enforced, restricted not clean for the window yet), enforce-restricted, done, at-risk (enforces a level its workloads fail), unknown (readiness not computed).',
});
export type RolloutStage = z.infer<typeof RolloutStage>;

/**
 * The level the staged rollout enforces next (observe-baseline: baseline; enforce-baseline, fix-restricted and
 * enforce-restricted: restricted; at-risk: the enforced level its workloads fail) and when the namespace may be
 * ready for it, from its daily trend of violating workloads (estimateReadyDate, as the namespace trends answer).
 */
export const RecommendationReadyEstimate = z
  .strictObject({
    level: EnforceableLevel.meta({ description: 'The level the estimate is for: the one the staged rollout enforces next.' }),
    estimate: ReadyEstimate.meta({
      description:
        "From the namespace's daily rollups of the last 14 days: `ready` (no violating workload in the newest), `on-track` with `estimatedReadyAt` (the next UTC midnight after the fitted line reaches zero), `no-progress` (fewer than 0.05 workloads fixed per day, or more than three years away: no date is invented) or `insufficient-data` (fewer than 3 daily buckets).",
    }),
  })
  .meta({ description: 'When the namespace may be ready for the level it enforces next, by the trend of its violating workloads.' });
export type RecommendationReadyEstimate = z.infer<typeof RecommendationReadyEstimate>;

/** `GET /api/v1/namespaces/:namespaceId/recommendation`: the next safe label set. */
export const NamespaceRecommendation = z.strictObject({
  namespaceId: Id,
  namespace: NamespaceName,
  stage: RolloutStage,
  currentLabels: PsaLabelSet.meta({ description: 'The Pod Security labels it has now.' }),
  recommendedLabels: PsaLabelSet.meta({ description: 'The Pod Security labels to set (all six keys for a changed mode); equal to currentLabels when nothing changes.' }),
  changes: z.boolean().meta({ description: 'Whether applying the recommendation changes anything.' }),
  yaml: z.string().meta({ description: "The namespace manifest's `metadata.labels` fragment." }),
  kubectlCommand: z.string().meta({ description: '`kubectl label ns <name> k=v ... --overwrite`; empty when nothing changes.' }),
  reasoning: z.array(z.string()).min(1).meta({ description: 'Why, in words, one sentence per line.' }),
  readyEstimate: RecommendationReadyEstimate.nullable().meta({
    description:
      'The estimated ready date for the level the staged rollout enforces next; null when there is none (stage `done`: restricted is enforced; `unknown`: readiness not computed).',
  }),
});
export type NamespaceRecommendation = z.infer<typeof NamespaceRecommendation>;
