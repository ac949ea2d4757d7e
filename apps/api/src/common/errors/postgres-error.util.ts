import { Prisma } from '@ratchet/db';

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
