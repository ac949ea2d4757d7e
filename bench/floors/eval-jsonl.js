// The floor of `ratchet eval --jsonl`: read the same lines, JSON.parse each and write an answer of the same
// shape, in chunks, as the CLI does. Everything the CLI does beyond this is validation and evaluation.
//   node bench/floors/eval-jsonl.js < pods.jsonl
import { once } from 'node:events';
import { createInterface } from 'node:readline';

let buffer = '';
for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
  if (line.trim() === '') continue;
  const request = JSON.parse(line);
  const allowed = request.pod.spec !== undefined;
  buffer += `${JSON.stringify({ id: request.id, allowed, forbiddenReason: '', forbiddenDetail: '', checks: [] })}\n`;
  if (buffer.length >= 64 * 1024) {
    if (!process.stdout.write(buffer)) await once(process.stdout, 'drain');
    buffer = '';
  }
}
process.stdout.write(buffer);
