import type { Level } from '../api/level.js';
import { PssInputError } from '../api/level.js';
import { effectiveMinor, parseVersion } from '../api/version.js';
import type { CheckId } from '../policy/check.types.js';
import { policyString } from '../policy/evaluate.js';
import { DEFAULT_CHECK_TABLE } from '../policy/registry.js';
import type { DetailFormat } from './check-message-formats.constant.js';
import { CHECK_MESSAGE_FORMATS, UNKNOWN_FORBIDDEN_REASON } from './check-message-formats.constant.js';

/** One failing check read back from a Pod Security message. */
export interface ParsedViolation {
  /** `null` only for `unknown forbidden reason`, which upstream prints for a check that gave no reason. */
  id: CheckId | null;
  reason: string;
  /** `''` when upstream printed the reason without parentheses. */
  detail: string;
}

/** A Pod Security violation message taken apart: the policy it was evaluated at and the failing checks in order. */
export interface ParsedViolations {
  level: Exclude<Level, 'privileged'>;
  /** As printed: `latest` or `v1.N`, unclamped. */
  version: string;
  checks: ParsedViolation[];
}

/** One reason as it can appear at one level and version. */
interface ReasonEntry {
  reason: string;
  id: CheckId | null;
  /** Position in upstream's result order; checks must appear in increasing order. */
  order: number;
  format: DetailFormat;
  acceptsEmptyDetail: boolean;
}

/** The reasons one level prints at one (clamped) version. */
interface Grammar {
  /** Longest first, so that `forbidden AppArmor profiles` is tried before its singular. */
  entries: readonly ReasonEntry[];
  unknown: ReasonEntry;
}

interface Failure {
  offset: number;
  message: string;
}

const WOULD_VIOLATE = 'would violate PodSecurity "';
const WARNING = 'Warning: ';
const FORBIDDEN_PODS = 'pods ';
const FORBIDDEN_TAIL = 'is forbidden: violates PodSecurity "';
const AUDIT_TEMPLATE = `'would violate PodSecurity "<level>:<version>": '`;
const DENIAL_TEMPLATE = `'pods "<name>" is forbidden: violates PodSecurity "<level>:<version>": '`;
const GO_QUOTED_PREFIX = /"(?:[^"\\]|\\[\s\S])*" /y;
const ITEM_SEPARATOR = ', ';

const ALL_REASONS: ReadonlyMap<string, readonly CheckId[]> = (() => {
  const byReason = new Map<string, CheckId[]>();
  for (const [id, format] of Object.entries(CHECK_MESSAGE_FORMATS) as [CheckId, (typeof CHECK_MESSAGE_FORMATS)[CheckId]][]) {
    for (const reason of format.reasons) byReason.set(reason, [...(byReason.get(reason) ?? []), id]);
  }
  return byReason;
})();

const UNKNOWN_FORMAT: DetailFormat = { minVersion: 0, pattern: /^/, expected: 'any text' };
const grammars = new Map<string, Grammar>();

function detailFormatAt(id: CheckId, minor: number): DetailFormat {
  let active: DetailFormat | undefined;
  for (const format of CHECK_MESSAGE_FORMATS[id].details) {
    if (format.minVersion <= minor) active = format;
  }
  if (!active) throw new Error(`no detail format for ${id} at v1.${minor}`);
  return active;
}

function grammarFor(level: Exclude<Level, 'privileged'>, version: string): Grammar {
  const minor = effectiveMinor(parseVersion(version));
  const key = `${level}:${minor}`;
  const cached = grammars.get(key);
  if (cached) return cached;

  const entries: ReasonEntry[] = [];
  DEFAULT_CHECK_TABLE[level][minor]!.forEach(({ id }, order) => {
    const format = detailFormatAt(id, minor);
    const acceptsEmptyDetail = format.pattern.test('');
    for (const reason of CHECK_MESSAGE_FORMATS[id].reasons) {
      // Overrides guarantee one check per reason at a level and version; a clash would make ids guesswork.
      const clash = entries.find((entry) => entry.reason === reason);
      if (clash) throw new Error(`reason "${reason}" is printed by both ${clash.id} and ${id} at ${key}`);
      entries.push({ reason, id, order, format, acceptsEmptyDetail });
    }
  });
  entries.sort((a, b) => b.reason.length - a.reason.length);
  const unknown: ReasonEntry = { reason: UNKNOWN_FORBIDDEN_REASON, id: null, order: -1, format: UNKNOWN_FORMAT, acceptsEmptyDetail: true };
  const grammar = { entries, unknown };
  grammars.set(key, grammar);
  return grammar;
}

