import { z } from 'zod';

const level = z.enum(['privileged', 'baseline', 'restricted']);
const policyVersion = z.string().regex(/^(latest|v1\.(0|[1-9]\d{0,2}))$/, { error: 'must be "latest" or "v1.N"' });

/** AdmissionConfiguration PodSecurityConfiguration of the simulated apiserver (upstream field names). */
export const PsaConfigurationSchema = z.object({
  defaults: z
    .object({
      enforce: level.default('privileged'),
      'enforce-version': policyVersion.default('latest'),
      audit: level.default('privileged'),
      'audit-version': policyVersion.default('latest'),
      warn: level.default('privileged'),
      'warn-version': policyVersion.default('latest'),
    })
    .prefault({}),
  exemptions: z
    .object({
      usernames: z.array(z.string().min(1)).default(['system:serviceaccount:ci:break-glass']),
      runtimeClasses: z.array(z.string().min(1)).default([]),
      namespaces: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
});

/** Options of `startClusterSimulator`; every field has a default. Bad values throw a ZodError naming the field. */
export const SimulatorOptionsSchema = z.object({
  /** TCP port to listen on; 0 picks a free one (the default for tests). The CLI defaults to 6443. */
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  /** Seed of every random choice: the same seed (and startTime) gives the same cluster and scenario. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
  namespaces: z.number().int().min(1).max(5000).default(40),
  pods: z.number().int().min(0).max(200_000).default(600),
  /** Nodes DaemonSets run on; default: one per 40 requested pods, at least 3. */
  nodes: z.number().int().min(1).max(5000).optional(),
  /** The kube-apiserver version simulated: `/version`, the audit wording and which checks exist. */
  apiserverVersion: z
    .string()
    .regex(/^v1\.(2[2-9]|3\d)\.\d{1,3}$/, { error: 'must be a kube-apiserver version from v1.22.0 to v1.39.x, such as v1.31.4' })
    .default('v1.31.4'),
  /** Bearer token clients must send; default: random per start. */
  token: z.string().regex(/^[A-Za-z0-9._~+/=-]{16,512}$/, { error: 'must be 16-512 token characters' }).optional(),
  /** Where to write the kubeconfig; default: a new temp directory. */
  kubeconfigPath: z.string().min(1).optional(),
  /** Start of the simulated clock (RFC 3339); default: now. Fix it for byte-identical runs. */
  startTime: z.iso.datetime({ offset: true }).optional(),
  auditWebhook: z
    .object({
      url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
      caCert: z.string().includes('BEGIN CERTIFICATE', { error: 'must be a PEM certificate' }).optional(),
      token: z.string().min(1).optional(),
      /** Events per EventList (kube-apiserver's --audit-webhook-batch-max-size). */
      batchMaxSize: z.number().int().min(1).max(10_000).default(400),
    })
    .optional(),
  /** Run scenarios in real time (every stepIntervalMs) instead of only on advance(). */
  evolve: z.boolean().default(false),
  /** Simulated time between scenario steps. */
  stepIntervalMs: z.number().int().min(100).max(24 * 3600 * 1000).default(30_000),
  bookmarkIntervalMs: z.number().int().min(50).max(3_600_000).default(5_000),
  defaultWatchTimeoutSeconds: z.number().int().min(1).max(7200).default(1800),
  /** Watch history kept for resuming watches; older resourceVersions get 410 Gone. */
  historyLimit: z.number().int().min(10).max(10_000_000).default(50_000),
  psa: PsaConfigurationSchema.prefault({}),
  /** Where PSA runs: the built-in admission plugin (keys `pod-security.kubernetes.io/...`), the webhook, or both. */
  psaAdmission: z.enum(['built-in', 'webhook', 'both']).default('built-in'),
  psaWebhookName: z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/).default('pod-security-webhook.kubernetes.io'),
});

export type SimulatorOptions = z.input<typeof SimulatorOptionsSchema>;
export type ResolvedSimulatorOptions = z.output<typeof SimulatorOptionsSchema>;
