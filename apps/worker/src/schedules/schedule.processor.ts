import { JobPayloadError, SCHEDULED_JOB_NAMES, parseScheduledJob, type ScheduledJobName } from '@ratchet/jobs';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';

import type { WorkerMetrics } from '../infra/metrics.js';
import type { ReadinessExpiryService } from '../readiness/readiness-expiry.service.js';
import type { RetentionService } from '../retention/retention.service.js';
import type { RollupsService } from '../rollups/rollups.service.js';

export interface ScheduledServices {
  rollups: RollupsService;
  retention: RetentionService;
  readinessExpiry: ReadinessExpiryService;
}

/**
 * The processor of SCHEDULE_QUEUE: a job whose name or payload does not parse fails for good (UnrecoverableError,
 * logged with the reason); otherwise the job's work runs for every organization. A job where some organization
 * failed throws after the others are done, so BullMQ retries it (rebuilding is idempotent). Logs job and duration.
 */
export function createScheduleProcessor(services: ScheduledServices, logger: Logger, metrics: WorkerMetrics) {
  return async (job: Job): Promise<unknown> => {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let name: ScheduledJobName;
    let rebuildFrom: Date | undefined;
    try {
      const parsed = parseScheduledJob(job.name, job.data);
      name = parsed.name;
      if (parsed.payload.rebuildFrom !== undefined) rebuildFrom = new Date(parsed.payload.rebuildFrom);
    } catch (error) {
      if (!(error instanceof JobPayloadError)) throw error;
      logger.error({ job: job.name, jobId: job.id, reason: error.message }, 'scheduled job refused; not retried');
      metrics.jobDuration.observe({ job: job.name, outcome: 'unrecoverable' }, seconds());
      throw new UnrecoverableError(error.message);
    }
    const log = logger.child({ job: name, jobId: job.id, attempt: job.attemptsMade + 1 });
    let result: { failed: string[] };
    try {
      switch (name) {
        case SCHEDULED_JOB_NAMES.rollupHourly:
          result = await services.rollups.run('hour', rebuildFrom);
          break;
        case SCHEDULED_JOB_NAMES.rollupDaily:
          result = await services.rollups.run('day', rebuildFrom);
          break;
        case SCHEDULED_JOB_NAMES.retention:
          result = await services.retention.run();
          break;
        case SCHEDULED_JOB_NAMES.readinessExpiry:
          result = await services.readinessExpiry.run();
          break;
      }
    } catch (error) {
      metrics.jobDuration.observe({ job: name, outcome: 'failed' }, seconds());
      log.warn({ durationMs: Math.round(seconds() * 1000), err: error }, 'scheduled job failed; BullMQ retries it');
      throw error;
    }
    const durationMs = Math.round(seconds() * 1000);
    if (result.failed.length > 0) {
      metrics.jobDuration.observe({ job: name, outcome: 'failed' }, seconds());
      log.warn({ durationMs, result }, 'scheduled job failed for some organizations; BullMQ retries it');
      throw new Error(`${name} failed for ${result.failed.length} organizations: ${result.failed.join('; ')}`);
    }
    metrics.jobDuration.observe({ job: name, outcome: 'completed' }, seconds());
    log.info({ durationMs, result }, 'scheduled job completed');
    return result;
  };
}
