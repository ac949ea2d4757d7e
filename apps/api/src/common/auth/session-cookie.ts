import { parse, serialize } from 'cookie';

export const SESSION_COOKIE = 'ratchet_session';

export function readSessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return parse(header)[SESSION_COOKIE];
}

/** httpOnly (no script can read it), SameSite=Lax (no cross-site POSTs carry it), Secure behind TLS. */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return serialize(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
}

export function clearedSessionCookie(secure: boolean): string {
  return serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: new Date(0) });
}
