import { z } from 'zod';

import type { FieldIssue } from './common.contract.js';

/**
 * Flattens a zod error into the `details` of a 400 answer: one `{ path, message }` per bad field, the path
 * written as `events[3].auditId`. An unknown field gets its own entry whose path names that field.
 */
export function formatZodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: z.core.toDotPath([...issue.path, key]), message: 'unknown field' }));
    }
    return [{ path: z.core.toDotPath(issue.path), message: issue.message }];
  });
}
