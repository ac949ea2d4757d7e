import { Prisma } from '@ratchet/db';

/** A column a list is sorted by, with the Postgres type its cursor value is cast to. */
export interface KeysetColumn {
  sql: Prisma.Sql;
  type: 'text' | 'timestamptz' | 'int' | 'uuid' | 'pss_level' | 'workload_kind';
}

// Row comparison `(a, b, id) > ($1, $2, $3)` is exactly "after this row" in the order `a, b, id`, and Postgres
// can answer it from an index on those columns. Every column sorts in the same direction, so it holds for both.

/** The condition "strictly after `values`" in the order given by `columns` (the last one is the unique id). */
export function keysetAfter(columns: readonly KeysetColumn[], values: readonly unknown[], order: 'asc' | 'desc'): Prisma.Sql {
  if (columns.length !== values.length) throw new Error(`keyset of ${columns.length} columns got ${values.length} values`);
  const left = Prisma.join(columns.map((column) => column.sql));
  const right = Prisma.join(columns.map((column, index) => Prisma.sql`${values[index]}::${Prisma.raw(column.type)}`));
  return order === 'asc' ? Prisma.sql`(${left}) > (${right})` : Prisma.sql`(${left}) < (${right})`;
}

/** `ORDER BY` over `columns`, all in one direction. */
export function keysetOrderBy(columns: readonly KeysetColumn[], order: 'asc' | 'desc'): Prisma.Sql {
  const direction = Prisma.raw(order === 'asc' ? 'ASC' : 'DESC');
  return Prisma.sql`ORDER BY ${Prisma.join(columns.map((column) => Prisma.sql`${column.sql} ${direction}`))}`;
}
