import { Injectable } from '@nestjs/common';
import { findPendingInvitationByHash, withSystem, withTenant } from '@ratchet/db';
import type { OrgRole, Transaction } from '@ratchet/db';

import { AppError } from '../../common/errors/app-error.js';
import { uniqueViolation } from '../../common/errors/postgres-error.util.js';
import { Database } from '../../infra/database.provider.js';
import type { NewSession, SessionClient } from '../auth/session-token.util.js';

export interface InvitationRow {
  id: string;
  email: string;
  role: OrgRole;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
  invitedBy: { id: string; email: string } | null;
}

export interface NewInvitation {
  email: string;
  role: OrgRole;
  tokenHash: string;
  invitedByUserId: string;
  expiresAt: Date;
}

/** A pending invitation, found by its token before the tenant was known. */
export interface PendingInvitation {
  id: string;
  orgId: string;
  email: string;
  role: OrgRole;
}

export interface AcceptedInvitation {
  membershipId: string;
  role: OrgRole;
  organization: { id: string; name: string; slug: string };
}

export interface InvitedAccount {
  email: string;
  displayName: string;
  passwordHash: string;
  session: NewSession;
  client: SessionClient;
}

const INVITATION_SELECT = {
  id: true,
  email: true,
  role: true,
  createdAt: true,
  expiresAt: true,
  acceptedAt: true,
  revokedAt: true,
  invitedBy: { select: { id: true, email: true } },
} as const;

/** One answer for every token that cannot be used, so a guess learns nothing about which invitations exist. */
export const invitationGone = () =>
  new AppError('not_found', 'this invitation link is invalid, expired, revoked or already used; ask an admin of the organization for a new one');

@Injectable()
export class InvitationsRepository {
  constructor(private readonly database: Database) {}

  /**
   * Creates the invitation; an earlier pending invitation to the same address is revoked, so only the newest
   * link works. Returns it with what the email needs.
   */
  async create(orgId: string, invitation: NewInvitation, now: Date): Promise<{ row: InvitationRow; organizationName: string; inviterName: string | null }> {
    return withTenant(this.database.client, orgId, async (tx) => {
      const member = await tx.membership.findFirst({ where: { orgId, user: { email: invitation.email } }, select: { id: true } });
      if (member) throw new AppError('conflict', `${invitation.email} is already a member; change their role under members instead`);
      await tx.invitation.updateMany({
        where: { orgId, email: invitation.email, acceptedAt: null, revokedAt: null },
        data: { revokedAt: now },
      });
      const row = await tx.invitation.create({ data: { orgId, ...invitation }, select: INVITATION_SELECT });
      const organization = await tx.organization.findUniqueOrThrow({ where: { id: orgId }, select: { name: true } });
      const inviter = await tx.user.findUnique({ where: { id: invitation.invitedByUserId }, select: { displayName: true } });
      return { row, organizationName: organization.name, inviterName: inviter?.displayName ?? null };
    });
  }

  async list(orgId: string): Promise<InvitationRow[]> {
    return withTenant(this.database.client, orgId, (tx) =>
      tx.invitation.findMany({ where: { orgId }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], select: INVITATION_SELECT }),
    );
  }

  /** Revokes a pending invitation; null when there is no such invitation in the organization. */
  async revoke(orgId: string, invitationId: string, now: Date): Promise<InvitationRow | null> {
    return withTenant(this.database.client, orgId, async (tx) => {
      const where = { orgId_id: { orgId, id: invitationId } };
      const invitation = await tx.invitation.findUnique({ where, select: INVITATION_SELECT });
      if (!invitation) return null;
      if (invitation.acceptedAt) throw new AppError('conflict', 'this invitation was already accepted; remove the member instead');
      if (invitation.revokedAt) return invitation;
      return tx.invitation.update({ where, data: { revokedAt: now }, select: INVITATION_SELECT });
    });
  }

  async findPending(tokenHash: string): Promise<PendingInvitation | null> {
    const ref = await withSystem(this.database.client, (tx) => findPendingInvitationByHash(tx, tokenHash));
    if (!ref) return null;
    return withTenant(this.database.client, ref.orgId, async (tx) => {
      const invitation = await tx.invitation.findUnique({
        where: { orgId_id: { orgId: ref.orgId, id: ref.invitationId } },
        select: { id: true, email: true, role: true },
      });
      return invitation ? { ...invitation, orgId: ref.orgId } : null;
    });
  }

  async findUserEmail(userId: string): Promise<string | null> {
    const user = await withSystem(this.database.client, (tx) => tx.user.findUnique({ where: { id: userId }, select: { email: true } }));
    return user?.email ?? null;
  }

  /** Adds an existing user to the organization. */
  async acceptAsUser(invitation: PendingInvitation, userId: string, now: Date): Promise<AcceptedInvitation> {
    return this.accept(invitation, now, () => Promise.resolve(userId));
  }

  /** Creates the account, its membership and a first session, all or nothing. */
  async acceptWithNewAccount(invitation: PendingInvitation, account: InvitedAccount, now: Date): Promise<AcceptedInvitation> {
    return this.accept(invitation, now, async (tx) => {
      const user = await tx.user.create({
        data: { email: account.email, displayName: account.displayName, passwordHash: account.passwordHash, lastLoginAt: now },
        select: { id: true },
      });
      await tx.session.create({
        data: { userId: user.id, tokenHash: account.session.tokenHash, expiresAt: account.session.expiresAt, ...account.client },
      });
      return user.id;
    });
  }

  private async accept(invitation: PendingInvitation, now: Date, joiningUser: (tx: Transaction) => Promise<string>): Promise<AcceptedInvitation> {
    const { orgId } = invitation;
    try {
      return await withTenant(this.database.client, orgId, async (tx) => {
        // Claimed with a conditional update, so two accepts of one link cannot both succeed.
        const claimed = await tx.invitation.updateMany({
          where: { orgId, id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
          data: { acceptedAt: now },
        });
        if (claimed.count !== 1) throw invitationGone();
        const userId = await joiningUser(tx);
        const membership = await tx.membership.create({ data: { orgId, userId, role: invitation.role }, select: { id: true } });
        const organization = await tx.organization.findUniqueOrThrow({ where: { id: orgId }, select: { id: true, name: true, slug: true } });
        return { membershipId: membership.id, role: invitation.role, organization };
      });
    } catch (error) {
      const index = uniqueViolation(error);
      if (index === 'users_email_key') {
        throw new AppError('conflict', 'an account with this email already exists; sign in, then open the invitation link again');
      }
      if (index === 'memberships_org_id_user_id_key') throw new AppError('conflict', 'you are already a member of this organization');
      throw error;
    }
  }
}
