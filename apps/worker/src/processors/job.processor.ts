import { JOB_NAMES, JobPayloadError, parseJobPayload, type JobName, type JobPayload } from '@ratchet/jobs';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';

import type { WorkerMetrics } from '../infra/metrics.js';
import type { ClusterJobsService } from './cluster-jobs.service.js';

/** Called after a job changed a cluster's findings or readiness (the alert evaluation hooks in here). */
export type ClusterChangedHook = (scope: { orgId: string; clusterId: string }) => Promise<void>;

/**
 * The BullMQ processor of JOB_QUEUE: parses the payload with its contract (a payload that does not parse, or a job
 * name the queue does not know, fails for good with UnrecoverableError, logged with the reason: retrying cannot fix
 * it), then calls the service with the tenant (orgId, clusterId) first. Logs orgId, job name and duration.
 */
export function createJobProcessor(service: ClusterJobsService, logger: Logger, metrics: WorkerMetrics, onClusterChanged?: ClusterChangedHook) {
  return async (job: Job): Promise<unknown> => {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let payload: JobPayload<JobName>;
    try {
      payload = parseJobPayload(job.name, job.data);
    } catch (error) {
      if (!(error instanceof JobPayloadError)) throw error;
      logger.error({ job: job.name, jobId: job.id, reason: error.message }, 'job payload refused; not retried');
      metrics.jobDuration.observe({ job: job.name, outcome: 'unrecoverable' }, seconds());
      throw new UnrecoverableError(error.message);
    }
    const scope = { orgId: payload.orgId, clusterId: payload.clusterId };
    const log = logger.child({ orgId: scope.orgId, clusterId: scope.clusterId, job: job.name, jobId: job.id, attempt: job.attemptsMade + 1 });
    try {
      let result: unknown;
      switch (job.name as JobName) {
        case JOB_NAMES.evaluateProjections: {
          const summary = await service.evaluateProjections(scope);
          metrics.projectionsEvaluated.inc(summary.projections);
          result = summary;
          break;
        }
        case JOB_NAMES.recomputeReadiness:
          result = { namespaces: await service.recomputeMarkedReadiness(scope) };
          break;
        case JOB_NAMES.ingestAuditEvents: {
          const names = (payload as JobPayload<typeof JOB_NAMES.ingestAuditEvents>).namespaces;
          result = { namespaces: await service.recomputeNamespacesByName(scope, names) };
          break;
        }
        case JOB_NAMES.evaluateVersions: {
          const versions = (payload as JobPayload<typeof JOB_NAMES.evaluateVersions>).versions;
          result = { projections: await service.evaluateVersions(scope, versions), versions };
          break;
        }
      }
      // Every job here may change findings or readiness; the alert evaluation it asks for collapses per cluster.
      await onClusterChanged?.(scope);
      const duration = seconds();
      metrics.jobDuration.observe({ job: job.name, outcome: 'completed' }, duration);
      log.info({ durationMs: Math.round(duration * 1000), result }, 'job completed');
      return result;
    } catch (error) {
      const duration = seconds();
      metrics.jobDuration.observe({ job: job.name, outcome: 'failed' }, duration);
      log.warn({ durationMs: Math.round(duration * 1000), err: error }, 'job failed; BullMQ retries it');
      throw error;
    }
  };
}
