import { evaluatePod, isLevel, parseVersion, projectPod } from '@ratchet/pss';
import { z } from 'zod';

/** One input line of `ratchet eval --jsonl`. */
const EvalRequest = z.object({
  id: z.string({ error: 'id: required, a string' }),
  level: z.string({ error: 'level: required, one of privileged, baseline, restricted' })
    .refine(isLevel, { error: 'level: must be one of privileged, baseline, restricted' }),
  version: z.string({ error: 'version: required, "latest" or "v1.N"' }),
  pod: z.record(z.string(), z.unknown(), { error: 'pod: required, an object' }),
});

export interface EvalResult {
  id: string | null;
  allowed?: boolean;
  forbiddenReason?: string;
  forbiddenDetail?: string;
  checks?: { id: string; reason: string; detail: string }[];
  error?: string;
}

function idOf(value: unknown): string | null {
  if (value !== null && typeof value === 'object' && 'id' in value && typeof value.id === 'string') return value.id;
  return null;
}

/** Evaluates one JSONL line; never throws, so one bad line cannot stop a batch. */
export function evaluateLine(line: string): EvalResult {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch (error) {
    return { id: null, error: `invalid JSON: ${(error as Error).message}` };
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { id: null, error: 'expected a JSON object {"id", "level", "version", "pod"} on each line' };
  }
  const id = idOf(input);
  const parsed = EvalRequest.safeParse(input);
  if (!parsed.success) {
    return { id, error: parsed.error.issues.map((issue) => issue.message).join('; ') };
  }
  const { level, version, pod } = parsed.data;
  try {
    const policyVersion = parseVersion(version);
    try {
      // Validates the fields the checks read, so a string where a boolean belongs is an error, not a guess.
      projectPod(pod);
    } catch (error) {
      return { id, error: `pod.${(error as Error).message}` };
    }
    const evaluation = evaluatePod(pod, level, policyVersion);
    return {
      id,
      allowed: evaluation.allowed,
      forbiddenReason: evaluation.forbiddenReason,
      forbiddenDetail: evaluation.forbiddenDetail,
      checks: evaluation.checks.map(({ id: checkId, reason, detail }) => ({ id: checkId, reason, detail })),
    };
  } catch (error) {
    return { id, error: (error as Error).message };
  }
}
