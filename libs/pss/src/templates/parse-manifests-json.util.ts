// Item offsets of a JSON List without composing a document: JSON.parse builds the objects (fast, native), and
// this scanner only walks the text of text JSON.parse has already accepted, to find where each `items[]` entry
// starts. kubectl's `get -o json` exports are JSON; reading them as YAML with positions cost ~20x JSON.parse.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const STRUCTURAL = /["{}[\]]/g;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

class JsonScanner {
  pos = 0;
  readonly offsets = new Map<string, number>();

  constructor(private readonly text: string) {}

  skipSpace(): number {
    const text = this.text;
    let code = text.charCodeAt(this.pos);
    while (isSpace(code)) code = text.charCodeAt(++this.pos);
    return code;
  }

  /** At a `"`: moves past the closing quote and returns the end of the string's contents. */
  skipString(): number {
    const text = this.text;
    let end = text.indexOf('"', this.pos + 1);
    for (;;) {
      let backslashes = 0;
      while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) break;
      end = text.indexOf('"', end + 1);
    }
    this.pos = end + 1;
    return end;
  }

  /** Any value: containers by bracket depth, strings by their quotes, scalars up to the next delimiter. */
  skipValue(): void {
    const text = this.text;
    const first = text.charCodeAt(this.pos);
    if (first === QUOTE) {
      this.skipString();
      return;
    }
    if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
      let code = first;
      while (code !== COMMA && code !== CLOSE_BRACE && code !== CLOSE_BRACKET && !isSpace(code) && this.pos < text.length) {
        code = text.charCodeAt(++this.pos);
      }
      return;
    }
    // Jump from bracket or quote to the next with a compiled regular expression rather than test every
    // character in JavaScript: most of a pod is strings and indentation.
    let depth = 0;
    const structural = STRUCTURAL;
    for (;;) {
      structural.lastIndex = this.pos;
      const match = structural.exec(text)!;
      this.pos = match.index;
      const code = text.charCodeAt(this.pos);
      if (code === QUOTE) {
        this.skipString();
        continue;
      }
      this.pos++;
      if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
      else if (--depth === 0) return;
    }
  }

  /** At a `{`: reads its members, descending into an `items` array to record where each item starts. */
  object(itemPath: string): void {
    const text = this.text;
    this.pos++;
    for (let code = this.skipSpace(); code !== CLOSE_BRACE; code = this.skipSpace()) {
      if (code === COMMA) {
        this.pos++;
        continue;
      }
      const keyStart = this.pos + 1;
      const keyEnd = this.skipString();
      this.skipSpace(); // then the colon
      if (text.charCodeAt(this.pos) === COLON) this.pos++;
      const valueCode = this.skipSpace();
      if (valueCode === OPEN_BRACKET && keyEnd - keyStart === 5 && text.startsWith('items', keyStart)) this.items(itemPath);
      else this.skipValue();
    }
    this.pos++;
  }

  private items(parentPath: string): void {
    const prefix = parentPath === '' ? '' : `${parentPath}.`;
    this.pos++;
    let index = 0;
    for (let code = this.skipSpace(); code !== CLOSE_BRACKET; code = this.skipSpace()) {
      if (code === COMMA) {
        this.pos++;
        continue;
      }
      const path = `${prefix}items[${index++}]`;
      this.offsets.set(path, this.pos);
      if (code === OPEN_BRACE) this.object(path);
      else this.skipValue();
    }
    this.pos++;
  }
}

/**
 * For JSON text that `JSON.parse` accepted as an object: the offset of the object and of every List item,
 * keyed by item path (`items[0]`, `items[3].items[1]`, as extractPodTemplates names them).
 */
export function jsonItemOffsets(text: string): { start: number; items: Map<string, number> } {
  const scanner = new JsonScanner(text);
  if (text.charCodeAt(0) === 0xfeff) scanner.pos = 1;
  scanner.skipSpace();
  const start = scanner.pos;
  scanner.object('');
  return { start, items: scanner.offsets };
}
