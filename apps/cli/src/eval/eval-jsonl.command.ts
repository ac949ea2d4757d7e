import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';

import { evaluateLine } from './eval-line.js';

const FLUSH_BYTES = 64 * 1024;
// The line ends readline recognises with crlfDelay: Infinity: \n, \r\n, and a lone \r.
const LINE_END = /\r?\n|\r(?!\n)/;

/**
 * Streams JSONL in, one result line out per input line, in order. Output is written in chunks and
 * respects backpressure, so a million-line batch runs in constant memory. Lines are split from each chunk
 * here rather than by readline, whose per-line events and promises cost more than a small pod's evaluation.
 */
export async function runEvalJsonl(input: Readable, output: Writable): Promise<number> {
  let buffer = '';
  const flush = async () => {
    if (buffer === '') return;
    const chunk = buffer;
    buffer = '';
    if (!output.write(chunk)) await once(output, 'drain');
  };
  const answer = (line: string) => {
    if (line.trim() !== '') buffer += `${JSON.stringify(evaluateLine(line))}\n`;
  };
  input.setEncoding('utf8');
  let pending = '';
  for await (const chunk of input as AsyncIterable<string>) {
    // A chunk ending in \r may end with half of a \r\n: splitting there yields an extra empty line, skipped.
    const lines = (pending + chunk).split(LINE_END);
    pending = lines.pop()!;
    for (const line of lines) answer(line);
    if (buffer.length >= FLUSH_BYTES) await flush();
  }
  answer(pending);
  await flush();
  // A bad line is data, answered in-band: the batch as a whole succeeded.
  return 0;
}
