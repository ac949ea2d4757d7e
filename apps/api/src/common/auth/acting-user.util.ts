import { AppError } from '../errors/app-error.js';
import type { EndpointRole } from '../http/endpoint.decorator.js';
import type { TenantContext } from './tenant-context.js';

/** The person behind a request (signed in, or through one of their API tokens) and the role they act with. */
export function actingUser(ctx: TenantContext): { userId: string; role: EndpointRole } {
  if (ctx.actor.kind === 'agent') throw new AppError('forbidden', 'agent tokens can only ingest');
  return { userId: ctx.actor.userId, role: ctx.actor.role };
}
