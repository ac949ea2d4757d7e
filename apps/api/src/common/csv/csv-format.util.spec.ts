import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

import { csvField, csvLine } from './csv-format.util.js';

// The reading side of RFC 4180 for one record, to check that any field survives the round trip.
function parseRecord(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted && char === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (char === '"' && (quoted || field === '')) {
      quoted = !quoted;
    } else if (!quoted && char === ',') {
      fields.push(field);
      field = '';
    } else if (!quoted && char === '\r' && line[i + 1] === '\n' && i + 2 === line.length) {
      break;
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\ronly', '"cr\ronly"'],
    ['', ''],
  ])('quotes %j as %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it.each([
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
  ])('defuses a formula: %j becomes %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('leaves formula characters alone after the first position', () => {
    expect(csvField('a=b+c-d@e')).toBe('a=b+c-d@e');
  });

  it('writes numbers as they are and absent values as empty fields', () => {
    expect(csvField(42)).toBe('42');
    expect(csvField(0)).toBe('0');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
  });
});

describe('csvLine', () => {
  it('joins fields with commas and ends the record with CRLF', () => {
    expect(csvLine(['a', 'b,c', null, 3])).toBe('a,"b,c",,3\r\n');
  });

  it('round-trips any text, with a leading apostrophe exactly when a spreadsheet would run it', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 5 }), (values) => {
        const expected = values.map((value) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value));
        expect(parseRecord(csvLine(values))).toEqual(expected);
      }),
    );
  });
});
