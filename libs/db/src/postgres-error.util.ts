import { Prisma } from './generated/prisma/client.js';

/** What the pg driver adapter reports under a Prisma error: the SQLSTATE and, for unique violations, the index. */
interface DriverAdapterCause {
  originalCode?: string;
  code?: string;
  constraint?: { index?: string };
}

function driverCause(error: Prisma.PrismaClientKnownRequestError): DriverAdapterCause | undefined {
  return (error.meta?.driverAdapterError as { cause?: DriverAdapterCause } | undefined)?.cause;
}

/** The SQLSTATE behind a failed Prisma query (raw or typed), when Postgres raised it. */
export function sqlState(error: unknown): string | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  const cause = driverCause(error);
  return cause?.originalCode ?? cause?.code;
}

/**
 * The unique index a write collided with (e.g. `users_email_key`), or undefined when `error` is not a unique
 * violation: lets a repository turn the race it cannot see under row-level security into a 409.
 */
export function uniqueViolation(error: unknown): string | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return undefined;
  return driverCause(error)?.constraint?.index ?? 'unknown';
}

/**
 * What a refused write means for whoever sent it, from its SQLSTATE:
 * - `conflict`: the write contradicts stored rows (unique 23505, foreign key 23503, ON CONFLICT hitting a row
 *   twice 21000): sending it again changes nothing; the caller's data must change.
 * - `retryable`: it collided with another transaction (serialization 40001, deadlock 40P01, lock not available
 *   55P03, statement timeout 57014): the same write may pass.
 * - `busy`: Prisma gave up starting or finishing the transaction in time (P2028): the database is loaded.
 * - `invalid-value`: a value Postgres cannot hold (class 22: data exceptions).
 * undefined for anything else, which is a bug or an outage rather than a property of the write.
 */
export type PostgresErrorKind = 'conflict' | 'retryable' | 'busy' | 'invalid-value';

export function postgresErrorKind(error: unknown): PostgresErrorKind | undefined {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2028') return 'busy';
  const state = sqlState(error);
  if (state === undefined) return undefined;
  if (state === '23505' || state === '23503' || state === '21000') return 'conflict';
  if (state === '40001' || state === '40P01' || state === '55P03' || state === '57014') return 'retryable';
  if (state.startsWith('22')) return 'invalid-value';
  return undefined;
}
