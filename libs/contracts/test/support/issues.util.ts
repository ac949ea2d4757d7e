import type { z } from 'zod';

import type { FieldIssue } from '../../src/index.js';
import { formatZodIssues } from '../../src/index.js';

/** The issues a schema reports for an input, as the API would put them in a 400's `details`; [] if it parses. */
export function issuesOf(schema: z.ZodType, input: unknown): FieldIssue[] {
  const result = schema.safeParse(input);
  return result.success ? [] : formatZodIssues(result.error);
}

/** The paths of those issues. */
export function issuePaths(schema: z.ZodType, input: unknown): string[] {
  return issuesOf(schema, input).map((issue) => issue.path);
}
