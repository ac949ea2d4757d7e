import { Prisma } from '@ratchet/db';

interface DriverAdapterCause {
  constraint?: { index?: string };
}

/**
 * The unique index a write collided with (e.g. `users_email_key`), or undefined when `error` is not a unique
 * violation: lets a repository turn the race it cannot see under row-level security into a 409.
 */
export function uniqueViolation(error: unknown): string | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return undefined;
  const adapterError = error.meta?.driverAdapterError as { cause?: DriverAdapterCause } | undefined;
  return adapterError?.cause?.constraint?.index ?? 'unknown';
}
