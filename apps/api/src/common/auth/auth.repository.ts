import { Injectable } from '@nestjs/common';
import { findAgentTokenByHash, findApiTokenByHash, listUserMemberships, withSystem, withTenant } from '@ratchet/db';
import type { AgentTokenRef, OrgRole, UserMembershipRef } from '@ratchet/db';

import { Database } from '../../infra/database.provider.js';
import { hasRole } from './roles.js';

// Last-used times are for people reading a list, so a busy token or session writes at most once a minute.
const TOUCH_INTERVAL_MS = 60_000;

function isStale(lastTouched: Date | null, now: Date): boolean {
  return lastTouched === null || now.getTime() - lastTouched.getTime() >= TOUCH_INTERVAL_MS;
}

export interface ActiveSession {
  sessionId: string;
  userId: string;
}

/** The lookups authentication needs before (and just after) the tenant is known. */
@Injectable()
export class AuthRepository {
  private readonly agentTouched = new Map<string, Date>();

  constructor(private readonly database: Database) {}

  async findActiveSession(tokenHash: string, now: Date): Promise<ActiveSession | null> {
    return withSystem(this.database.client, async (tx) => {
      const session = await tx.session.findUnique({
        where: { tokenHash },
        select: { id: true, userId: true, expiresAt: true, revokedAt: true, lastSeenAt: true, user: { select: { disabledAt: true } } },
      });
      if (!session || session.revokedAt || session.expiresAt <= now || session.user.disabledAt) return null;
      if (isStale(session.lastSeenAt, now)) await tx.session.update({ where: { id: session.id }, data: { lastSeenAt: now } });
      return { sessionId: session.id, userId: session.userId };
    });
  }

  async memberships(userId: string): Promise<UserMembershipRef[]> {
    return withSystem(this.database.client, (tx) => listUserMemberships(tx, userId));
  }

  /** The agent token's cluster; records its last use (at most once a minute per process, as API tokens do). */
  async findAgentToken(tokenHash: string, now = new Date()): Promise<AgentTokenRef | null> {
    const ref = await withSystem(this.database.client, (tx) => findAgentTokenByHash(tx, tokenHash));
    if (!ref) return null;
    // Agents call many times a minute: remember the last write here, so most requests cost no extra transaction.
    if (isStale(this.agentTouched.get(ref.tokenId) ?? null, now)) {
      this.agentTouched.set(ref.tokenId, now);
      if (this.agentTouched.size > 10_000) this.agentTouched.clear();
      await withTenant(this.database.client, ref.orgId, (tx) =>
        tx.agentToken.updateMany({
          where: { orgId: ref.orgId, id: ref.tokenId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - TOUCH_INTERVAL_MS) } }] },
          data: { lastUsedAt: now },
        }),
      );
    }
    return ref;
  }

  /**
   * An API token's role and creator, once its hash resolved to an organization. The token acts for its creator,
   * so it never ranks above the creator's current role and stops working when the creator leaves.
   */
  async findApiToken(tokenHash: string, now = new Date()): Promise<{ orgId: string; tokenId: string; role: OrgRole; userId: string | null } | null> {
    const ref = await withSystem(this.database.client, (tx) => findApiTokenByHash(tx, tokenHash));
    if (!ref) return null;
    return withTenant(this.database.client, ref.orgId, async (tx) => {
      const token = await tx.apiToken.findUnique({
        where: { orgId_id: { orgId: ref.orgId, id: ref.tokenId } },
        select: { role: true, createdByUserId: true, lastUsedAt: true },
      });
      if (!token?.createdByUserId) return null;
      const creator = await tx.membership.findUnique({
        where: { orgId_userId: { orgId: ref.orgId, userId: token.createdByUserId } },
        select: { role: true },
      });
      if (!creator) return null;
      if (isStale(token.lastUsedAt, now)) {
        await tx.apiToken.update({ where: { orgId_id: { orgId: ref.orgId, id: ref.tokenId } }, data: { lastUsedAt: now } });
      }
      const role = hasRole(creator.role, token.role) ? token.role : creator.role;
      return { orgId: ref.orgId, tokenId: ref.tokenId, role, userId: token.createdByUserId };
    });
  }
}
