import { z } from 'zod';

import { Id, NamespaceName } from './common.contract.js';

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
]);
export type RolloutStage = z.infer<typeof RolloutStage>;

/** `GET /api/v1/namespaces/:namespaceId/recommendation`: the next safe label set. */
export const NamespaceRecommendation = z.strictObject({
  namespaceId: Id,
  namespace: NamespaceName,
  stage: RolloutStage,
  /** The Pod Security labels it has now. */
  currentLabels: PsaLabelSet,
  /** The Pod Security labels to set (all six keys for a changed mode); equal to currentLabels when nothing changes. */
  recommendedLabels: PsaLabelSet,
  /** Whether applying the recommendation changes anything. */
  changes: z.boolean(),
  /** The namespace manifest's `metadata.labels` fragment. */
  yaml: z.string(),
  /** `kubectl label ns <name> k=v ... --overwrite`; empty when nothing changes. */
  kubectlCommand: z.string(),
  /** Why, in words, one sentence per line. */
  reasoning: z.array(z.string()).min(1),
});
export type NamespaceRecommendation = z.infer<typeof NamespaceRecommendation>;
