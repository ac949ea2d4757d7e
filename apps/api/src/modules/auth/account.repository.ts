import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { listUserMemberships, withSystem, withTenant } from '@ratchet/db';
import type { OrgRole } from '@ratchet/db';

import { AppError } from '../../common/errors/app-error.js';
import { uniqueViolation } from '../../common/errors/postgres-error.util.js';
import { Database } from '../../infra/database.provider.js';
import type { NewSession, SessionClient } from './session-token.util.js';

export interface UserRow {
  id: string;
  email: string;
  displayName: string;
}

export interface LoginCandidate {
  id: string;
  passwordHash: string;
  disabledAt: Date | null;
}

export interface MembershipRow {
  membershipId: string;
  role: OrgRole;
  organization: { id: string; name: string; slug: string };
}

export interface SessionRow {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date | null;
  ipAddress: string | null;
  userAgent: string | null;
}

export interface NewAccount {
  email: string;
  displayName: string;
  passwordHash: string;
  organizationName: string;
  /** The organization's slug for an attempt: 0 first, then higher after each collision. */
  slugFor: (attempt: number) => string;
  session: NewSession;
  client: SessionClient;
}

const SLUG_ATTEMPTS = 5;


/** Users and their sessions (global tables), and the organization a sign-up creates. */
@Injectable()
export class AccountRepository {
  constructor(private readonly database: Database) {}

  /** The user, their organization (as owner) and a first session, in one transaction. */
  async createAccount(account: NewAccount, now: Date): Promise<{ userId: string; orgId: string }> {
    for (let attempt = 0; ; attempt += 1) {
      // The tenant transaction needs the organization's id before the row exists.
      const orgId = randomUUID();
      try {
        return await withTenant(this.database.client, orgId, async (tx) => {
          const user = await tx.user.create({
            data: { email: account.email, displayName: account.displayName, passwordHash: account.passwordHash, lastLoginAt: now },
            select: { id: true },
          });
          await tx.organization.create({ data: { id: orgId, name: account.organizationName, slug: account.slugFor(attempt) } });
          await tx.membership.create({ data: { orgId, userId: user.id, role: 'owner' } });
          await tx.session.create({
            data: { userId: user.id, tokenHash: account.session.tokenHash, expiresAt: account.session.expiresAt, ...account.client },
          });
          return { userId: user.id, orgId };
        });
      } catch (error) {
        const index = uniqueViolation(error);
        if (index === 'users_email_key') throw new AppError('conflict', 'an account with this email already exists; sign in instead');
        if (index === 'organizations_slug_key' && attempt + 1 < SLUG_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  async findLoginCandidate(email: string): Promise<LoginCandidate | null> {
    return withSystem(this.database.client, (tx) =>
      tx.user.findUnique({ where: { email }, select: { id: true, passwordHash: true, disabledAt: true } }),
    );
  }

  async startSession(userId: string, session: NewSession, client: SessionClient, now: Date): Promise<void> {
    await withSystem(this.database.client, async (tx) => {
      await tx.session.create({ data: { userId, tokenHash: session.tokenHash, expiresAt: session.expiresAt, ...client } });
      await tx.user.update({ where: { id: userId }, data: { lastLoginAt: now } });
    });
  }

  async findUser(userId: string): Promise<UserRow | null> {
    return withSystem(this.database.client, (tx) =>
      tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, displayName: true } }),
    );
  }

  /** Every organization of the user; each is read in its own tenant transaction, as row-level security wants. */
  async memberships(userId: string): Promise<MembershipRow[]> {
    const refs = await withSystem(this.database.client, (tx) => listUserMemberships(tx, userId));
    const rows = await Promise.all(
      refs.map((ref) =>
        withTenant(this.database.client, ref.orgId, async (tx): Promise<MembershipRow | null> => {
          const organization = await tx.organization.findUnique({ where: { id: ref.orgId }, select: { id: true, name: true, slug: true } });
          return organization ? { membershipId: ref.membershipId, role: ref.role, organization } : null;
        }),
      ),
    );
    return rows.filter((row) => row !== null);
  }

  async liveSessions(userId: string, now: Date): Promise<SessionRow[]> {
    return withSystem(this.database.client, (tx) =>
      tx.session.findMany({
        where: { userId, revokedAt: null, expiresAt: { gt: now } },
        orderBy: { createdAt: 'desc' },
        select: { id: true, createdAt: true, expiresAt: true, lastSeenAt: true, ipAddress: true, userAgent: true },
      }),
    );
  }

  /** Revokes one of the user's live sessions; false when the user has no such live session. */
  async revokeSession(userId: string, sessionId: string, now: Date): Promise<boolean> {
    const { count } = await withSystem(this.database.client, (tx) =>
      tx.session.updateMany({ where: { id: sessionId, userId, revokedAt: null, expiresAt: { gt: now } }, data: { revokedAt: now } }),
    );
    return count === 1;
  }
}
