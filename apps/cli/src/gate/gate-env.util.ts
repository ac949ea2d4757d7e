import { z } from 'zod';

/** What `ratchet gate` reads from the environment: where the API is, and an API token to call it with. */
export const GateEnv = z.object({
  RATCHET_API_URL: z
    .url({ error: 'must be the Ratchet URL, e.g. https://ratchet.example.com' })
    .refine((value) => /^https?:\/\//.test(value), { error: 'must be an http:// or https:// URL' }),
  RATCHET_API_TOKEN: z
    .string({ error: 'is required: create an API token in Ratchet (Settings, API tokens) and store it as a CI secret' })
    .regex(/^rat_[A-Za-z0-9_-]{16,}$/, { error: 'must be a Ratchet API token (rat_...)' }),
});
export type GateEnv = z.infer<typeof GateEnv>;

/** A problem the gate cannot get past: exit 2 with this message. */
export class GateError extends Error {
  override readonly name = 'GateError';
}

/** Parses the environment, or throws GateError naming every bad variable (never its value: the token is secret). */
export function parseGateEnv(env: NodeJS.ProcessEnv): GateEnv {
  const parsed = GateEnv.safeParse({ RATCHET_API_URL: env['RATCHET_API_URL'], RATCHET_API_TOKEN: env['RATCHET_API_TOKEN'] });
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    return issue.code === 'invalid_type' && env[name] === undefined ? `${name} is not set` : `${name} ${issue.message}`;
  });
  throw new GateError(lines.join('; '));
}
