import { describe, expect, it } from '@jest/globals';

import { goQuote } from '../src/index.js';

const sut = goQuote;

// Expectations follow Go's strconv.Quote: `"` and `\` are backslashed; runes that unicode.IsPrint accepts
// (letters, marks, numbers, punctuation, symbols, ASCII space) are kept; \a \b \f \n \r \t \v have short
// escapes; other runes below U+0020 and U+007F become \xHH, the rest \uHHHH or \UHHHHHHHH, in lower case.
describe('goQuote', () => {
  it.each([
    ['empty', '', '""'],
    ['plain ASCII', 'runtime/default', '"runtime/default"'],
    ['single quote, left alone', "it's", `"it's"`],
    ['double quote', 'say "hi"', String.raw`"say \"hi\""`],
    ['backslash', 'C:\\profiles', String.raw`"C:\\profiles"`],
    ['short escapes', '\u0007\b\f\n\r\t\v', String.raw`"\a\b\f\n\r\t\v"`],
    ['NUL', '\u0000', String.raw`"\x00"`],
    ['escape character', '\u001b[0m', String.raw`"\x1b[0m"`],
    ['DEL', '\u007f', String.raw`"\x7f"`],
    ['C1 control (NEL)', '\u0085', String.raw`"\u0085"`],
    ['Latin letter with accent', 'café', '"café"'],
    ['combining mark', 'e\u0301', '"e\u0301"'],
    ['CJK', '日本語', '"日本語"'],
    ['emoji outside the BMP', '😀', '"😀"'],
    ['replacement character', '\ufffd', '"\ufffd"'],
    ['ASCII space', 'a b', '"a b"'],
    ['no-break space', '\u00a0', String.raw`"\u00a0"`],
    ['ideographic space', '\u3000', String.raw`"\u3000"`],
    ['soft hyphen (format)', '\u00ad', String.raw`"\u00ad"`],
    ['zero-width space (format)', '\u200b', String.raw`"\u200b"`],
    ['byte order mark', '\ufeff', String.raw`"\ufeff"`],
    ['line separator', '\u2028', String.raw`"\u2028"`],
    ['private use', '\ue000', String.raw`"\ue000"`],
    ['unassigned', '\u0378', String.raw`"\u0378"`],
    ['format character outside the BMP', '\u{e0001}', String.raw`"\U000e0001"`],
    ['private use outside the BMP', '\u{f0000}', String.raw`"\U000f0000"`],
    ['highest code point', '\u{10ffff}', String.raw`"\U0010ffff"`],
    ['mixed', 'a\tb"c\\d\u0001é', String.raw`"a\tb\"c\\d\x01é"`],
  ])('%s', (_name, value, quoted) => {
    expect(sut(value)).toBe(quoted);
  });

  it('prints a lone surrogate as U+FFFD, which is what decoding the pod JSON in Go yields', () => {
    expect(sut('a\ud800b')).toBe('"a\ufffdb"');
  });
});
