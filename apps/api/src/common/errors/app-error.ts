import { ERROR_STATUS } from '@ratchet/contracts';
import type { ErrorCode, FieldIssue } from '@ratchet/contracts';

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

/**
 * A 400 `validation_failed` naming each field (`body.email`, `query.from`, ...), shaped as the validation
 * interceptor's (at least one issue): for checks a schema cannot make (the API's clock, the database, a recomputed hash).
 */
export function invalidRequest(issues: readonly FieldIssue[]): AppError {
  const first = issues[0];
  if (!first) throw new Error('invalidRequest needs at least one issue');
  return new AppError('validation_failed', `invalid request: ${first.path}: ${first.message}`, { issues });
}

/** invalidRequest for issues of query parameters, each named by its parameter (`from` -> `query.from`). */
export function invalidQuery(issues: readonly FieldIssue[]): AppError {
  return invalidRequest(issues.map((issue) => ({ ...issue, path: `query.${issue.path}` })));
}
