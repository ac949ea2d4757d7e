import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';
import { IDEMPOTENCY_KEY_HEADER } from '@ratchet/contracts';

import { AppError } from '../../common/errors/app-error.js';
import type { RatchetRequest } from '../../common/http/validated-request.js';

const KEY = /^[\x20-\x7e]{1,200}$/;

/** Parses the agent's `Idempotency-Key` header (1 to 200 printable ASCII characters); 400 when missing or bad. */
export function parseIdempotencyKey(value: string | string[] | undefined): string {
  const header = IDEMPOTENCY_KEY_HEADER.toLowerCase();
  const fail = (message: string) =>
    new AppError('validation_failed', `invalid request: headers.${header}: ${message}`, { issues: [{ path: `headers.${header}`, message }] });
  if (value === undefined || value === '') throw fail(`send an ${IDEMPOTENCY_KEY_HEADER} header: a key of your choosing, kept when you retry the batch`);
  if (Array.isArray(value) || !KEY.test(value)) throw fail('must be 1 to 200 printable ASCII characters');
  return value;
}

/** The batch's idempotency key: `@IdempotencyKey() key: string`. */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<RatchetRequest>();
  return parseIdempotencyKey(request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()]);
});
