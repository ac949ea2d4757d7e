import { isAllowedHostEntry, parseAllowedHosts } from '@ratchet/alerts';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The worker's environment, validated once at boot. */
export const WorkerEnv = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' }).meta({ description: 'PostgreSQL URL (the same database as the API).', secret: true }),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).meta({ description: 'Redis URL (the same as the API).', secret: true }),
  /** Jobs processed at once by this process. */
  RATCHET_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4).meta({ description: 'Jobs this process runs at once.' }),
  /** Port of /healthz and Prometheus /metrics; 0 picks a free port. */
  RATCHET_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465).meta({ description: 'Port of /healthz and Prometheus /metrics; 0 picks a free port.' }),
  RATCHET_LOG_LEVEL: z.enum(LOG_LEVELS).default('info').meta({ description: 'Log level.' }),
  RATCHET_SCHEDULES: z.enum(['on', 'off']).default('on').meta({ description: 'on: this worker upserts the job schedulers (rollups, retention, alert checks) and runs scheduled jobs; off: it leaves them to other workers.' }),
  RATCHET_ALERT_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((value) => parseAllowedHosts(value))
    .refine((hosts) => hosts.every(isAllowedHostEntry), { error: 'must be a comma-separated list of host names or IP addresses (no ports, no wildcards)' })
    .meta({ description: 'Hosts alerts may reach although they resolve to loopback, private or link-local addresses (comma-separated).' }),
  RATCHET_WORKER_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000).meta({
    description: "How long a running job's lock lives unless its worker renews it (ms); also how often stalled jobs are looked for: a dead worker's job is retried after at most about twice this.",
  }),
});

export interface WorkerConfig {
  databaseUrl: string;
  redisUrl: string;
  concurrency: number;
  metricsPort: number;
  logLevel: (typeof LOG_LEVELS)[number];
  schedules: boolean;
  alertAllowedHosts: string[];
  lockMs: number;
}

/** A worker environment its schema refuses; the message names every variable at fault. */
export class WorkerConfigError extends Error {
  override readonly name = 'WorkerConfigError';
}

/** Parses the environment once at boot; throws WorkerConfigError naming each bad variable. */
export function parseWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const parsed = WorkerEnv.safeParse(env);
  if (!parsed.success) {
    throw new WorkerConfigError(
      `invalid worker environment: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    concurrency: e.RATCHET_WORKER_CONCURRENCY,
    metricsPort: e.RATCHET_METRICS_PORT,
    logLevel: e.RATCHET_LOG_LEVEL,
    schedules: e.RATCHET_SCHEDULES === 'on',
    alertAllowedHosts: e.RATCHET_ALERT_ALLOWED_HOSTS,
    lockMs: e.RATCHET_WORKER_LOCK_MS,
  };
}
