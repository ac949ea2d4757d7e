import { randomBytes } from 'node:crypto';

import { hash, verify } from '@node-rs/argon2';

// argon2id; the library's defaults are OWASP's recommended parameters (m=19456 KiB, t=2, p=1).
const ARGON2ID = 2;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

/** False for a wrong password and for a stored value that is not an argon2 hash at all. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * A hash of a random password, to verify against when the email is unknown: the login then takes as long as
 * for a real account, so response times do not tell which emails have accounts.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummyHash;
}
