import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';

import { evaluateLine } from './eval-line.js';

const FLUSH_BYTES = 64 * 1024;

/**
 * Streams JSONL in, one result line out per input line, in order. Output is written in chunks and
 * respects backpressure, so a million-line batch runs in constant memory.
 */
export async function runEvalJsonl(input: Readable, output: Writable): Promise<number> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let buffer = '';
  const flush = async () => {
    if (buffer === '') return;
    const chunk = buffer;
    buffer = '';
    if (!output.write(chunk)) await once(output, 'drain');
  };
  for await (const line of lines) {
    if (line.trim() === '') continue;
    buffer += `${JSON.stringify(evaluateLine(line))}\n`;
    if (buffer.length >= FLUSH_BYTES) await flush();
  }
  await flush();
  // A bad line is data, answered in-band: the batch as a whole succeeded.
  return 0;
}
