import { Prisma } from '@ratchet/db';

import { AppError } from '../../common/errors/app-error.js';
import { sqlState } from '../../common/errors/postgres-error.util.js';

/**
 * Turns what Postgres refuses in a batch into the client error it is, so a batch the contract let through
 * still never answers 500: a uid stored under another name is a conflict, a deadlock or lock timeout is worth
 * a retry, a value Postgres cannot hold is a bad request. Anything else is returned as is.
 */
export function ingestErrorFrom(error: unknown): unknown {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2028') {
    return new AppError('unavailable', 'the database is busy; retry the batch with the same Idempotency-Key');
  }
  const state = sqlState(error);
  if (state === undefined) return error;
  if (state === '23505' || state === '23503' || state === '21000') {
    return new AppError(
      'conflict',
      'the batch contradicts the stored inventory (an object uid is stored under another name); send a full resync',
    );
  }
  if (state === '40001' || state === '40P01' || state === '55P03' || state === '57014') {
    return new AppError('unavailable', 'the batch collided with another write; retry it with the same Idempotency-Key');
  }
  if (state.startsWith('22')) {
    return new AppError('bad_request', 'the batch holds a value the database cannot store; check text and timestamps');
  }
  return error;
}
