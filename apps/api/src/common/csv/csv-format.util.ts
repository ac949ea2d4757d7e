// No CSV library is installed (csv-stringify is not a dependency of the workspace) and writing RFC 4180 takes
// a dozen lines, so it is done here rather than adding a package for it.

/** A CSV cell before formatting: absent values are empty cells. */
export type CsvValue = string | number | null | undefined;

// A spreadsheet evaluates a cell starting with one of these as a formula (CSV injection, OWASP); a leading
// apostrophe makes it text. Applied to every field, numbers included: a count or time never starts with one.
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);
const NEEDS_QUOTES = /[",\r\n]/;

/** One field: neutralised if a spreadsheet would run it, quoted (quotes doubled) if it holds `"`, `,`, CR or LF. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (text.length > 0 && FORMULA_TRIGGERS.has(text[0]!)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated as RFC 4180 has it. */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
