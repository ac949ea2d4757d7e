import { Injectable } from '@nestjs/common';
import type { Member, MemberList, OrgRole } from '@ratchet/contracts';

import { actingUser } from '../../common/auth/acting-user.util.js';
import type { TenantContext } from '../../common/auth/tenant-context.js';
import { assertCanRemove, assertKeepsAnOwner } from './member-policy.util.js';
import { MembersRepository } from './members.repository.js';
import type { MemberRow } from './members.repository.js';

function toMember(row: MemberRow): Member {
  return { id: row.id, userId: row.userId, email: row.user.email, name: row.user.displayName, role: row.role, joinedAt: row.createdAt.toISOString() };
}

@Injectable()
export class MembersService {
  constructor(private readonly members: MembersRepository) {}

  async list(ctx: TenantContext): Promise<MemberList> {
    return { items: (await this.members.list(ctx.orgId)).map(toMember) };
  }

  /** Owners only (the endpoint's role); the last owner cannot step down. */
  async changeRole(ctx: TenantContext, membershipId: string, role: OrgRole): Promise<Member> {
    const row = await this.members.changeRole(ctx.orgId, membershipId, role, (member, owners) => assertKeepsAnOwner(member.role, role, owners));
    return toMember(row);
  }

  async remove(ctx: TenantContext, membershipId: string): Promise<void> {
    const actor = actingUser(ctx);
    await this.members.remove(
      ctx.orgId,
      membershipId,
      (member, owners) => {
        assertCanRemove(actor.role, member.role);
        assertKeepsAnOwner(member.role, null, owners);
      },
      new Date(),
    );
  }
}
