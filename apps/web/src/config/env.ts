import { z } from 'zod';

/**
 * The web app's environment, parsed once at boot (instrumentation.ts) and read through `webEnv()`.
 * - `RATCHET_API_URL`: where the API listens; `/api/*` is forwarded there and server components fetch from it.
 * - `PORT`: read by `next start` itself; validated here so a bad value stops the boot with its name.
 */
export const WebEnvSchema = z.object({
  RATCHET_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default('http://127.0.0.1:3001')
    .transform((url) => url.replace(/\/+$/, ''))
    .meta({ description: 'Where the API listens: the dashboard forwards /api/* there and its server components fetch from it. The API\'s RATCHET_PUBLIC_URL must be this dashboard\'s URL.' }),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).meta({ description: 'Port `next start` listens on (the one public origin browsers use).' }),
});
export type WebEnv = z.infer<typeof WebEnvSchema>;

let parsed: WebEnv | undefined;

/** Parses `env` (default `process.env`); throws an Error naming every bad variable. */
export function parseWebEnv(env: Record<string, string | undefined> = process.env): WebEnv {
  const result = WebEnvSchema.safeParse(env);
  if (!result.success) {
    throw new Error(`invalid web environment: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  return result.data;
}

/** The environment parsed at boot. */
export function webEnv(): WebEnv {
  parsed ??= parseWebEnv();
  return parsed;
}
