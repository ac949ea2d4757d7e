import { describe, expect, it } from '@jest/globals';
import { Prisma } from '@ratchet/db';

import { keysetAfter, keysetOrderBy } from './keyset-sql.util.js';
import type { KeysetColumn } from './keyset-sql.util.js';

const columns: KeysetColumn[] = [
  { sql: Prisma.sql`f.last_seen_at`, type: 'timestamptz' },
  { sql: Prisma.sql`f.id`, type: 'uuid' },
];
const squash = (sql: Prisma.Sql) => sql.sql.replace(/\s+/g, ' ').trim();

describe('keyset SQL', () => {
  it('compares the row of sort columns with parameters cast to their types, after in the direction of the sort', () => {
    const sut = keysetAfter(columns, ['2026-07-01T12:00:00.000Z', 'id-1'], 'desc');
    expect(squash(sut)).toBe('(f.last_seen_at,f.id) < (?::timestamptz,?::uuid)');
    expect(sut.values).toEqual(['2026-07-01T12:00:00.000Z', 'id-1']);
    expect(squash(keysetAfter(columns, ['t', 'id'], 'asc'))).toBe('(f.last_seen_at,f.id) > (?::timestamptz,?::uuid)');
  });

  it('orders by every column in the same direction', () => {
    expect(squash(keysetOrderBy(columns, 'desc'))).toBe('ORDER BY f.last_seen_at DESC,f.id DESC');
    expect(squash(keysetOrderBy(columns, 'asc'))).toBe('ORDER BY f.last_seen_at ASC,f.id ASC');
  });

  it('refuses a position with a different number of values than columns', () => {
    expect(() => keysetAfter(columns, ['only one'], 'asc')).toThrow('keyset of 2 columns got 1 values');
  });
});
