export * from './common.contract.js';
export * from './projection.contract.js';
export * from './ingest.contract.js';
export * from './jobs.contract.js';
export * from './kubernetes-audit.contract.js';
export * from './auth.contract.js';
export * from './tokens.contract.js';
export * from './query.contract.js';
export * from './clusters.contract.js';
export { formatZodIssues } from './zod-issues.util.js';
export * from './health.contract.js';
export * from './organization-settings.contract.js';
export * from './trends.contract.js';
export {
  READY_ESTIMATE_MAX_HORIZON_DAYS,
  READY_ESTIMATE_MIN_POINTS,
  READY_ESTIMATE_MIN_RATE_PER_DAY,
  READY_ESTIMATE_WINDOW_DAYS,
  estimateReadyDate,
  type DailyViolations,
} from './ready-estimate.util.js';
export * from './schedules.contract.js';
export * from './coverage.contract.js';
export * from './psa-configuration.util.js';
export * from './what-if.contract.js';
export * from './gate.contract.js';
export * from './recommendation.contract.js';
export * from './drift.contract.js';
export * from './alerts.contract.js';
