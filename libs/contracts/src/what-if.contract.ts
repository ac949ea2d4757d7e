import { z } from 'zod';

import { CheckId, Count, EnforceableLevel, Id, NamespaceName, ObjectName, PsaVersion } from './common.contract.js';
import { WorkloadKind } from './ingest.contract.js';

/** Most namespaces one what-if names; beyond it, ask for `all`. */
export const WHAT_IF_MAX_NAMESPACES = 1000;
/** Most rejected pods named per workload; `rejectedPodCount` counts them all (a DaemonSet runs one per node). */
export const WHAT_IF_MAX_PODS_PER_WORKLOAD = 20;

/**
 * `POST /api/v1/clusters/:clusterId/what-if`: what would be rejected if `namespaces` (or `all` live namespaces of the
 * cluster) enforced `level` at `version`. `latest` is the cluster's own release, as its apiserver reads the label.
 */
export const WhatIfRequest = z.strictObject({
  level: EnforceableLevel,
  version: PsaVersion.default('latest').meta({ description: "latest (the cluster's reported Kubernetes minor) or v1.<minor>." }),
  namespaces: z
    .union([z.literal('all'), z.array(NamespaceName).min(1).max(WHAT_IF_MAX_NAMESPACES)])
    .default('all')
    .meta({ description: 'Namespace names of the cluster, or "all" for every live namespace.' }),
});
export type WhatIfRequest = z.input<typeof WhatIfRequest>;
export type WhatIfRequestParsed = z.output<typeof WhatIfRequest>;

/** One failing check as Pod Security words it, with the fix the dashboard shows. */
export const WhatIfCheck = z.strictObject({
  id: CheckId,
  reason: z.string().meta({ description: "Upstream's reason, e.g. `forbidden sysctls`." }),
  detail: z.string().meta({ description: "Upstream's detail, e.g. `net.ipv4.tcp_rmem`." }),
  title: z.string().meta({ description: "The control's title on the Pod Security Standards page." }),
  remediation: z.string().meta({ description: 'What to change (libs/pss remediation text).' }),
  snippet: z.string().meta({ description: "Minimal YAML rooted at the pod's `spec:` that passes this check." }),
});
export type WhatIfCheck = z.infer<typeof WhatIfCheck>;

/** A top-level workload that would be rejected: its template, a pod behind it, or both fail. */
export const WhatIfWorkload = z.strictObject({
  workloadId: Id,
  namespace: NamespaceName,
  kind: WorkloadKind,
  name: ObjectName,
  templateRejected: z.boolean().meta({ description: "Whether creating or updating the workload's pod template would be rejected (a rollout fails)." }),
  checks: z.array(WhatIfCheck).min(1).meta({ description: 'Failing checks of the template and its pods together, in upstream order.' }),
  warning: z.string().meta({ description: "The warning kubectl prints, byte-identical to Pod Security Admission's, e.g. `Warning: would violate PodSecurity \"baseline:v1.30\": forbidden sysctls (net.ipv4.tcp_rmem)`: the template's when it fails, else the first rejected pod's." }),
  rejectedPods: z.array(ObjectName).max(WHAT_IF_MAX_PODS_PER_WORKLOAD).meta({ description: 'Running pods behind it that would be rejected, by name, at most WHAT_IF_MAX_PODS_PER_WORKLOAD.' }),
  rejectedPodCount: Count,
  patchYaml: z.string().nullable().meta({ description: 'A strategic merge patch of `spec.template` (`{spec: ...}`) that fixes what can be fixed without a human decision (libs/pss suggestPatch on the failing template or pod); null when nothing can be.' }),
  manualCheckIds: z.array(CheckId).meta({ description: 'Checks the patch does not fix: they need a decision (an exemption, a different image, a host feature).' }),
});
export type WhatIfWorkload = z.infer<typeof WhatIfWorkload>;

/** Per namespace: how much of it would be rejected. */
export const WhatIfNamespace = z.strictObject({
  namespaceId: Id,
  name: NamespaceName,
  workloads: Count,
  pods: Count,
  rejectedWorkloads: Count,
  rejectedPods: Count,
});
export type WhatIfNamespace = z.infer<typeof WhatIfNamespace>;

/** The answer of a what-if. */
export const WhatIfResult = z.strictObject({
  clusterId: Id,
  level: EnforceableLevel,
  version: PsaVersion.meta({ description: 'The version as asked (`latest` or `v1.N`), which is what Pod Security prints.' }),
  evaluatedVersion: z.string().regex(/^v1\.(0|[1-9][0-9]*)$/).meta({ description: "The concrete version evaluated: `latest` resolved to the cluster's release, capped at the evaluator's newest." }),
  unknownNamespaces: z.array(NamespaceName).meta({ description: 'Named namespaces the cluster has no live namespace by (nothing is known of them).' }),
  summary: z.strictObject({ namespaces: Count, workloads: Count, pods: Count, rejectedWorkloads: Count, rejectedPods: Count }),
  byCheck: z.array(z.strictObject({ id: CheckId, workloads: Count })).meta({ description: 'How many rejected workloads fail each check.' }),
  namespaces: z.array(WhatIfNamespace),
  workloads: z.array(WhatIfWorkload).meta({ description: 'Every rejected workload, by namespace, kind and name.' }),
});
export type WhatIfResult = z.infer<typeof WhatIfResult>;
