import { Injectable } from '@nestjs/common';
import { findAgentTokenByHash, findApiTokenByHash, listUserMemberships, withSystem, withTenant } from '@ratchet/db';
import type { AgentTokenRef, OrgRole, UserMembershipRef } from '@ratchet/db';

import { Database } from '../../infra/database.provider.js';

export interface ActiveSession {
  sessionId: string;
  userId: string;
}

/** The lookups authentication needs before (and just after) the tenant is known. */
@Injectable()
export class AuthRepository {
  constructor(private readonly database: Database) {}

  async findActiveSession(tokenHash: string, now: Date): Promise<ActiveSession | null> {
    return withSystem(this.database.client, async (tx) => {
      const session = await tx.session.findUnique({
        where: { tokenHash },
        select: { id: true, userId: true, expiresAt: true, revokedAt: true, user: { select: { disabledAt: true } } },
      });
      if (!session || session.revokedAt || session.expiresAt <= now || session.user.disabledAt) return null;
      return { sessionId: session.id, userId: session.userId };
    });
  }

  async memberships(userId: string): Promise<UserMembershipRef[]> {
    return withSystem(this.database.client, (tx) => listUserMemberships(tx, userId));
  }

  async findAgentToken(tokenHash: string): Promise<AgentTokenRef | null> {
    return withSystem(this.database.client, (tx) => findAgentTokenByHash(tx, tokenHash));
  }

  /** An API token's role and creator, once its hash resolved to an organization. */
  async findApiToken(tokenHash: string): Promise<{ orgId: string; tokenId: string; role: OrgRole; userId: string | null } | null> {
    const ref = await withSystem(this.database.client, (tx) => findApiTokenByHash(tx, tokenHash));
    if (!ref) return null;
    return withTenant(this.database.client, ref.orgId, async (tx) => {
      const token = await tx.apiToken.findUnique({
        where: { orgId_id: { orgId: ref.orgId, id: ref.tokenId } },
        select: { role: true, createdByUserId: true },
      });
      return token ? { orgId: ref.orgId, tokenId: ref.tokenId, role: token.role, userId: token.createdByUserId } : null;
    });
  }
}