function found(text: string, offset: number): string {
  if (offset >= text.length) return 'found the end of the text';
  const shown = text.slice(offset, offset + 40);
  return `found ${JSON.stringify(shown)}${offset + 40 < text.length ? '…' : ''}`;
}

function notAViolation(text: string, offset: number, expected: string): PssInputError {
  return new PssInputError(`not a Pod Security violation: expected ${expected} at offset ${offset}, ${found(text, offset)}`);
}

function prefixMismatch(text: string, offset: number, template: string): PssInputError {
  return new PssInputError(`not a Pod Security violation: expected ${template}, which differs at offset ${offset}: ${found(text, offset)}`);
}

function mismatchAt(text: string, offset: number, literal: string): number | undefined {
  for (let i = 0; i < literal.length; i++) {
    if (text[offset + i] !== literal[i]) return offset + i;
  }
  return undefined;
}

/** Where the quoted `<level>:<version>` starts, past whichever of the three message prefixes the text has. */
function policyStart(text: string): number {
  if (text.startsWith(FORBIDDEN_PODS)) {
    let offset = FORBIDDEN_PODS.length;
    // apierrors.NewForbidden quotes the name with %q, and leaves it out when the pod has none yet.
    GO_QUOTED_PREFIX.lastIndex = offset;
    if (GO_QUOTED_PREFIX.test(text)) offset = GO_QUOTED_PREFIX.lastIndex;
    const mismatch = mismatchAt(text, offset, FORBIDDEN_TAIL);
    if (mismatch !== undefined) throw prefixMismatch(text, mismatch, DENIAL_TEMPLATE);
    return offset + FORBIDDEN_TAIL.length;
  }
  const offset = text.startsWith(WARNING) ? WARNING.length : 0;
  const mismatch = mismatchAt(text, offset, WOULD_VIOLATE);
  if (mismatch === undefined) return offset + WOULD_VIOLATE.length;
  if (mismatch === offset) {
    throw notAViolation(text, offset, `${AUDIT_TEMPLATE}, optionally after 'Warning: ', or ${DENIAL_TEMPLATE}`);
  }
  throw prefixMismatch(text, mismatch, AUDIT_TEMPLATE);
}

function parsePolicy(text: string, start: number): { level: Exclude<Level, 'privileged'>; version: string; end: number } {
  const close = text.indexOf('"', start);
  if (close < 0) throw notAViolation(text, text.length, `'"' closing the policy opened at offset ${start - 1}`);
  const policy = text.slice(start, close);
  const colon = policy.indexOf(':');
  if (colon < 0) throw notAViolation(text, start, `"<level>:<version>"`);
  const level = policy.slice(0, colon);
  if (level === 'privileged') {
    throw new PssInputError(
      `not a Pod Security violation: level "privileged" at offset ${start} runs no checks and never reports violations; expected baseline or restricted`,
    );
  }
  if (level !== 'baseline' && level !== 'restricted') {
    throw new PssInputError(`not a Pod Security violation: invalid level ${JSON.stringify(level)} at offset ${start}; expected baseline or restricted`);
  }
  const version = policy.slice(colon + 1);
  try {
    parseVersion(version);
  } catch (error) {
    if (!(error instanceof PssInputError)) throw error;
    throw new PssInputError(`not a Pod Security violation: ${error.message} (at offset ${start + colon + 1})`);
  }
  const mismatch = mismatchAt(text, close, '": ');
  if (mismatch !== undefined) throw notAViolation(text, mismatch, `'": ' after the policy`);
  return { level, version, end: close + 3 };
}

