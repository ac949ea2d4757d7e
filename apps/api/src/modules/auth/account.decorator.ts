import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';

import { AppError } from '../../common/errors/app-error.js';
import type { RatchetRequest } from '../../common/http/validated-request.js';

/**
 * A signed-in user acting outside any organization. Account endpoints take a browser session only (the auth guard
 * refuses tokens there), so `sessionId` is set whenever the guard ran.
 */
export interface AccountContext {
  userId: string;
  sessionId?: string;
}

/** The caller of an `account` endpoint, as the auth guard resolved it: `@Account() account: AccountContext`. */
export const Account = createParamDecorator((_: unknown, context: ExecutionContext): AccountContext => {
  const request = context.switchToHttp().getRequest<RatchetRequest>();
  if (!request.userId) throw new AppError('unauthenticated', 'sign in first');
  return request.sessionId ? { userId: request.userId, sessionId: request.sessionId } : { userId: request.userId };
});
