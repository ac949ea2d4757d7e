import type { AuditEvent, FieldIssue } from '@ratchet/contracts';
import { PssInputError, parseAuditViolations } from '@ratchet/pss';
import type { ParsedViolations } from '@ratchet/pss';

// One workload failing the same checks produces the same annotation on every request, so a batch repeats a
// few texts many times. Parsing is pure: remember recent results (errors too) and start over when full.
const CACHE_LIMIT = 5000;
const parsedTexts = new Map<string, ParsedViolations | PssInputError>();

function parseCached(text: string): ParsedViolations | PssInputError {
  let parsed = parsedTexts.get(text);
  if (parsed === undefined) {
    try {
      parsed = parseAuditViolations(text);
    } catch (error) {
      if (!(error instanceof PssInputError)) throw error;
      parsed = error;
    }
    if (parsedTexts.size >= CACHE_LIMIT) parsedTexts.clear();
    parsedTexts.set(text, parsed);
  }
  return parsed;
}

// What the agent sent that the annotation does not say, or undefined when they agree.
function difference(sent: AuditEvent['violations'], parsed: ParsedViolations): string | undefined {
  if (sent.level !== parsed.level || sent.version !== parsed.version) {
    return `violations say ${sent.level}:${sent.version}, the annotation says ${parsed.level}:${parsed.version}`;
  }
  if (sent.checks.length !== parsed.checks.length) {
    return `violations list ${sent.checks.length} checks, the annotation ${parsed.checks.length}`;
  }
  for (const [index, check] of sent.checks.entries()) {
    const expected = parsed.checks[index]!;
    if (check.reason !== expected.reason || check.detail !== expected.detail || (check.id ?? null) !== expected.id) {
      return `check ${index} differs from the annotation's (${expected.id ?? 'unknown'}: ${JSON.stringify(expected.reason)})`;
    }
  }
  return undefined;
}

/**
 * Re-reads each event's `audit-violations` annotation with the evaluator's parser and checks that the agent's
 * parsed `violations` say the same: the annotation is the fact, the parse is only a convenience. One issue per
 * disagreeing event, with its path under `body.events`.
 */
export function auditViolationIssues(events: readonly AuditEvent[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  events.forEach((event, index) => {
    const parsed = parseCached(event.annotations.auditViolations);
    if (parsed instanceof PssInputError) {
      issues.push({ path: `body.events[${index}].annotations.auditViolations`, message: parsed.message });
      return;
    }
    const problem = difference(event.violations, parsed);
    if (problem) issues.push({ path: `body.events[${index}].violations`, message: `does not match annotations.auditViolations: ${problem}` });
  });
  return issues;
}
