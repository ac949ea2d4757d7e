import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';

import { AppError } from '../errors/app-error.js';
import { KeysetKey, decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor.util.js';
import type { KeysetSort } from './keyset-cursor.util.js';

const ID = '6f1c9c52-2d0e-4f3b-9a7e-0c1d2e3f4a5b';
const sort: KeysetSort = { field: 'lastSeenAt', order: 'desc' };
const keys = z.tuple([KeysetKey.timestamp]);

function reencode(cursor: string, change: (content: Record<string, unknown>) => void): string {
  const content = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(content);
  return Buffer.from(JSON.stringify(content)).toString('base64url');
}

function rejection(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the cursor to be refused');
}

describe('keyset cursors', () => {
  const sut = encodeKeysetCursor(sort, { keys: ['2026-07-01T12:00:00.000Z'], id: ID });

  it('round-trips the position as an opaque base64url string', () => {
    expect(sut).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeKeysetCursor(sut, sort, keys)).toEqual({ keys: ['2026-07-01T12:00:00.000Z'], id: ID });
  });

  it.each([
    ['not base64 JSON', () => 'bm90LWpzb24'],
    ['keys of the wrong type', () => reencode(sut, (content) => (content.keys = [42]))],
    ['too many keys', () => reencode(sut, (content) => (content.keys = ['2026-07-01T12:00:00.000Z', 'x']))],
    ['an id that is not a UUID', () => reencode(sut, (content) => (content.id = "1' OR '1'='1"))],
    ['another version', () => reencode(sut, (content) => (content.v = 2))],
    ['an extra field', () => reencode(sut, (content) => (content.limit = 5))],
    ['JSON that is not an object', () => Buffer.from('[1,2]').toString('base64url')],
    ['a timestamp in year 0000', () => reencode(sut, (content) => (content.keys = ['0000-01-01T00:00:00.000Z']))],
    ['a timestamp past 9999', () => reencode(sut, (content) => (content.keys = ['+010000-01-01T00:00:00.000Z']))],
    ['a NUL in a key', () => reencode(sut, (content) => (content.keys = ['2026-07-01T12:00:00.000Z\u0000']))],
    ['a lone surrogate in a key', () => reencode(sut, (content) => (content.keys = ['\ud800']))],
  ])('refuses %s as a 400 on query.cursor', (_name, cursor) => {
    const error = rejection(() => decodeKeysetCursor(cursor(), sort, keys));
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual({ issues: [{ path: 'query.cursor', message: expect.stringContaining('nextCursor') }] });
  });

  it('refuses a cursor issued for another sort field or order, naming the sort it belongs to', () => {
    for (const other of [{ field: 'firstSeenAt', order: 'desc' }, { field: 'lastSeenAt', order: 'asc' }] as const) {
      const error = rejection(() => decodeKeysetCursor(sut, other, keys));
      expect(error.details).toEqual({ issues: [{ path: 'query.cursor', message: expect.stringContaining('sort=lastSeenAt&order=desc') }] });
    }
  });

  // Whatever tuple a list declares, the envelope alone stops what SQL could not bind.
  it.each([
    ['a NUL', ['a\u0000b']],
    ['a number past int4', [2_147_483_648]],
    ['a fraction', [1.5]],
    ['an object', [{ $gt: '' }]],
  ])('refuses %s even under a loose key tuple', (_name, badKeys) => {
    const loose = z.tuple([z.unknown()]);
    const cursor = reencode(sut, (content) => (content.keys = badKeys));
    expect(rejection(() => decodeKeysetCursor(cursor, sort, loose)).code).toBe('validation_failed');
  });

  it('reads int4 counts and storable text through KeysetKey', () => {
    const countSort: KeysetSort = { field: 'openFindings', order: 'asc' };
    const cursor = encodeKeysetCursor(countSort, { keys: [2_147_483_647, 'ünïcode ✓'], id: ID });
    expect(decodeKeysetCursor(cursor, countSort, z.tuple([KeysetKey.count, KeysetKey.text]))).toEqual({ keys: [2_147_483_647, 'ünïcode ✓'], id: ID });
    const tooBig = reencode(cursor, (content) => (content.keys = [2_147_483_648, 'x']));
    expect(rejection(() => decodeKeysetCursor(tooBig, countSort, z.tuple([KeysetKey.count, KeysetKey.text]))).code).toBe('validation_failed');
  });
});
