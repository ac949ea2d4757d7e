// Formatting that must match upstream policy/helpers.go and Go's fmt byte for byte.

/** `"a", "b"`: items wrapped in double quotes, not escaped (upstream joinQuote). */
export function joinQuote(items: readonly string[]): string {
  if (items.length === 1) return `"${items[0]}"`;
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** `container "a"` or `containers "a", "b"`. */
export function containerNames(names: readonly string[]): string {
  return `${names.length === 1 ? 'container' : 'containers'} ${joinQuote(names)}`;
}

/**
 * Go compares strings bytewise on UTF-8, which is code point order. JavaScript's `<` compares UTF-16
 * units, which differs only once a surrogate pair is involved; fall back to code points then.
 */
export function compareGo(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 || y >= 0xd800) {
        const cx = a.codePointAt(i) ?? x;
        const cy = b.codePointAt(i) ?? y;
        // A surrogate (a code point above U+FFFF) sorts after U+E000..U+FFFF in UTF-8.
        return cx < cy ? -1 : 1;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length - b.length;
}

/** Go `sets.NewString(...).List()`: distinct values, sorted bytewise. */
export function sortedSet(values: readonly string[]): string[] {
  if (values.length < 2) return values.slice();
  return [...new Set(values)].sort(compareGo);
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go `%q` / strconv.Quote, as used for `key="value"` annotation strings. */
export function goQuote(value: string): string {
  let out = '"';
  for (const char of value) {
    let codePoint = char.codePointAt(0) ?? 0;
    // encoding/json turns a lone surrogate into U+FFFD before PSA ever sees it.
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) codePoint = 0xfffd;
    const ch = String.fromCodePoint(codePoint);
    if (ch === '"' || ch === '\\') {
      out += `\\${ch}`;
    } else if (codePoint >= 0x20 && codePoint < 0x7f) {
      out += ch;
    } else if (PRINTABLE.test(ch)) {
      out += ch;
    } else {
      out += escapeNonPrintable(codePoint);
    }
  }
  return `${out}"`;
}

function escapeNonPrintable(codePoint: number): string {
  switch (codePoint) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
  }
  if (codePoint < 0x20 || codePoint === 0x7f) return `\\x${codePoint.toString(16).padStart(2, '0')}`;
  if (codePoint < 0x10000) return `\\u${codePoint.toString(16).padStart(4, '0')}`;
  return `\\U${codePoint.toString(16).padStart(8, '0')}`;
}
