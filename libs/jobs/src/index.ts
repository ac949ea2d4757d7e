export {
  DEFAULT_JOB_OPTIONS,
  JOB_NAMES,
  JOB_QUEUE,
  JobPayloadError,
  collapseOptions,
  parseJobPayload,
  prepareJob,
  type JobName,
  type JobPayload,
  type PreparedJob,
} from './job.js';
export { JobProducer, type JobProducerOptions } from './job-producer.js';
export { OUTBOX_GRACE_SECONDS, claimOutbox, completeOutbox, writeOutboxJobs, type OutboxEntry } from './outbox.repository.js';
export { OutboxRelay, type OutboxRelayOptions, type RelayLogger, type RelaySchedule } from './outbox.relay.js';
export {
  SCHEDULED_JOB_NAMES,
  SCHEDULED_JOB_OPTIONS,
  SCHEDULE_INTERVALS,
  SCHEDULE_QUEUE,
  parseScheduledJob,
  runScheduledJobNow,
  schedulerId,
  upsertSchedules,
  type ScheduledJobName,
} from './schedules.js';
export {
  ALERT_AGENT_SILENCE_EVERY_MS,
  ALERT_AGENT_SILENCE_SCHEDULER_ID,
  ALERT_DELIVERY_ATTEMPTS,
  ALERT_DELIVERY_BACKOFF_MS,
  ALERT_JOB_NAMES,
  ALERT_QUEUE,
  AlertJobProducer,
  parseAlertJobPayload,
  type AlertJobName,
  type AlertJobPayload,
  type AlertJobProducerOptions,
} from './alert-jobs.js';
