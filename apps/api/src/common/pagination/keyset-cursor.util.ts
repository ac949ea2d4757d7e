import { Count, Int32, StorableText, Timestamp } from '@ratchet/contracts';
import { z } from 'zod';

import { AppError } from '../errors/app-error.js';

/**
 * What a sort key in a cursor may be, by the column it is compared with: the same contract primitives that
 * guard request fields, so a hand-edited cursor (year 0000, a NUL, a number past int4) is a 400, not a failed
 * query. Lists build their key tuples from these.
 */
export const KeysetKey = {
  text: StorableText.max(1024),
  timestamp: Timestamp,
  count: Count,
} as const;

/**
 * The sort a keyset-paginated list is read in. A cursor records it, so a cursor is refused by a request that
 * sorts differently instead of silently skipping or repeating rows.
 */
export interface KeysetSort {
  field: string;
  order: 'asc' | 'desc';
}

/** Where a page ended: the last row's sort keys, then its id, which breaks ties. */
export interface KeysetPosition<Keys extends readonly unknown[]> {
  keys: Keys;
  id: string;
}

// Whatever tuple a list passes, every key reaches SQL as a bound parameter: it must be storable text or an int4.
const CursorEnvelope = z.strictObject({
  v: z.literal(1),
  sort: z.string().max(64),
  order: z.enum(['asc', 'desc']),
  keys: z.array(z.union([StorableText.max(1024), Int32])).max(8),
  id: z.uuid(),
});

function invalidCursor(message: string): AppError {
  return new AppError('validation_failed', `invalid request: query.cursor: ${message}`, { issues: [{ path: 'query.cursor', message }] });
}

/** The opaque `nextCursor` of a page: base64url JSON of the sort and the last row's position. */
export function encodeKeysetCursor(sort: KeysetSort, position: KeysetPosition<readonly unknown[]>): string {
  const envelope = { v: 1, sort: sort.field, order: sort.order, keys: [...position.keys], id: position.id };
  return Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64url');
}

/**
 * Reads a cursor this API issued for the same list and sort. `keys` validates the sort keys, so a tampered
 * cursor never reaches SQL; anything wrong is the client's mistake, a 400 on `query.cursor`.
 */
export function decodeKeysetCursor<Keys extends z.ZodTuple>(cursor: string, sort: KeysetSort, keys: Keys): KeysetPosition<z.infer<Keys>> {
  let content: unknown;
  try {
    content = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    content = undefined;
  }
  const envelope = CursorEnvelope.safeParse(content);
  const parsedKeys = envelope.success ? keys.safeParse(envelope.data.keys) : undefined;
  if (!envelope.success || !parsedKeys?.success) {
    throw invalidCursor('is not a cursor of this list: pass nextCursor from the previous page unchanged');
  }
  if (envelope.data.sort !== sort.field || envelope.data.order !== sort.order) {
    throw invalidCursor(
      `was issued for sort=${envelope.data.sort}&order=${envelope.data.order}: keep the sort of the first page, or start again without cursor`,
    );
  }
  return { keys: parsedKeys.data, id: envelope.data.id };
}

/**
 * Turns the `limit + 1` rows a repository read after a cursor into a page: the extra row is never shown, it only
 * says that another page follows.
 */
export function keysetPage<Row, Item>(
  rows: readonly Row[],
  limit: number,
  sort: KeysetSort,
  toItem: (row: Row) => Item,
  positionOf: (row: Row) => KeysetPosition<readonly unknown[]>,
): { items: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(toItem), nextCursor: rows.length > limit && last !== undefined ? encodeKeysetCursor(sort, positionOf(last)) : null };
}
