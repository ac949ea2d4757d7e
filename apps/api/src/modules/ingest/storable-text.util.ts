import { unstorableTextReason as unstorable } from '@ratchet/contracts';
import type { FieldIssue } from '@ratchet/contracts';
import { z } from 'zod';

const MAX_ISSUES = 20;

// JSON.stringify writes NUL (like every control character) and lone surrogates as \u escapes, and nothing else
// it writes contains `\u0` or `\ud`: a body whose JSON has neither holds no unstorable text.
function mayHoldUnstorableText(json: string): boolean {
  return json.includes('\\u0') || json.includes('\\ud');
}

/**
 * The strings (values and object keys) of a parsed body that Postgres could not store, with their paths as
 * `events[3].user.username`. JSON allows `\u0000` and lone surrogates; text and jsonb columns do not, and such a
 * value must be a 400 naming the field, not a failed insert. `json`, the body as JSON.stringify wrote it, lets a
 * clean body skip the walk.
 */
export function unstorableText(body: unknown, prefix: string, json?: string): FieldIssue[] {
  if (json !== undefined && !mayHoldUnstorableText(json)) return [];
  const issues: FieldIssue[] = [];
  const path: PropertyKey[] = [prefix];
  const report = (message: string) => issues.push({ path: z.core.toDotPath(path), message });
  const visit = (value: unknown): void => {
    if (issues.length >= MAX_ISSUES) return;
    if (typeof value === 'string') {
      const problem = unstorable(value);
      if (problem) report(problem);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        path.push(index);
        visit(item);
        path.pop();
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        path.push(key);
        const problem = unstorable(key);
        if (problem) report(`key ${problem}`);
        visit(item);
        path.pop();
      }
    }
  };
  visit(body);
  return issues;
}
