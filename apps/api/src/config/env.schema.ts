import { isIP } from 'node:net';

import { isAllowedHostEntry, parseAllowedHosts } from '@ratchet/alerts';
import { z } from 'zod';

const postgresUrl = z
  .url({ error: 'must be a URL such as postgresql://user:pass@127.0.0.1:5432/ratchet' })
  .refine((value) => /^postgres(ql)?:\/\//.test(value), { error: 'must start with postgresql:// or postgres://' });
const redisUrl = z
  .url({ error: 'must be a URL such as redis://127.0.0.1:6379' })
  .refine((value) => /^rediss?:\/\//.test(value), { error: 'must start with redis:// or rediss://' });

// Express's `trust proxy` names (https://expressjs.com/en/guide/behind-proxies.html), or addresses and CIDRs.
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
function isProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
const trustedProxies = z
  .string()
  .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
  .refine((entries) => entries.every(isProxyEntry), {
    error: 'must be a comma-separated list of IP addresses, CIDRs, or loopback, linklocal, uniquelocal (empty: trust none)',
  });

/** Environment of the API, parsed once at boot; secrets are marked so they never reach a log. */
export const ApiEnvSchema = z.object({
  DATABASE_URL: postgresUrl.meta({ description: 'PostgreSQL URL; the user must be able to SET ROLE ratchet_app (the migrations create it).', secret: true }),
  REDIS_URL: redisUrl.meta({ description: 'Redis URL for the BullMQ queues and rate limits.', secret: true }),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).meta({ description: 'HTTP port of the API.' }),
  /** The one origin users and agents see (the web app's when it fronts the API); default: this process's own port. */
  RATCHET_PUBLIC_URL: z
    .url()
    .refine((value) => /^https?:\/\//.test(value), { error: 'must be an http:// or https:// URL' })
    .transform((value) => new URL(value).origin)
    .optional().meta({ description: 'The one public origin (the web app when it fronts the API): links, install snippets, the Origin cookie requests must come from. Default: http://localhost:$PORT.' }),
  /** Connections in this process's Postgres pool; the admission limit is sized from it. */
  RATCHET_DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10).meta({ description: 'Postgres connections per process; the API runs at most twice that many requests at once.' }),
  /** Prometheus scrapes /metrics on this port only, never on the API port; 0 picks a free port (tests). */
  RATCHET_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464).meta({ description: 'Port of Prometheus /metrics, never the API port; 0 picks a free port.' }),
  /** Proxies whose X-Forwarded-For is believed (the web app, the ingress); everyone else is their own address. */
  RATCHET_TRUSTED_PROXIES: trustedProxies.default(['loopback']).meta({ description: 'Comma-separated addresses or CIDRs (or loopback, linklocal, uniquelocal) whose X-Forwarded-For is believed.' }),
  /** The agent's Helm chart as `helm upgrade --install` takes it; it goes into the install snippet of new clusters. */
  RATCHET_AGENT_HELM_CHART: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/, { error: 'must be a Helm chart reference such as oci://ghcr.io/ratchet/charts/ratchet-agent' })
    .default('oci://ghcr.io/ratchet/charts/ratchet-agent').meta({ description: "The agent Helm chart reference put in new clusters' install snippets." }),
  RATCHET_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').meta({ description: 'Log level.' }),
  RATCHET_SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 7).meta({ description: 'Lifetime of a sign-in session, in hours.' }),
  RATCHET_INGEST_MAX_BYTES: z.coerce.number().int().min(1024).max(256 * 1024 * 1024).default(8 * 1024 * 1024).meta({ description: 'Largest ingest request body, in bytes.' }),
  RATCHET_LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(10).meta({ description: 'Sign-in attempts per client address per minute.' }),
  RATCHET_INGEST_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(6000).meta({ description: 'Ingest requests allowed per minute (rate limit; past it the API answers 429).' }),
  RATCHET_SMTP_URL: z.url().optional().meta({ description: 'SMTP server URL for invitation emails (may hold credentials); unset: invitations are not emailed.', secret: true }),
  /** Sender of invitation emails; `Ratchet <no-reply@<host of RATCHET_PUBLIC_URL>>` when unset. */
  RATCHET_SMTP_FROM: z.string().trim().min(3).max(320).optional().meta({ description: 'Sender of invitation emails. Default: Ratchet <no-reply@host of RATCHET_PUBLIC_URL>.' }),
  /**
   * Most projections a what-if, gate or drift evaluates on demand at a version the worker has not evaluated; past
   * it the API answers 503 with Retry-After and queues the evaluation for the worker.
   */
  RATCHET_WHAT_IF_EVALUATION_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(5000).meta({ description: 'Most projections a what-if, gate or drift request evaluates on demand; past it: 503 with Retry-After and a queued evaluation.' }),
  RATCHET_ALERT_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((value) => parseAllowedHosts(value))
    .refine((hosts) => hosts.every(isAllowedHostEntry), { error: 'must be a comma-separated list of host names or IP addresses (no ports, no wildcards)' })
    .meta({ description: 'Hosts alert channels may reach although they resolve to loopback, private or link-local addresses (comma-separated host names or IP literals; the worker reads the same variable).' }),
  /** Default: true whenever RATCHET_PUBLIC_URL is https. */
  RATCHET_COOKIE_SECURE: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional().meta({ description: 'Send the session cookie only over https. Default: true when RATCHET_PUBLIC_URL is https.' }),
});

/** The parsed environment with the derived defaults filled in. */
export type ApiEnv = Omit<z.infer<typeof ApiEnvSchema>, 'RATCHET_PUBLIC_URL' | 'RATCHET_COOKIE_SECURE'> & {
  RATCHET_PUBLIC_URL: string;
  RATCHET_COOKIE_SECURE: boolean;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment, failing with one line per bad variable, named. */
export function parseApiEnv(env: NodeJS.ProcessEnv): ApiEnv {
  const result = ApiEnvSchema.safeParse(env);
  if (result.success) {
    // Run alone, the API is its own public origin: the port it listens on, not a fixed :3000.
    const publicUrl = result.data.RATCHET_PUBLIC_URL ?? `http://localhost:${result.data.PORT}`;
    return {
      ...result.data,
      RATCHET_PUBLIC_URL: publicUrl,
      RATCHET_COOKIE_SECURE: result.data.RATCHET_COOKIE_SECURE ?? publicUrl.startsWith('https:'),
    };
  }
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const received = env[name] === undefined ? 'is not set' : 'is invalid';
    return `  ${name} ${received}: ${issue.message}`;
  });
  throw new ConfigError(`invalid environment for the Ratchet API:\n${lines.join('\n')}`);
}
