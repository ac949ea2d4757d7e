import { PsaConfiguration } from '@ratchet/contracts';
import { z } from 'zod';

const listenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[0-9A-Za-z.-]*):[0-9]{1,5}$/, { error: 'must be host:port, e.g. 0.0.0.0:8443 or :8443' });

const seconds = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * Environment of the agent, parsed once at boot. Secrets (the token) are marked so they never reach a log.
 * Exactly one token source is needed: `RATCHET_AGENT_TOKEN` or `RATCHET_AGENT_TOKEN_FILE` (the Helm chart
 * mounts the Secret as a file so a rotated token is picked up on restart without it appearing in the pod spec).
 */
export const AgentEnvSchema = z
  .object({
    /** The Ratchet API's public origin, e.g. https://ratchet.example.com; ingest paths are appended. */
    RATCHET_API_URL: z.url({ error: 'must be a URL such as https://ratchet.example.com' }).refine((v) => /^https?:\/\//.test(v), {
      error: 'must start with https:// or http://',
    }).meta({ description: 'The Ratchet API public origin, e.g. https://ratchet.example.com; ingest paths are appended.' }),
    RATCHET_AGENT_TOKEN: z.string().min(8).optional().meta({ description: 'The cluster agent token; set it or RATCHET_AGENT_TOKEN_FILE.', secret: true }),
    RATCHET_AGENT_TOKEN_FILE: z.string().min(1).optional().meta({ description: 'A file holding the agent token (the Helm chart mounts its Secret here).' }),
    RATCHET_CLUSTER_NAME: z.string().min(1).max(63).meta({ description: 'The cluster name, for logs and heartbeats.' }),
    /** Seconds between full inventory resyncs. */
    RATCHET_RESYNC_INTERVAL_SECONDS: seconds(60, 7 * 24 * 3600, 3600).meta({ description: 'Seconds between full inventory resyncs.' }),
    /** Milliseconds that inventory changes are gathered before a delta is sent, so a rollout is a few batches. */
    RATCHET_DELTA_WINDOW_MS: z.coerce.number().int().min(0).max(60_000).default(2000).meta({ description: 'Milliseconds inventory changes are gathered before a delta is sent (a rollout becomes a few batches).' }),
    RATCHET_HEARTBEAT_INTERVAL_SECONDS: seconds(1, 3600, 30).meta({ description: 'Seconds between heartbeats.' }),
    RATCHET_SPOOL_DIR: z.string().min(1).default('/var/spool/ratchet-agent').meta({ description: 'Directory of the disk spool that holds batches until the API accepts them.' }),
    /** Bytes the spool may hold on disk; past it the oldest inventory deltas are dropped first. */
    RATCHET_SPOOL_MAX_BYTES: z.coerce.number().int().min(64 * 1024).max(64 * 1024 ** 3).default(256 * 1024 * 1024).meta({ description: 'Bytes the spool may hold; past it the oldest inventory deltas are dropped first (the next resync restores them).' }),
    /** Where the audit webhook receiver listens; unset means no webhook receiver. */
    RATCHET_AUDIT_WEBHOOK_LISTEN: listenAddress.optional().meta({ description: 'host:port of the audit webhook receiver; unset: no webhook.' }),
    RATCHET_AUDIT_WEBHOOK_TLS_CERT_FILE: z.string().min(1).optional().meta({ description: 'PEM certificate of the audit webhook (with the key: https).' }),
    RATCHET_AUDIT_WEBHOOK_TLS_KEY_FILE: z.string().min(1).optional().meta({ description: 'PEM private key of the audit webhook.' }),
    /** Largest audit webhook body accepted, in bytes. */
    RATCHET_AUDIT_WEBHOOK_MAX_BYTES: z.coerce.number().int().min(1024).max(512 * 1024 * 1024).default(16 * 1024 * 1024).meta({ description: 'Largest audit webhook body accepted, in bytes.' }),
    /** An apiserver audit log (JSON lines) to follow instead of, or besides, the webhook. */
    RATCHET_AUDIT_LOG_PATH: z.string().min(1).optional().meta({ description: 'An apiserver audit log (JSON lines) to follow, surviving rotation.' }),
    /** Health, readiness and Prometheus metrics. */
    RATCHET_HEALTH_LISTEN: listenAddress.default(':8080').meta({ description: 'host:port of /healthz, /readyz and Prometheus /metrics.' }),
    /** A kubeconfig for running outside the cluster; in-cluster configuration otherwise. */
    KUBECONFIG: z.string().min(1).optional().meta({ description: 'A kubeconfig for running outside a cluster; unset: in-cluster configuration.' }),
    /** The cluster's PodSecurityConfiguration as JSON (the Helm value `psaConfiguration`), reported in heartbeats. */
    RATCHET_PSA_CONFIGURATION: z.string().min(2).optional().meta({ description: 'The cluster PodSecurityConfiguration as JSON (defaults and exemptions), reported in heartbeats.' }),
    RATCHET_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').meta({ description: 'Log level.' }),
  })
  .superRefine((env, ctx) => {
    if (env.RATCHET_AGENT_TOKEN === undefined && env.RATCHET_AGENT_TOKEN_FILE === undefined) {
      ctx.addIssue({ code: 'custom', path: ['RATCHET_AGENT_TOKEN_FILE'], message: 'set RATCHET_AGENT_TOKEN_FILE (or RATCHET_AGENT_TOKEN)' });
    }
    if ((env.RATCHET_AUDIT_WEBHOOK_TLS_CERT_FILE === undefined) !== (env.RATCHET_AUDIT_WEBHOOK_TLS_KEY_FILE === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.RATCHET_AUDIT_WEBHOOK_TLS_CERT_FILE === undefined ? 'RATCHET_AUDIT_WEBHOOK_TLS_CERT_FILE' : 'RATCHET_AUDIT_WEBHOOK_TLS_KEY_FILE'],
        message: 'the TLS certificate and key are set together',
      });
    }
    if (env.RATCHET_PSA_CONFIGURATION !== undefined) {
      let json: unknown;
      try {
        json = JSON.parse(env.RATCHET_PSA_CONFIGURATION);
      } catch {
        ctx.addIssue({ code: 'custom', path: ['RATCHET_PSA_CONFIGURATION'], message: 'must be JSON' });
        return;
      }
      const parsed = PsaConfiguration.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        ctx.addIssue({ code: 'custom', path: ['RATCHET_PSA_CONFIGURATION'], message: `${issue.path.join('.') || '(root)'}: ${issue.message}` });
      }
    }
  });

