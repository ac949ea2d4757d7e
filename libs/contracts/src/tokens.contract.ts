import { z } from 'zod';

import { DisplayName, Email, SecretToken } from './auth.contract.js';
import { Id, Timestamp } from './common.contract.js';

/**
 * What an API token may do: `read-only` calls the read endpoints only (it acts as a viewer), `read-write` may
 * also change things (it acts as an admin, never as an owner).
 */
export const ApiTokenAccess = z.enum(['read-only', 'read-write']);
export type ApiTokenAccess = z.infer<typeof ApiTokenAccess>;

/** `POST /api/v1/api-tokens`. Without `expiresInDays` the token lives until revoked. */
export const CreateApiTokenRequest = z.strictObject({
  name: DisplayName,
  access: ApiTokenAccess,
  expiresInDays: z.int().min(1).max(365).optional(),
});
export type CreateApiTokenRequest = z.infer<typeof CreateApiTokenRequest>;

/** An API token as listed: never the secret, only its first characters to tell tokens apart. */
export const ApiToken = z.strictObject({
  id: Id,
  name: DisplayName,
  access: ApiTokenAccess,
  prefix: z.string().min(1).max(16),
  /** Null once the creating user's account is gone. */
  createdBy: z.strictObject({ id: Id, email: Email }).nullable(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  expiresAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const ApiTokenList = z.strictObject({ items: z.array(ApiToken) });
export type ApiTokenList = z.infer<typeof ApiTokenList>;

/** `DELETE /api/v1/api-tokens/:tokenId`. */
export const ApiTokenParams = z.strictObject({ tokenId: Id });
export type ApiTokenParams = z.infer<typeof ApiTokenParams>;

/** The answer to creating an API token: the secret is in this answer only. */
export const ApiTokenCreated = z.strictObject({
  apiToken: ApiToken,
  secret: SecretToken,
});
export type ApiTokenCreated = z.infer<typeof ApiTokenCreated>;
