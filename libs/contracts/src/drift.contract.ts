import { z } from 'zod';

import { CheckId, Count, EnforceableLevel, Id, NamespaceName, ObjectName, Timestamp } from './common.contract.js';
import { WorkloadKind } from './ingest.contract.js';

/** Query of `GET /api/v1/clusters/:clusterId/drift`. */
export const DriftQuery = z.strictObject({
  level: EnforceableLevel.optional().meta({ description: 'Only drift at this level; both levels when omitted.' }),
});
export type DriftQuery = z.infer<typeof DriftQuery>;

/** A check a workload fails at `latest` but passes at the namespace's pinned version. */
export const DriftCheck = z.strictObject({
  id: CheckId,
  reason: z.string(),
  detail: z.string(),
  remediation: z.string().meta({ description: 'What to change (libs/pss remediation text).' }),
});
export type DriftCheck = z.infer<typeof DriftCheck>;

/** One namespace pinned to a version, at one level, and what `latest` would additionally reject there. */
export const NamespaceDrift = z.strictObject({
  namespaceId: Id,
  namespace: NamespaceName,
  level: EnforceableLevel,
  pinnedVersion: z.string().meta({ description: "The namespace's enforce-version label." }),
  latestVersion: z.string().meta({ description: 'The concrete version `latest` is on this cluster (its release).' }),
  workloadCount: Count,
  workloads: z.array(z.strictObject({ workloadId: Id, kind: WorkloadKind, name: ObjectName, checks: z.array(DriftCheck).min(1) })),
  computedAt: Timestamp,
});
export type NamespaceDrift = z.infer<typeof NamespaceDrift>;

/** `GET /api/v1/clusters/:clusterId/drift`: the namespaces with drift, by name then level (baseline first). */
export const ClusterDrift = z.strictObject({
  clusterId: Id,
  namespaces: z.array(NamespaceDrift),
});
export type ClusterDrift = z.infer<typeof ClusterDrift>;
