import { Inject, Injectable } from '@nestjs/common';
import type { LoginRequest, Me, SignUpRequest, UserSessionList } from '@ratchet/contracts';

import { clearedSessionCookie, sessionCookie } from '../../common/auth/session-cookie.js';
import { AppError } from '../../common/errors/app-error.js';
import { API_CONFIG } from '../../config/api-config.js';
import type { ApiConfig } from '../../config/api-config.js';
import type { AccountContext } from './account.decorator.js';
import { AccountRepository } from './account.repository.js';
import { LoginThrottle } from './login-throttle.service.js';
import { assertStrongPassword } from './password-strength.util.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.util.js';
import { slugCandidate } from './slug.util.js';
import { newSession } from './session-token.util.js';
import type { SessionClient } from './session-token.util.js';

/** A signed-in answer: the body, and the `Set-Cookie` value that carries the new session. */
export interface SignedIn {
  me: Me;
  setCookie: string;
}

const WRONG_CREDENTIALS = 'email or password is wrong';

@Injectable()
export class AuthService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly throttle: LoginThrottle,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    // Hash the login dummy at boot rather than during the first login for an unknown email.
    void dummyPasswordHash();
  }

  async signUp(request: SignUpRequest, client: SessionClient): Promise<SignedIn> {
    assertStrongPassword(request.password, [request.email, request.name, request.organizationName]);
    const now = new Date();
    const session = newSession(this.config.RATCHET_SESSION_TTL_HOURS, now);
    const { userId } = await this.accounts.createAccount(
      {
        email: request.email,
        displayName: request.name,
        passwordHash: await hashPassword(request.password),
        organizationName: request.organizationName,
        slugFor: (attempt) => slugCandidate(request.organizationName, attempt),
        session,
        client,
      },
      now,
    );
    return { me: await this.me({ userId }), setCookie: this.cookieFor(session.token, session.expiresAt) };
  }

  async login(request: LoginRequest, client: SessionClient): Promise<SignedIn> {
    // A locked account is refused before its password is looked at, whichever address the guess comes from.
    await this.throttle.assertAllowed(request.email);
    const user = await this.accounts.findLoginCandidate(request.email);
    // Verify even for an unknown email, so both failures cost the same and read the same.
    const passwordHash = user?.passwordHash ?? (await dummyPasswordHash());
    const passwordMatches = await verifyPassword(passwordHash, request.password);
    if (!user || !passwordMatches) {
      await this.throttle.recordFailure(request.email);
      throw new AppError('unauthenticated', WRONG_CREDENTIALS);
    }
    await this.throttle.recordSuccess(request.email);
    if (user.disabledAt) throw new AppError('forbidden', 'this account is disabled; contact your organization owner');
    const now = new Date();
    const session = newSession(this.config.RATCHET_SESSION_TTL_HOURS, now);
    await this.accounts.startSession(user.id, session, client, now);
    return { me: await this.me({ userId: user.id }), setCookie: this.cookieFor(session.token, session.expiresAt) };
  }

  /** Ends the caller's browser session; returns the `Set-Cookie` value that clears it. */
  async logout(account: AccountContext): Promise<string> {
    if (!account.sessionId) {
      throw new AppError('bad_request', 'logout ends a browser session; revoke an API token with DELETE /api/v1/api-tokens/:tokenId');
    }
    await this.accounts.revokeSession(account.userId, account.sessionId, new Date());
    return clearedSessionCookie(this.config.RATCHET_COOKIE_SECURE);
  }

  async me(account: Pick<AccountContext, 'userId'>): Promise<Me> {
    const [user, memberships] = await Promise.all([this.accounts.findUser(account.userId), this.accounts.memberships(account.userId)]);
    if (!user) throw new AppError('unauthenticated', 'your account no longer exists');
    return { user: { id: user.id, email: user.email, name: user.displayName }, memberships };
  }

  async sessions(account: AccountContext): Promise<UserSessionList> {
    const sessions = await this.accounts.liveSessions(account.userId, new Date());
    return {
      items: sessions.map((session) => ({
        id: session.id,
        current: session.id === account.sessionId,
        createdAt: session.createdAt.toISOString(),
        expiresAt: session.expiresAt.toISOString(),
        lastSeenAt: session.lastSeenAt?.toISOString() ?? null,
        ipAddress: session.ipAddress,
        userAgent: session.userAgent,
      })),
    };
  }

  async revokeSession(account: AccountContext, sessionId: string): Promise<void> {
    // Another user's session answers like a missing one.
    const revoked = await this.accounts.revokeSession(account.userId, sessionId, new Date());
    if (!revoked) throw new AppError('not_found', 'session not found; it may have ended already (GET /api/v1/auth/sessions lists live ones)');
  }

  private cookieFor(token: string, expiresAt: Date): string {
    return sessionCookie(token, expiresAt, this.config.RATCHET_COOKIE_SECURE);
  }
}
