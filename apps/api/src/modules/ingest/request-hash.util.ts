import { createHash } from 'node:crypto';

/**
 * sha256 hex of a request as the API understood it: which endpoint, and its body as canonical JSON. A body
 * parsed by its zod contract is canonical as JSON.stringify writes it: zod builds every object in its schema's
 * key order, whatever order the agent sent. Records keep the agent's order; pass them through sortedRecord.
 */
export function requestHash(endpoint: string, canonicalJson: string): string {
  return createHash('sha256').update(endpoint).update('\n').update(canonicalJson).digest('hex');
}

/** The record with its keys in sorted order. */
export function sortedRecord<Value>(record: Readonly<Record<string, Value>>): Record<string, Value> {
  const sorted: Record<string, Value> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = record[key]!;
  return sorted;
}
