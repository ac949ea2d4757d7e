import { createHash, randomBytes } from 'node:crypto';

/** Prefixes say what a credential is when it shows up in a log or a secret scanner. */
export const TOKEN_PREFIX = { session: 'rse_', apiToken: 'rat_', agentToken: 'rag_', invitation: 'rin_' } as const;

export interface IssuedToken {
  /** The secret, shown to its owner once. */
  token: string;
  /** sha256 hex of the secret: all the database ever stores. */
  hash: string;
  /** The first characters, stored to tell tokens apart in lists. */
  displayPrefix: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** 256 random bits, base64url, behind a kind prefix. */
export function issueToken(prefix: string): IssuedToken {
  const token = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token), displayPrefix: token.slice(0, prefix.length + 6) };
}

const TOKEN_SHAPE = /^[a-z]{3}_[A-Za-z0-9_-]{43}$/;

/** Cheap shape check before any database round trip, so garbage credentials cost nothing. */
export function looksLikeToken(value: string, prefix: string): boolean {
  return value.startsWith(prefix) && TOKEN_SHAPE.test(value);
}
