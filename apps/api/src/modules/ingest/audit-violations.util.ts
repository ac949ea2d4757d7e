import type { AuditEvent, AuditViolationCheck, EnforceableLevel, FieldIssue } from '@ratchet/contracts';
import { PssInputError, parseAuditViolations } from '@ratchet/pss';
import type { ParsedViolations } from '@ratchet/pss';

// One workload failing the same checks produces the same annotation on every request, so a batch repeats a
// few texts many times. Parsing is pure: remember recent results (errors too) and start over when full.
const CACHE_LIMIT = 5000;
const parsedTexts = new Map<string, ParsedViolations | PssInputError>();

// A parse error is the parser's message, which quotes at most a short excerpt of the text; kept bounded anyway.
const PARSE_ERROR_MAX_LENGTH = 4096;

// The policy part every wording of the annotation carries (`would violate PodSecurity "restricted:latest": `,
// `Warning: ...`, `pods "x" is forbidden: violates PodSecurity "baseline:v1.30": `).
const POLICY_PREFIX = /PodSecurity "(baseline|restricted):(latest|v1\.(?:0|[1-9][0-9]*))"/;

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

/**
 * What the API stores of one event's `audit-violations`: its parse, or, when the annotation cannot be parsed,
 * the parser's reason with the level and version of the annotation's `"<level>:<version>"` prefix when that part
 * is readable (else null), so a readiness rule can still count it at its level.
 */
export type AuditViolationsReading =
  | { unparsed: false; level: EnforceableLevel; version: string; checks: AuditViolationCheck[] }
  | { unparsed: true; parseError: string; level: EnforceableLevel | null; version: string | null };

/** The readings of a batch's events, by index, and the issues that refuse the batch. */
export interface AuditViolationsResult {
  readings: AuditViolationsReading[];
  issues: FieldIssue[];
}

function toChecks(parsed: ParsedViolations): AuditViolationCheck[] {
  // The parser marks a reason it cannot map to a check with a null (or absent) id; the contract leaves it out.
  return parsed.checks.map(({ id, reason, detail }) => (id == null ? { reason, detail } : { id, reason, detail }));
}

function unparsedReading(text: string, error: PssInputError): AuditViolationsReading {
  const policy = POLICY_PREFIX.exec(text);
  return {
    unparsed: true,
    parseError: error.message.slice(0, PARSE_ERROR_MAX_LENGTH),
    level: (policy?.[1] as EnforceableLevel | undefined) ?? null,
    version: policy?.[2] ?? null,
  };
}

// What the agent sent that the annotation does not say, or undefined when they agree.
function difference(sent: NonNullable<AuditEvent['violations']>, parsed: ParsedViolations): string | undefined {
  if (sent.level !== parsed.level || sent.version !== parsed.version) {
    return `violations say ${sent.level}:${sent.version}, the annotation says ${parsed.level}:${parsed.version}`;
  }
  if (sent.checks.length !== parsed.checks.length) {
    return `violations list ${sent.checks.length} checks, the annotation ${parsed.checks.length}`;
  }
  for (const [index, check] of sent.checks.entries()) {
    const expected = parsed.checks[index]!;
    if (check.reason !== expected.reason || check.detail !== expected.detail || (check.id ?? null) !== (expected.id ?? null)) {
      return `check ${index} differs from the annotation's (${expected.id ?? 'unknown'}: ${JSON.stringify(expected.reason)})`;
    }
  }
  return undefined;
}

/**
 * Reads each event's `audit-violations` annotation with the evaluator's parser: the annotation is the fact, the
 * agent's `violations` only a convenience. An annotation that cannot be parsed is read as unparsed (the event is
 * kept; what cannot be read is not clean), whatever `violations` the agent sent, since the API cannot check
 * them. When the annotation parses and the agent sent `violations`, they must say the same: one issue per
 * disagreeing event, with its path under `body.events`, refuses the batch.
 */
export function readAuditViolations(events: readonly AuditEvent[]): AuditViolationsResult {
  const issues: FieldIssue[] = [];
  const readings = events.map((event, index): AuditViolationsReading => {
    const text = event.annotations.auditViolations;
    const parsed = parseCached(text);
    if (parsed instanceof PssInputError) return unparsedReading(text, parsed);
    if (event.violations !== undefined) {
      const problem = difference(event.violations, parsed);
      if (problem) issues.push({ path: `body.events[${index}].violations`, message: `does not match annotations.auditViolations: ${problem}` });
    }
    return { unparsed: false, level: parsed.level, version: parsed.version, checks: toChecks(parsed) };
  });
  return { readings, issues };
}
