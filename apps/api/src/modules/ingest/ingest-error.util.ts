import { postgresErrorKind } from '@ratchet/db';

import { AppError } from '../../common/errors/app-error.js';

/**
 * Turns what Postgres refuses in a batch into the client error it is, so a batch the contract let through
 * still never answers 500: a uid stored under another name is a conflict, a deadlock or lock timeout is worth
 * a retry, a value Postgres cannot hold is a bad request. Anything else is returned as is.
 */
export function ingestErrorFrom(error: unknown): unknown {
  switch (postgresErrorKind(error)) {
    case 'conflict':
      return new AppError(
        'conflict',
        'the batch contradicts the stored inventory (an object uid is stored under another name); send a full resync',
      );
    case 'busy':
      return new AppError('unavailable', 'the database is busy; retry the batch with the same Idempotency-Key');
    case 'retryable':
      return new AppError('unavailable', 'the batch collided with another write; retry it with the same Idempotency-Key');
    case 'invalid-value':
      return new AppError('bad_request', 'the batch holds a value the database cannot store; check text and timestamps');
    default:
      return error;
  }
}
