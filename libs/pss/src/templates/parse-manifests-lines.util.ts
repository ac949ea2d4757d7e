/**
 * Turns 0-based character offsets into 1-based lines and columns. Offsets are usually asked for in increasing
 * order (items of a List, then the next document), so it scans forward from the last answer and restarts only
 * when asked about an earlier offset: one pass over the text in all.
 */
export class LinePositions {
  private offset = 0;
  private line = 1;
  private lineStart = 0;

  constructor(private readonly text: string) {}

  at(offset: number): { line: number; column: number } {
    if (offset < this.offset) {
      this.offset = 0;
      this.line = 1;
      this.lineStart = 0;
    }
    const text = this.text;
    for (let newline = text.indexOf('\n', this.offset); newline !== -1 && newline < offset; newline = text.indexOf('\n', newline + 1)) {
      this.line++;
      this.lineStart = newline + 1;
    }
    this.offset = offset;
    return { line: this.line, column: offset - this.lineStart + 1 };
  }
}
