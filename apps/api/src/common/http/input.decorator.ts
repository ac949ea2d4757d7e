import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';

import { AppError } from '../errors/app-error.js';
import type { RatchetRequest, ValidatedInput } from './validated-request.js';

/** The part of the request the endpoint's contract parsed: `@Input('body') body: ClusterCreate`. */
export const Input = createParamDecorator((part: keyof ValidatedInput, context: ExecutionContext): unknown => {
  const request = context.switchToHttp().getRequest<RatchetRequest>();
  if (!request.validated || !(part in request.validated)) {
    throw new AppError('internal', `endpoint declares no ${part} contract`);
  }
  return request.validated[part];
});

/** The caller's tenant, set by the auth guard: `@Tenant() ctx: TenantContext`. */
export const Tenant = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<RatchetRequest>();
  if (!request.tenant) throw new AppError('unauthenticated', 'sign in or send an API token');
  return request.tenant;
});
