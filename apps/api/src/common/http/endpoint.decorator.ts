import { SetMetadata, applyDecorators } from '@nestjs/common';
import type { ZodType } from 'zod';

/**
 * Who may call an endpoint: anyone; a signed-in `account` (no organization needed); a `user` acting in one
 * organization (session or API token); or an `agent`, a cluster's token that reaches only ingest routes.
 */
export type EndpointAuth = 'public' | 'account' | 'user' | 'agent';

/** The least role a caller needs; read-only API tokens count as `viewer`. */
export type EndpointRole = 'viewer' | 'admin' | 'owner';

/** Everything the API knows about one route: validation, auth, OpenAPI and the tenant-isolation matrix read this. */
export interface EndpointSpec {
  summary: string;
  tag: string;
  auth: EndpointAuth;
  /** Required for `user` endpoints. Mutating endpoints need at least `admin` unless stated. */
  role?: EndpointRole;
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  /** The body of the success answer; omitted only for a 204 or a non-JSON answer (`produces`). */
  response?: ZodType;
  /** Response status on success (default 200, or 201 for POST). */
  status?: number;
  /**
   * Bodies of other non-error statuses the route answers (e.g. `/readyz`'s 503 report). Errors need no entry:
   * every error is an ErrorResponse.
   */
  responses?: Partial<Record<number, ZodType>>;
  /** `text/csv` for exports; JSON otherwise. */
  produces?: 'application/json' | 'text/csv' | 'text/plain';
  /** Rate limit bucket; omitted means unlimited. */
  rateLimit?: 'login' | 'ingest';
}

export const ENDPOINT_METADATA = 'ratchet:endpoint';

/** Declares a route's contract once; see EndpointSpec. */
export function Endpoint(spec: EndpointSpec): MethodDecorator {
  return applyDecorators(SetMetadata(ENDPOINT_METADATA, spec));
}
