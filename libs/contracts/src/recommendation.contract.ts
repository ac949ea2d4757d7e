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
]).meta({
  description:
    'Step of the staged rollout: observe-baseline (audit/warn baseline, it fails), enforce-baseline (baseline passes; audit/warn restricted), fix-restricted (baseline enforced, restricted not clean for the window yet), enforce-restricted, done, at-risk (enforces a level its workloads fail), unknown (readiness not computed).',
});
export type RolloutStage = z.infer<typeof RolloutStage>;

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
});
export type NamespaceRecommendation = z.infer<typeof NamespaceRecommendation>;
