import { JOB_NAMES, JOB_PAYLOADS, JOB_QUEUE, batchJobId } from '@ratchet/contracts';
import type { JobName, JobPayload } from '@ratchet/contracts';
import type { JobsOptions } from 'bullmq';

export { JOB_NAMES, JOB_QUEUE, type JobName, type JobPayload };

/**
 * Options of every job: retried 5 times with exponential backoff from 2 s (a worker restart or a database
 * failover is over by then); completed jobs kept a day (so a job the outbox relay enqueues again under its id
 * collapses into the first) and at most 100,000; failed jobs kept a week for inspection.
 */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const satisfies JobsOptions;

/** A job payload its contract refuses; the message names the first field at fault. */
export class JobPayloadError extends Error {
  override readonly name = 'JobPayloadError';
  constructor(
    readonly jobName: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(`invalid ${jobName} payload: ${issues.map((issue) => `${issue.path || '(payload)'}: ${issue.message}`).join('; ')}`);
  }
}

/** A job parsed by its contract, with the options that make duplicates collapse: ready for the outbox or the queue. */
export interface PreparedJob<Name extends JobName = JobName> {
  name: Name;
  payload: JobPayload<Name>;
  options: Pick<JobsOptions, 'jobId' | 'deduplication'>;
}

function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOB_PAYLOADS, name);
}

/**
 * Parses `data` as the payload of job `name` (for producers before writing, for processors before working; a
 * processor turns the error into BullMQ's UnrecoverableError). Throws JobPayloadError naming the field, or for a
 * name that is no job of the queue.
 */
export function parseJobPayload<Name extends JobName>(name: Name, data: unknown): JobPayload<Name>;
export function parseJobPayload(name: string, data: unknown): JobPayload<JobName>;
export function parseJobPayload(name: string, data: unknown): JobPayload<JobName> {
  if (!isJobName(name)) throw new JobPayloadError(name, [{ path: '', message: `is not a job of ${JOB_QUEUE}` }]);
  const parsed = JOB_PAYLOADS[name].safeParse(data);
  if (parsed.success) return parsed.data;
  throw new JobPayloadError(
    name,
    parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  );
}

/**
 * How duplicates collapse, per job:
 * - `evaluate-projections` and `recompute-readiness` say "this cluster has marks to refresh" (the marks are in
 *   inventory_marks, written with each batch). One job per (organization, cluster, job name) is enough however
 *   many batches marked things, so they carry BullMQ's deduplication id `<name>.<orgId>.<clusterId>` with
 *   `keepLastIfActive`: while such a job waits, adding another is a no-op (50 resync chunks queue one
 *   evaluation); while one runs, adding another keeps exactly one follow-up, started when the running one ends, so
 *   marks written after the running job read them are refreshed too (no lost update). At most one running and one
 *   waiting per cluster and job; a follow-up that finds no marks does nothing.
 * - `ingest-audit-events` carries one batch's namespaces: its job id is the batch's (batchJobId), so the outbox
 *   relay enqueueing it again collapses into the first while BullMQ keeps it (DEFAULT_JOB_OPTIONS).
 */
export function collapseOptions(name: JobName, payload: JobPayload<JobName>): PreparedJob['options'] {
  if (name === JOB_NAMES.ingestAuditEvents) {
    return { jobId: batchJobId(name, (payload as JobPayload<typeof JOB_NAMES.ingestAuditEvents>).batchId) };
  }
  if (name === JOB_NAMES.evaluateVersions) {
    // One per cluster and version set: a what-if retried while the job waits adds nothing.
    const versions = [...(payload as JobPayload<typeof JOB_NAMES.evaluateVersions>).versions].sort().join('_');
    return { deduplication: { id: `${name}.${payload.orgId}.${payload.clusterId}.${versions}` } };
  }
  return { deduplication: { id: `${name}.${payload.orgId}.${payload.clusterId}`, keepLastIfActive: true } };
}

/** Parses the payload (JobPayloadError when its contract refuses it) and attaches its collapse options. */
export function prepareJob<Name extends JobName>(name: Name, payload: JobPayload<Name>): PreparedJob<Name> {
  const parsed = parseJobPayload(name, payload);
  return { name, payload: parsed, options: collapseOptions(name, parsed) };
}