/**
 * Backtracking reader of upstream's ForbiddenDetail: `reason (detail)` items joined with ", ", where a
 * detail may itself contain ", ", parentheses and anything else a user put in a name.
 */
class ViolationListReader {
  private readonly closeParens: number[] = [];
  private readonly deadEnds = new Set<number>();
  private failure: Failure = { offset: -1, message: '' };

  constructor(
    private readonly text: string,
    private readonly policy: string,
    private readonly grammar: Grammar,
  ) {
    for (let i = text.indexOf(')'); i >= 0; i = text.indexOf(')', i + 1)) this.closeParens.push(i);
  }

  read(start: number): ParsedViolation[] {
    // `unknown forbidden reason` takes any detail anywhere, so it is only a last resort.
    const checks = this.items(start, -1, false) ?? this.items(start, -1, true);
    if (checks) return checks;
    throw new PssInputError(`malformed Pod Security violations for "${this.policy}": ${this.failure.message}`);
  }

  private fail(offset: number, message: string): void {
    if (offset > this.failure.offset) this.failure = { offset, message };
  }

  /** The items from `offset` to the end, each after check number `after`, or undefined if there is no way. */
  private items(offset: number, after: number, allowUnknown: boolean): ParsedViolation[] | undefined {
    const key = (offset * 32 + after + 1) * 2 + (allowUnknown ? 1 : 0);
    if (this.deadEnds.has(key)) return undefined;
    const result = this.itemsUncached(offset, after, allowUnknown);
    if (!result) this.deadEnds.add(key);
    return result;
  }

  private itemsUncached(offset: number, after: number, allowUnknown: boolean): ParsedViolation[] | undefined {
    const { text, grammar } = this;
    let matched: ReasonEntry | undefined;
    for (const entry of grammar.entries) {
      if (!text.startsWith(entry.reason, offset)) continue;
      matched ??= entry;
      if (entry.order <= after) {
        this.fail(offset, this.outOfOrder(entry, offset, after));
        continue;
      }
      const parsed = this.item(entry, offset, entry.order, allowUnknown);
      if (parsed) return parsed;
    }
    if (text.startsWith(UNKNOWN_FORBIDDEN_REASON, offset)) {
      matched ??= grammar.unknown;
      if (allowUnknown) {
        const parsed = this.item(grammar.unknown, offset, after, allowUnknown);
        if (parsed) return parsed;
      }
    }
    if (!matched) this.fail(offset, this.unknownReason(offset));
    return undefined;
  }

  /** One item whose reason starts at `offset`, then the rest of the list. */
  private item(entry: ReasonEntry, offset: number, order: number, allowUnknown: boolean): ParsedViolation[] | undefined {
    const { text } = this;
    const { reason, id, format } = entry;
    const afterReason = offset + reason.length;
    if (afterReason === text.length || text.startsWith(ITEM_SEPARATOR, afterReason)) {
      if (!entry.acceptsEmptyDetail) {
        this.fail(afterReason, `expected " (" and the detail of "${reason}" at offset ${afterReason}, ${found(text, afterReason)}`);
        return undefined;
      }
      return this.rest({ id, reason, detail: '' }, afterReason, order, allowUnknown);
    }
    if (!text.startsWith(' (', afterReason)) {
      this.fail(afterReason, `expected " (", ", " or the end of the text after "${reason}" at offset ${afterReason}, ${found(text, afterReason)}`);
      return undefined;
    }

    const detailStart = afterReason + 2;
    const lastParen = this.closeParens[this.closeParens.length - 1] ?? -1;
    if (lastParen < detailStart) {
      this.fail(text.length, `the detail of "${reason}" opened at offset ${afterReason + 1} is unterminated: expected ")" before the end of the text`);
      return undefined;
    }
    // Shortest detail first: a user string that contains `), ` and a later check's full item is the only
    // way two readings can both fit, and real Kubernetes names never contain `), `.
    for (const close of this.closeParens) {
      if (close < detailStart) continue;
      if (close === detailStart) {
        this.fail(detailStart, `empty detail for "${reason}" at offset ${detailStart}: upstream leaves the parentheses out when there is no detail`);
        continue;
      }
      const next = close + 1;
      if (next !== text.length && !text.startsWith(ITEM_SEPARATOR, next)) {
        if (close === lastParen) {
          this.fail(next, `expected ", " and another reason, or the end of the text, after the detail of "${reason}" at offset ${next}, ${found(text, next)}`);
        }
        continue;
      }
      const detail = text.slice(detailStart, close);
      if (!format.pattern.test(detail)) {
        this.fail(detailStart, `the detail of "${reason}" at offset ${detailStart} is not in upstream's format: expected ${format.expected}`);
        continue;
      }
      const parsed = this.rest({ id, reason, detail }, next, order, allowUnknown);
      if (parsed) return parsed;
    }
    return undefined;
  }

