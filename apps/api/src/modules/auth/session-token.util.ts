import { TOKEN_PREFIX, issueToken } from '../../common/auth/token.util.js';

/** A new browser session's secret (for the cookie), its hash (for the database) and when it ends. */
export interface NewSession {
  token: string;
  tokenHash: string;
  expiresAt: Date;
}

/** Where a session was started from, shown in the user's list of sessions. */
export interface SessionClient {
  ipAddress: string | null;
  userAgent: string | null;
}

const MAX_USER_AGENT_LENGTH = 512;

export function newSession(ttlHours: number, now: Date): NewSession {
  const { token, hash } = issueToken(TOKEN_PREFIX.session);
  return { token, tokenHash: hash, expiresAt: new Date(now.getTime() + ttlHours * 3_600_000) };
}

export function sessionClient(ip: string | undefined, userAgent: string | undefined): SessionClient {
  return { ipAddress: ip ?? null, userAgent: userAgent ? userAgent.slice(0, MAX_USER_AGENT_LENGTH) : null };
}
