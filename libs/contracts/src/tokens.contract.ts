import { z } from 'zod';

import { DisplayName, Email, SecretToken } from './auth.contract.js';
import { Id, Timestamp } from './common.contract.js';

/** What an API token may do: `read-only` calls the read endpoints only, `read-write` may also change things. */
export const ApiTokenScope = z.enum(['read-only', 'read-write']);
export type ApiTokenScope = z.infer<typeof ApiTokenScope>;

/** `POST /api/v1/tokens`. Without `expiresAt` the token lives until revoked. */
export const CreateApiTokenRequest = z.strictObject({
  name: DisplayName,
  scope: ApiTokenScope,
  expiresAt: Timestamp.optional(),
});
export type CreateApiTokenRequest = z.infer<typeof CreateApiTokenRequest>;

/** An API token as listed: never the secret, only its first characters to tell tokens apart. */
export const ApiToken = z.strictObject({
  id: Id,
  name: DisplayName,
  scope: ApiTokenScope,
  prefix: z.string().min(1).max(16),
  createdBy: z.strictObject({ id: Id, email: Email }),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  expiresAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

/** The answer to creating an API token: the secret is in this answer only. */
export const ApiTokenCreated = z.strictObject({
  apiToken: ApiToken,
  secret: SecretToken,
});
export type ApiTokenCreated = z.infer<typeof ApiTokenCreated>;
