import { ERROR_STATUS } from '@ratchet/contracts';
import type { ErrorCode } from '@ratchet/contracts';

// The codes and their statuses are the contract's (libs/contracts ERROR_STATUS), so what the API throws is what
// ErrorResponse accepts; re-exported here for the filter and the modules.
export { ERROR_STATUS };
export type { ErrorCode };

/** Structured details of an error: always an object on the wire, `{}` when there is nothing more. */
export type ErrorDetails = Record<string, unknown>;

/** The one error type services throw: a code, a message for people, and optional structured details. */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
