import type { Request } from 'express';

import type { TenantContext } from '../auth/tenant-context.js';

/** What the guards and the validation interceptor attach to a request. */
export interface ValidatedInput {
  params?: unknown;
  query?: unknown;
  body?: unknown;
}

export interface RatchetRequest extends Request {
  id: string;
  tenant?: TenantContext;
  /** The authenticated user without an organization yet (sign-up flows). */
  userId?: string;
  /** The browser session behind `userId`, when the caller signed in with a cookie rather than an API token. */
  sessionId?: string;
  validated?: ValidatedInput;
  /** Raw body bytes, kept for ingest size accounting. */
  rawBodyLength?: number;
}
