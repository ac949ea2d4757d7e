import type { Level } from '../api/level.js';
import { PssInputError } from '../api/level.js';
import { effectiveMinor, parseVersion } from '../api/version.js';
import type { CheckId } from '../policy/check.types.js';
import { policyString } from '../policy/evaluate.js';
import { CHECK_IDS, DEFAULT_CHECK_TABLE } from '../policy/registry.js';
import type { DetailFormat } from './check-message-formats.constant.js';
import { CHECK_MESSAGE_FORMATS, UNKNOWN_FORBIDDEN_REASON } from './check-message-formats.constant.js';

/** One failing check read back from a Pod Security message. */
export interface ParsedViolation {
  /**
   * Absent for a reason this parser does not know: a check a newer kube-apiserver added, or
   * `unknown forbidden reason`, which upstream prints for a check that gave no reason.
   */
  id?: CheckId;
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
  id: CheckId;
  /** Position in upstream's result order (CHECK_IDS); checks must appear in increasing order. */
  order: number;
  format: DetailFormat;
  acceptsEmptyDetail: boolean;
  /**
   * A check the newest apiserver does not print at this level and version but an older one does: the
   * baseline checks a restricted check overrides, which 1.22/1.23 (no overrides yet) print beside it, and
   * procMount, which 1.31-1.34 (no procMount_restricted yet) print among the baseline checks.
   */
  legacy: boolean;
}

/** The reasons one level prints at one (clamped) version, by any kube-apiserver release from 1.22 on. */
interface Grammar {
  /** Longest first, so that `forbidden AppArmor profiles` is tried before its singular; then current before legacy. */
  entries: readonly ReasonEntry[];
}

/** What reading an item needs: a known check's entry, or an unknown reason's text with no id. */
interface ItemShape {
  reason: string;
  id?: CheckId;
  format: DetailFormat;
  acceptsEmptyDetail: boolean;
}

const UNKNOWN_FORMAT: DetailFormat = { minVersion: 0, pattern: /^/, expected: 'any text' };

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

const grammars = new Map<string, Grammar>();
const CHECK_ORDER: ReadonlyMap<CheckId, number> = new Map(CHECK_IDS.map((id, order) => [id, order]));

function detailFormatAt(id: CheckId, minor: number): DetailFormat {
  let active: DetailFormat | undefined;
  for (const format of CHECK_MESSAGE_FORMATS[id].details) {
    if (format.minVersion <= minor) active = format;
  }
  if (!active) throw new Error(`no detail format for ${id} at v1.${minor}`);
  return active;
}