  private rest(check: ParsedViolation, offset: number, order: number, allowUnknown: boolean): ParsedViolation[] | undefined {
    if (offset === this.text.length) return [check];
    const rest = this.items(offset + ITEM_SEPARATOR.length, order, allowUnknown);
    return rest ? [check, ...rest] : undefined;
  }

  private outOfOrder(entry: ReasonEntry, offset: number, after: number): string {
    const previous = this.grammar.entries.find((e) => e.order === after);
    const where = `reason "${entry.reason}" at offset ${offset}`;
    if (previous?.id === entry.id) return `${where} repeats a check: upstream reports each failing check once`;
    return `${where} cannot follow "${previous?.reason ?? ''}": upstream reports ${entry.id ?? ''} before ${previous?.id ?? ''}`;
  }

  private unknownReason(offset: number): string {
    const { text, grammar } = this;
    for (const [reason, ids] of ALL_REASONS) {
      if (text.startsWith(reason, offset) && !grammar.entries.some((e) => e.reason === reason)) {
        return `reason "${reason}" at offset ${offset} (${ids.join(' or ')}) is not checked at "${this.policy}"`;
      }
    }
    const known = [...new Set(grammar.entries.map((e) => e.reason))].sort();
    return `expected a Pod Security reason at offset ${offset} (one of ${known.map((r) => `"${r}"`).join(', ')}), ${found(text, offset)}`;
  }
}

/**
 * Reads the value of a `pod-security.kubernetes.io/audit-violations` annotation (or its webhook twin) back
 * into the policy and the failing checks, in upstream's order with upstream's ids. Also accepts the same
 * text as a kubectl warning (`Warning: would violate PodSecurity …`) and the enforce denial
 * (`pods "<name>" is forbidden: violates PodSecurity …`).
 *
 * Details are arbitrary user text, so the list is not split on commas: each reason must be one the check
 * set at that level and version prints, in result order, and each detail must have its check's shape.
 * Where a user string makes two readings fit, the one with the shorter earlier details wins, and
 * `unknown forbidden reason` is read only when nothing else fits.
 *
 * @throws PssInputError naming what was expected and at which character offset.
 */
export function parseAuditViolations(annotationValue: string): ParsedViolations {
  const { level, version, end } = parsePolicy(annotationValue, policyStart(annotationValue));
  const policy = policyString(level, version);
  if (end === annotationValue.length) {
    throw new PssInputError(`malformed Pod Security violations for "${policy}": expected at least one reason at offset ${end}, found the end of the text`);
  }
  return { level, version, checks: new ViolationListReader(annotationValue, policy, grammarFor(level, version)).read(end) };
}

/** The audit annotation text for parsed violations: the inverse of parseAuditViolations. */
export function formatAuditViolations(parsed: ParsedViolations): string {
  const items = parsed.checks.map(({ reason, detail }) => {
    const shown = reason === '' ? UNKNOWN_FORBIDDEN_REASON : reason;
    return detail === '' ? shown : `${shown} (${detail})`;
  });
  return `would violate PodSecurity "${policyString(parsed.level, parsed.version)}": ${items.join(ITEM_SEPARATOR)}`;
}
