import { z } from 'zod';

import { Id, NamespaceName } from './common.contract.js';
import { INGEST_LIMITS } from './ingest.contract.js';

/** The BullMQ queue the API fills after each ingest batch and the worker drains. */
export const JOB_QUEUE = 'ratchet-evaluate';

/** The jobs on JOB_QUEUE, by name. */
export const JOB_NAMES = {
  evaluateProjections: 'evaluate-projections',
  recomputeReadiness: 'recompute-readiness',
  ingestAuditEvents: 'ingest-audit-events',
  evaluateVersions: 'evaluate-versions',
} as const;

export type JobName = (typeof JOB_NAMES)[keyof typeof JOB_NAMES];

/**
 * The payload version every job carries; a processor refuses (as unrecoverable) a version it does not know.
 * Version 2: the inventory jobs name a cluster instead of a batch; what to refresh is in inventory_marks.
 */
export const JOB_PAYLOAD_VERSION = 2;

const ClusterJob = z.strictObject({
  version: z.literal(JOB_PAYLOAD_VERSION),
  orgId: Id,
  clusterId: Id,
});

/**
 * `evaluate-projections`: inventory of a cluster changed. Evaluate the organization's security projections that
 * have no `evaluatedAt` yet at every level and relevant version, then refresh the findings of the cluster's
 * top-level workloads marked in `inventory_marks` (subject `workload`; libs/db readInventoryMarks), and clear the
 * marks refreshed. One job per cluster stands for every batch that marked something (libs/jobs collapses them).
 */
export const EvaluateProjectionsJob = ClusterJob;
export type EvaluateProjectionsJob = z.infer<typeof EvaluateProjectionsJob>;

/**
 * `recompute-readiness`: namespaces of a cluster changed. Recompute the readiness of the cluster's namespaces
 * marked in `inventory_marks` (subject `namespace`), and clear the marks refreshed. Collapsed per cluster.
 */
export const RecomputeReadinessJob = ClusterJob;
export type RecomputeReadinessJob = z.infer<typeof RecomputeReadinessJob>;

/**
 * `ingest-audit-events`: new audit-mode violations were stored for these namespaces by the ingest batch `batchId`
 * (`IngestAccepted.batchId`). Recompute the namespaces' readiness (a violation inside the readiness window blocks
 * it). Trends pick the violations up at the next hourly rollup (`rollup-hourly` rebuilds the hour in progress).
 */
export const IngestAuditEventsJob = ClusterJob.extend({
  batchId: Id,
  namespaces: z.array(NamespaceName).min(1).max(INGEST_LIMITS.auditEvents),
});
export type IngestAuditEventsJob = z.infer<typeof IngestAuditEventsJob>;

/** Most concrete versions one `evaluate-versions` job asks for. */
export const EVALUATE_VERSIONS_MAX = 8;

/**
 * `evaluate-versions`: a what-if, gate or drift asked for versions the worker has not evaluated, for more projections
 * than the API evaluates on demand. Evaluate every projection of the cluster's live workloads and pods at baseline
 * and restricted at these concrete versions (`v1.<minor>`, capped at the evaluator's newest) and store the verdicts,
 * so the retried request reads them. Collapsed per cluster and version set.
 */
export const EvaluateVersionsJob = ClusterJob.extend({
  versions: z
    .array(z.string().regex(/^v1\.(0|[1-9][0-9]*)$/, { message: 'must be a concrete version v1.<minor>' }))
    .min(1)
    .max(EVALUATE_VERSIONS_MAX),
});
export type EvaluateVersionsJob = z.infer<typeof EvaluateVersionsJob>;

/** The payload schema of each job, for producers and processors alike. */
export const JOB_PAYLOADS = {
  [JOB_NAMES.evaluateProjections]: EvaluateProjectionsJob,
  [JOB_NAMES.recomputeReadiness]: RecomputeReadinessJob,
  [JOB_NAMES.ingestAuditEvents]: IngestAuditEventsJob,
  [JOB_NAMES.evaluateVersions]: EvaluateVersionsJob,
} as const satisfies Record<JobName, z.ZodType>;

/** The payload type of a job name. */
export type JobPayload<Name extends JobName> = z.infer<(typeof JOB_PAYLOADS)[Name]>;

/**
 * The deterministic BullMQ job id of a job caused by one ingest batch (`ingest-audit-events`), so an enqueue
 * repeated by the outbox relay collapses into the first one. BullMQ refuses ids containing `:`, hence the `.`.
 */
export function batchJobId(name: JobName, batchId: string): string {
  return `${name}.${batchId}`;
}
