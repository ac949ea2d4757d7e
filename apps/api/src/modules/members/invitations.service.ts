import { Inject, Injectable } from '@nestjs/common';
import type { AcceptInvitationRequest, CreateInvitationRequest, Invitation, InvitationAccepted, InvitationCreated, InvitationList } from '@ratchet/contracts';

import { actingUser } from '../../common/auth/acting-user.util.js';
import { AuthRepository } from '../../common/auth/auth.repository.js';
import { sessionCookie } from '../../common/auth/session-cookie.js';
import type { TenantContext } from '../../common/auth/tenant-context.js';
import { TOKEN_PREFIX, hashToken, issueToken, looksLikeToken } from '../../common/auth/token.util.js';
import { AppError } from '../../common/errors/app-error.js';
import { API_CONFIG } from '../../config/api-config.js';
import type { ApiConfig } from '../../config/api-config.js';
import { assertStrongPassword } from '../auth/password-strength.util.js';
import { hashPassword } from '../auth/password.util.js';
import { newSession } from '../auth/session-token.util.js';
import type { SessionClient } from '../auth/session-token.util.js';
import { InvitationMailService } from './invitation-mail.service.js';
import { InvitationsRepository, invitationGone } from './invitations.repository.js';
import type { InvitationRow, PendingInvitation } from './invitations.repository.js';
import { assertCanInvite } from './member-policy.util.js';

const INVITATION_TTL_DAYS = 7;

function toInvitation(row: InvitationRow, now: Date): Invitation {
  const status = row.acceptedAt ? 'accepted' : row.revokedAt ? 'revoked' : row.expiresAt <= now ? 'expired' : 'pending';
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    status,
    invitedBy: row.invitedBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    acceptedAt: row.acceptedAt?.toISOString() ?? null,
  };
}

/** The answer to accepting, and the `Set-Cookie` value when an account (and so a session) was created. */
export interface AcceptResult {
  accepted: InvitationAccepted;
  setCookie?: string;
}

@Injectable()
export class InvitationsService {
  constructor(
    private readonly invitations: InvitationsRepository,
    private readonly mail: InvitationMailService,
    private readonly auth: AuthRepository,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async create(ctx: TenantContext, request: CreateInvitationRequest): Promise<InvitationCreated> {
    const actor = actingUser(ctx);
    assertCanInvite(actor.role, request.role);
    const now = new Date();
    const token = issueToken(TOKEN_PREFIX.invitation);
    const { row, organizationName, inviterName } = await this.invitations.create(
      ctx.orgId,
      {
        email: request.email,
        role: request.role,
        tokenHash: token.hash,
        invitedByUserId: actor.userId,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_DAYS * 86_400_000),
      },
      now,
    );
    const acceptUrl = `${this.config.RATCHET_PUBLIC_URL.replace(/\/+$/, '')}/invite/${token.token}`;
    const emailSent = await this.mail.send({ to: row.email, organizationName, inviterName, role: row.role, acceptUrl, expiresAt: row.expiresAt });
    return { invitation: toInvitation(row, now), acceptUrl, emailSent };
  }

  async list(ctx: TenantContext): Promise<InvitationList> {
    const now = new Date();
    return { items: (await this.invitations.list(ctx.orgId)).map((row) => toInvitation(row, now)) };
  }

  async revoke(ctx: TenantContext, invitationId: string): Promise<void> {
    const revoked = await this.invitations.revoke(ctx.orgId, invitationId, new Date());
    if (!revoked) throw new AppError('not_found', 'invitation not found');
  }

  /**
   * Joins the organization as the signed-in user (`sessionToken` from the cookie), or creates an account when the
   * request carries one's fields. Either way the invitation's email must be the joining user's.
   */
  async accept(request: AcceptInvitationRequest, sessionToken: string | undefined, client: SessionClient): Promise<AcceptResult> {
    if (!looksLikeToken(request.token, TOKEN_PREFIX.invitation)) throw invitationGone();
    const invitation = await this.invitations.findPending(hashToken(request.token));
    if (!invitation) throw invitationGone();
    const now = new Date();
    if (request.email !== undefined && request.name !== undefined && request.password !== undefined) {
      return this.acceptWithNewAccount(invitation, { email: request.email, name: request.name, password: request.password }, client, now);
    }
    const session = sessionToken !== undefined && looksLikeToken(sessionToken, TOKEN_PREFIX.session)
      ? await this.auth.findActiveSession(hashToken(sessionToken), now)
      : null;
    if (!session) {
      throw new AppError('unauthenticated', 'sign in first, or send email, name and password to create an account with the invitation');
    }
    const email = await this.invitations.findUserEmail(session.userId);
    if (email !== invitation.email) {
      throw new AppError('forbidden', 'this invitation was sent to another email address; sign in with that address to accept it');
    }
    const joined = await this.invitations.acceptAsUser(invitation, session.userId, now);
    return { accepted: { ...joined, accountCreated: false } };
  }

  private async acceptWithNewAccount(
    invitation: PendingInvitation,
    account: { email: string; name: string; password: string },
    client: SessionClient,
    now: Date,
  ): Promise<AcceptResult> {
    if (account.email !== invitation.email) {
      const message = 'must be the email address the invitation was sent to';
      throw new AppError('validation_failed', `invalid request: body.email: ${message}`, { issues: [{ path: 'body.email', message }] });
    }
    assertStrongPassword(account.password, [account.email, account.name]);
    const session = newSession(this.config.RATCHET_SESSION_TTL_HOURS, now);
    const joined = await this.invitations.acceptWithNewAccount(
      invitation,
      { email: account.email, displayName: account.name, passwordHash: await hashPassword(account.password), session, client },
      now,
    );
    return {
      accepted: { ...joined, accountCreated: true },
      setCookie: sessionCookie(session.token, session.expiresAt, this.config.RATCHET_COOKIE_SECURE),
    };
  }
}
