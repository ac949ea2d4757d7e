import type { z } from 'zod';

import { ApiError, fieldIssues } from './api-error';

/** Field errors of a zod result, keyed by the field's path (the same contract the API validates with). */
export function zodFieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.');
    errors[key] ??= issue.message;
  }
  return errors;
}

/** What to show for a failed submit: the API's field issues, and its message. */
export function submitErrors(error: unknown): { fields: Record<string, string>; message: string } {
  if (error instanceof ApiError) return { fields: fieldIssues(error), message: error.message };
  return { fields: {}, message: error instanceof Error ? error.message : 'the request failed' };
}