export type AgentEnv = z.infer<typeof AgentEnvSchema>;

/** The agent's settings after boot: the token read, addresses split. */
export interface AgentConfig extends AgentEnv {
  token: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Splits `host:port` (`:8443` means every interface). */
export function splitListen(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[|\]$/g, '');
  return { host: host === '' ? '0.0.0.0' : host, port: Number(address.slice(at + 1)) };
}

/**
 * Parses the environment and reads the token file, failing with one line per bad variable, named.
 * `readFile` is injected so the parse stays testable without touching disk.
 */
export function parseAgentEnv(env: NodeJS.ProcessEnv, readFile: (path: string) => string): AgentConfig {
  const result = AgentEnvSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const received = env[name] === undefined ? 'is not set' : 'is invalid';
      return `  ${name} ${received}: ${issue.message}`;
    });
    throw new ConfigError(`invalid environment for the Ratchet agent:\n${lines.join('\n')}`);
  }
  let token = result.data.RATCHET_AGENT_TOKEN;
  if (token === undefined) {
    const file = result.data.RATCHET_AGENT_TOKEN_FILE!;
    try {
      token = readFile(file).trim();
    } catch (error) {
      throw new ConfigError(`invalid environment for the Ratchet agent:\n  RATCHET_AGENT_TOKEN_FILE cannot be read: ${(error as Error).message}`);
    }
    if (token.length < 8) throw new ConfigError('invalid environment for the Ratchet agent:\n  RATCHET_AGENT_TOKEN_FILE holds no token');
  }
  return { ...result.data, token };
}
