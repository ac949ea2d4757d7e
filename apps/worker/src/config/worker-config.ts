import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The worker's environment, validated once at boot. */
export const WorkerEnv = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' }),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }),
  /** Jobs processed at once by this process. */
  RATCHET_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Port of /healthz and Prometheus /metrics; 0 picks a free port. */
  RATCHET_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  RATCHET_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /**
   * How long a running job's lock lives unless its worker renews it (ms); also how often stalled jobs are looked
   * for. A job whose worker died (SIGKILL, node lost) is retried after at most about twice this.
   */
  RATCHET_WORKER_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
});

export interface WorkerConfig {
  databaseUrl: string;
  redisUrl: string;
  concurrency: number;
  metricsPort: number;
  logLevel: (typeof LOG_LEVELS)[number];
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
    lockMs: e.RATCHET_WORKER_LOCK_MS,
  };
}