// The text depends on the kube-apiserver's release, not only on the namespace's policy version: an older
// apiserver runs the checks it has, at the policy version clamped to its own newest. The check versions
// the policy version selects are the same on every release from 1.22 on (every version split of a
// detail format is at or below v1.19); what differs by release is wording (see CHECK_MESSAGE_FORMATS) and
// which checks a restricted evaluation runs (`legacy` above).
function grammarFor(level: Exclude<Level, 'privileged'>, version: string): Grammar {
  const minor = effectiveMinor(parseVersion(version));
  const key = `${level}:${minor}`;
  const cached = grammars.get(key);
  if (cached) return cached;

  const current = DEFAULT_CHECK_TABLE[level][minor]!.map(({ id }) => id);
  const legacy = level === 'restricted' ? DEFAULT_CHECK_TABLE.baseline[minor]!.map(({ id }) => id).filter((id) => !current.includes(id)) : [];
  const entries: ReasonEntry[] = [];
  for (const id of [...current, ...legacy]) {
    const format = detailFormatAt(id, minor);
    const acceptsEmptyDetail = format.pattern.test('');
    for (const reason of CHECK_MESSAGE_FORMATS[id].reasons) {
      entries.push({ reason, id, order: CHECK_ORDER.get(id)!, format, acceptsEmptyDetail, legacy: legacy.includes(id) });
    }
  }
  // Stable sort: within one reason, the current check is tried before a legacy one.
  entries.sort((a, b) => b.reason.length - a.reason.length || Number(a.legacy) - Number(b.legacy));
  const grammar = { entries };
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

/** Every reason some check prints at some level and version, and upstream's placeholder for none. */
const KNOWN_REASONS: readonly string[] = [...ALL_REASONS.keys(), UNKNOWN_FORBIDDEN_REASON];

// A reason this parser does not know runs up to its detail or the next item, and holds no parenthesis or
// quote: upstream's reasons are short fixed phrases.
const UNKNOWN_REASON_CHARACTERS = /^[^()"]+$/;

/**
 * Backtracking reader of upstream's ForbiddenDetail: `reason (detail)` items joined with ", ", where a
 * detail may itself contain ", ", parentheses and anything else a user put in a name.
 *
 * Two rules keep a known check from disappearing into its neighbour: a detail is read as short as the rest
 * allows, and it never extends past a `), ` that a known reason follows. A user string that spells out
 * `), <reason> (` (a capability or an SELinux type can; no name can) makes the message unreadable rather
 * than risk reading a check into another's detail: upstream's wording may change again (as AppArmor's did
 * in 1.30), and a detail the parser cannot read must fail, never hide a check. A reason the parser does not
 * know is read as a check without an id, wherever it stands, rather than failing the message or joining
 * the previous detail.
 */
class ViolationListReader {
  private readonly closeParens: number[] = [];
  private readonly deadEnds = new Set<number>();
  private readonly knownReasonAt = new Map<number, boolean>();
  private failure: Failure = { offset: -1, message: '' };

  constructor(
    private readonly text: string,
    private readonly policy: string,
    private readonly grammar: Grammar,
  ) {
    for (let i = text.indexOf(')'); i >= 0; i = text.indexOf(')', i + 1)) this.closeParens.push(i);
  }

  read(start: number): ParsedViolation[] {
    const checks = this.items(start, -1);
    if (checks) return checks;
    throw new PssInputError(`malformed Pod Security violations for "${this.policy}": ${this.failure.message}`);
  }

  private fail(offset: number, message: string): void {
    if (offset > this.failure.offset) this.failure = { offset, message };
  }

  /** Whether `reason` at `offset` is a whole reason: followed by its detail, the next item or the end. */
  private reasonEndsAt(offset: number): boolean {
    const { text } = this;
    return offset === text.length || text.startsWith(' (', offset) || text.startsWith(ITEM_SEPARATOR, offset);
  }

  /** The items from `offset` to the end, the first after check number `after`, or undefined if there is no way. */
  private items(offset: number, after: number): ParsedViolation[] | undefined {
    const key = offset * 32 + after + 1;
    if (this.deadEnds.has(key)) return undefined;
    const result = this.itemsUncached(offset, after);
    if (!result) this.deadEnds.add(key);
    return result;
  }

  private itemsUncached(offset: number, after: number): ParsedViolation[] | undefined {
    const { text, grammar } = this;
    let known = false;
    for (const entry of grammar.entries) {
      if (!text.startsWith(entry.reason, offset) || !this.reasonEndsAt(offset + entry.reason.length)) continue;
      known = true;
      if (entry.order <= after) {
        this.fail(offset, this.outOfOrder(entry, offset, after));
        continue;
      }
      const parsed = this.item(entry, offset, entry.order);
      if (parsed) return parsed;
    }
    if (known) return undefined;
    const elsewhere = this.reasonCheckedElsewhere(offset);
    if (elsewhere) {
      this.fail(offset, elsewhere);
      return undefined;
    }
    return this.unknownItem(offset, after);
  }

  /** An item whose reason the parser does not know: kept, without an id, and without moving the order on. */
  private unknownItem(offset: number, after: number): ParsedViolation[] | undefined {
    const { text } = this;
    let end = text.length;
    const paren = text.indexOf(' (', offset);
    if (paren >= 0) end = paren;
    const separator = text.indexOf(ITEM_SEPARATOR, offset);
    if (separator >= 0 && separator < end) end = separator;
    const reason = text.slice(offset, end);
    if (!UNKNOWN_REASON_CHARACTERS.test(reason)) {
      this.fail(offset, this.expectedReason(offset));
      return undefined;
    }
    return this.item({ reason, format: UNKNOWN_FORMAT, acceptsEmptyDetail: true }, offset, after);
  }

  /** One item whose reason starts at `offset`, then the rest of the list. */
  private item(entry: ItemShape, offset: number, order: number): ParsedViolation[] | undefined {
    const { text } = this;
    const { reason, format } = entry;
    const check = (detail: string): ParsedViolation => (entry.id === undefined ? { reason, detail } : { id: entry.id, reason, detail });
    const afterReason = offset + reason.length;
    if (afterReason === text.length || text.startsWith(ITEM_SEPARATOR, afterReason)) {
      if (!entry.acceptsEmptyDetail) {
        this.fail(afterReason, `expected " (" and the detail of "${reason}" at offset ${afterReason}, ${found(text, afterReason)}`);
        return undefined;
      }
      return this.rest(check(''), afterReason, order);
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
      if (format.pattern.test(detail)) {
        const parsed = this.rest(check(detail), next, order);
        if (parsed) return parsed;
      } else {
        this.fail(detailStart, `the detail of "${reason}" at offset ${detailStart} is not in upstream's format: expected ${format.expected}`);
      }
      // Reading further would fold a check the parser knows into this detail.
      if (next !== text.length && this.foldsKnownItem(next + ITEM_SEPARATOR.length)) return undefined;
    }
    return undefined;
  }

  private rest(check: ParsedViolation, offset: number, order: number): ParsedViolation[] | undefined {
    if (offset === this.text.length) return [check];
    const rest = this.items(offset + ITEM_SEPARATOR.length, order);
    return rest ? [check, ...rest] : undefined;
  }

  /** Whether a reason some check prints starts at `offset`, so that a detail must not run past it. */
  private foldsKnownItem(offset: number): boolean {
    let known = this.knownReasonAt.get(offset);
    if (known === undefined) {
      known = KNOWN_REASONS.some((reason) => this.text.startsWith(reason, offset) && this.reasonEndsAt(offset + reason.length));
      this.knownReasonAt.set(offset, known);
    }
    return known;
  }

  private outOfOrder(entry: ReasonEntry, offset: number, after: number): string {
    const previous = CHECK_IDS[after];
    const where = `reason "${entry.reason}" at offset ${offset}`;
    if (previous === entry.id) return `${where} repeats a check: upstream reports each failing check once`;
    return `${where} cannot follow ${previous ?? ''}: upstream reports ${entry.id} before ${previous ?? ''}`;
  }

  /** An error if a reason some other level or version prints starts at `offset`: it cannot be an unknown one. */
  private reasonCheckedElsewhere(offset: number): string | undefined {
    for (const [reason, ids] of ALL_REASONS) {
      if (this.text.startsWith(reason, offset) && this.reasonEndsAt(offset + reason.length)) {
        return `reason "${reason}" at offset ${offset} (${ids.join(' or ')}) is not checked at "${this.policy}"`;
      }
    }
    return undefined;
  }

  private expectedReason(offset: number): string {
    const known = [...new Set(this.grammar.entries.map((e) => e.reason))].sort();
    return (
      `expected a Pod Security reason at offset ${offset} (one of ${known.map((r) => `"${r}"`).join(', ')}, ` +
      `or another without parentheses or quotes), ${found(this.text, offset)}`
    );
  }
}

/**
 * Reads the value of a `pod-security.kubernetes.io/audit-violations` annotation (or its webhook twin) back
 * into the policy and the failing checks, in upstream's order with upstream's ids. Also accepts the same
 * text as a kubectl warning (`Warning: would violate PodSecurity …`) and the enforce denial
 * (`pods "<name>" is forbidden: violates PodSecurity …`).
 *
 * The text follows the kube-apiserver's release, not only the namespace's policy version, so every wording
 * from 1.22 on is read: AppArmor before 1.30, seLinuxOptions with nothing after the colon (1.22-1.25), the
 * restricted messages of 1.22/1.23 (no overrides: `hostPath volumes` beside `restricted volume types`), and
 * procMount among the baseline checks (before 1.35).
 *
 * Details are arbitrary user text, so the list is not split on commas: each known reason must be one the
 * check set at that level and version prints, in result order, and each detail must have its check's shape.
 * A detail never takes in a later known reason: a user string that spells one out makes the text unreadable. Where a user string makes two readings fit, the
 * one with the shorter earlier details wins. A reason the parser does not know (a check a newer apiserver
 * added, or `unknown forbidden reason`) is kept as a check without `id`, wherever it stands.
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
