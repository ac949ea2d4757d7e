import { ALERT_JOB_NAMES, JobPayloadError, parseAlertJobPayload } from '@ratchet/jobs';
import type { AlertJobName, AlertJobPayload, AlertJobProducer } from '@ratchet/jobs';
import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';

import type { AlertDeliveryService } from './alert-delivery.service.js';
import type { AlertEvaluationService } from './alert-evaluation.service.js';

/** A delivery attempt that failed and will be retried by BullMQ (its message is the receiver's failure). */
export class DeliveryRetryError extends Error {
  override readonly name = 'DeliveryRetryError';
}

/** When BullMQ's exponential backoff will run the next attempt: delay * 2^(attempts made). */
function retryAt(job: Job, now: Date): Date | null {
  const backoff = job.opts.backoff;
  const delay = typeof backoff === 'number' ? backoff : (backoff?.delay ?? 0);
  return new Date(now.getTime() + delay * 2 ** job.attemptsMade);
}

/**
 * The processor of ALERT_QUEUE: parses the payload (unrecoverable when it does not parse), evaluates or delivers,
 * and enqueues the deliveries an evaluation produced. A failed delivery attempt throws so BullMQ retries it with
 * backoff; the attempt is already logged on the delivery by then.
 */
export function createAlertJobProcessor(evaluation: AlertEvaluationService, delivery: AlertDeliveryService, producer: AlertJobProducer, logger: Logger, now: () => Date) {
  return async (job: Job): Promise<unknown> => {
    let payload: AlertJobPayload<AlertJobName>;
    try {
      payload = parseAlertJobPayload(job.name, job.data);
    } catch (error) {
      if (!(error instanceof JobPayloadError)) throw error;
      logger.error({ job: job.name, jobId: job.id, reason: error.message }, 'alert job payload refused; not retried');
      throw new UnrecoverableError(error.message);
    }
    const started = Date.now();
    switch (job.name as AlertJobName) {
      case ALERT_JOB_NAMES.evaluateAlerts: {
        const { orgId, clusterId } = payload as AlertJobPayload<typeof ALERT_JOB_NAMES.evaluateAlerts>;
        const result = await evaluation.evaluateCluster({ orgId, clusterId });
        await producer.deliver(orgId, result.deliveryIds);
        logger.info({ orgId, clusterId, job: job.name, durationMs: Date.now() - started, fired: result.fired, resolved: result.resolved, deliveries: result.deliveries }, 'alerts evaluated');
        return { fired: result.fired, resolved: result.resolved, deliveries: result.deliveries };
      }
      case ALERT_JOB_NAMES.alertAgentSilence: {
        const results = await evaluation.evaluateSilence();
        for (const [orgId, result] of results) await producer.deliver(orgId, result.deliveryIds);
        logger.info({ job: job.name, durationMs: Date.now() - started, organizations: results.size }, 'agent silence checked');
        return { organizations: results.size };
      }
      case ALERT_JOB_NAMES.deliverAlert: {
        const { orgId, deliveryId } = payload as AlertJobPayload<typeof ALERT_JOB_NAMES.deliverAlert>;
        const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        const outcome = await delivery.deliver(orgId, deliveryId, { final, retryAt: final ? null : retryAt(job, now()) });
        const log = { orgId, deliveryId, job: job.name, attempt: job.attemptsMade + 1, durationMs: Date.now() - started, status: outcome.status };
        if (outcome.status === 'skipped') {
          logger.info({ ...log, reason: outcome.reason }, 'alert delivery skipped');
          return outcome;
        }
        if (outcome.status === 'retry') {
          logger.warn({ ...log, responseCode: outcome.result.responseCode, error: outcome.result.error }, 'alert delivery failed; BullMQ retries it');
          throw new DeliveryRetryError(outcome.result.error ?? 'delivery failed');
        }
        if (outcome.status === 'failed') logger.error({ ...log, responseCode: outcome.result.responseCode, error: outcome.result.error }, 'alert delivery failed for good');
        else logger.info({ ...log, responseCode: outcome.result.responseCode }, 'alert delivered');
        return { status: outcome.status, responseCode: outcome.result.responseCode };
      }
    }
    return undefined;
  };
}
