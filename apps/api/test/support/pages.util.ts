import { expect } from '@jest/globals';

/** A page of a cursor-paginated list, as the API answers it. */
export interface PageBody<Item> {
  items: Item[];
  nextCursor: string | null;
}

/**
 * Follows `nextCursor` from the first page to the last, calling `between` after each page (to write rows
 * while the walk is under way), and returns the pages. Stops after `maxPages` so a cursor loop fails the test.
 */
export async function walkPages<Item>(
  fetchPage: (cursor: string | undefined) => Promise<PageBody<Item>>,
  options: { between?: (pageIndex: number) => Promise<void>; maxPages?: number } = {},
): Promise<Item[][]> {
  const pages: Item[][] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
    if (cursor !== undefined) await options.between?.(pages.length - 1);
    if (pages.length > (options.maxPages ?? 1000)) throw new Error('pagination did not end');
  } while (cursor !== undefined);
  return pages;
}

/** Re-encodes a cursor after `change` edits its decoded JSON, as a client tampering with it would. */
export function tamperCursor(cursor: string, change: (content: Record<string, unknown>) => void): string {
  const content = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(content);
  return Buffer.from(JSON.stringify(content)).toString('base64url');
}

/**
 * Checks a name-sorted walk during which rows `a<i>` and `z<i>` were written after each page: every initial row
 * exactly once and in order, none of the `a…` rows (they sort before the cursor), and some `z…` rows (after it).
 */
export function expectStableNameWalk(pages: readonly (readonly { name: string }[])[], initial: readonly string[]): void {
  const seen = pages.flat().map((item) => item.name);
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.filter((name) => initial.includes(name))).toEqual(initial);
  expect(seen.filter((name) => name.startsWith('a'))).toEqual([]);
  expect(seen.filter((name) => name.startsWith('z')).length).toBeGreaterThan(0);
}
