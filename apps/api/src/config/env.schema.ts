import { z } from 'zod';

const postgresUrl = z
  .url({ error: 'must be a URL such as postgresql://user:pass@127.0.0.1:5432/ratchet' })
  .refine((value) => /^postgres(ql)?:\/\//.test(value), { error: 'must start with postgresql:// or postgres://' });
const redisUrl = z
  .url({ error: 'must be a URL such as redis://127.0.0.1:6379' })
  .refine((value) => /^rediss?:\/\//.test(value), { error: 'must start with redis:// or rediss://' });

/** Environment of the API, parsed once at boot; secrets are marked so they never reach a log. */
export const ApiEnvSchema = z.object({
  DATABASE_URL: postgresUrl.describe('secret'),
  REDIS_URL: redisUrl.describe('secret'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  RATCHET_PUBLIC_URL: z.url().default('http://localhost:3000'),
  /** The agent's Helm chart as `helm upgrade --install` takes it; it goes into the install snippet of new clusters. */
  RATCHET_AGENT_HELM_CHART: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/, { error: 'must be a Helm chart reference such as oci://ghcr.io/ratchet/charts/ratchet-agent' })
    .default('oci://ghcr.io/ratchet/charts/ratchet-agent'),
  RATCHET_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATCHET_SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 7),
  RATCHET_INGEST_MAX_BYTES: z.coerce.number().int().min(1024).max(256 * 1024 * 1024).default(8 * 1024 * 1024),
  RATCHET_LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  RATCHET_INGEST_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  RATCHET_SMTP_URL: z.url().optional().describe('secret'),
  /** Sender of invitation emails; `Ratchet <no-reply@<host of RATCHET_PUBLIC_URL>>` when unset. */
  RATCHET_SMTP_FROM: z.string().trim().min(3).max(320).optional(),
  RATCHET_COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
});

export type ApiEnv = z.infer<typeof ApiEnvSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment, failing with one line per bad variable, named. */
export function parseApiEnv(env: NodeJS.ProcessEnv): ApiEnv {
  const result = ApiEnvSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const received = env[name] === undefined ? 'is not set' : 'is invalid';
    return `  ${name} ${received}: ${issue.message}`;
  });
  throw new ConfigError(`invalid environment for the Ratchet API:\n${lines.join('\n')}`);
}
