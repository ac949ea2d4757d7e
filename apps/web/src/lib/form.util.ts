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

/** A form's fields read and checked: the body to send, or the errors to show by form field id. */
export type CheckedForm<T> = { data: T } | { fields: Record<string, string> };

/**
 * A zod result as a CheckedForm; `rename` maps the contract's field paths to the form's own field ids
 * (a form names its inputs apart from the body's keys where two sections share a page).
 */
export function checkedForm<T>(
  parsed: { success: true; data: T } | { success: false; error: z.ZodError },
  rename: (errors: Record<string, string>) => Record<string, string> = (errors) => errors,
): CheckedForm<T> {
  return parsed.success ? { data: parsed.data } : { fields: rename(zodFieldErrors(parsed.error)) };
}
