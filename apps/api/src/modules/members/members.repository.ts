import { Injectable } from '@nestjs/common';
import { withTenant } from '@ratchet/db';
import type { OrgRole, Transaction } from '@ratchet/db';

import { AppError } from '../../common/errors/app-error.js';
import { Database } from '../../infra/database.provider.js';

export interface MemberRow {
  id: string;
  userId: string;
  role: OrgRole;
  createdAt: Date;
  user: { email: string; displayName: string };
}

/** Checks a change against the member as it stands and the organization's owner count, both locked. */
export type MemberChangeCheck = (member: MemberRow, owners: number) => void;

const MEMBER_SELECT = { id: true, userId: true, role: true, createdAt: true, user: { select: { email: true, displayName: true } } } as const;

const memberNotFound = () => new AppError('not_found', 'member not found');

@Injectable()
export class MembersRepository {
  constructor(private readonly database: Database) {}

  async list(orgId: string): Promise<MemberRow[]> {
    return withTenant(this.database.client, orgId, (tx) =>
      tx.membership.findMany({ where: { orgId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: MEMBER_SELECT }),
    );
  }

  async changeRole(orgId: string, membershipId: string, role: OrgRole, check: MemberChangeCheck): Promise<MemberRow> {
    return withTenant(this.database.client, orgId, async (tx) => {
      const { member, owners } = await this.lockForChange(tx, orgId, membershipId);
      check(member, owners);
      return tx.membership.update({ where: { orgId_id: { orgId, id: membershipId } }, data: { role }, select: MEMBER_SELECT });
    });
  }

  /** Removes the membership and revokes the API tokens the member created here, which act on their behalf. */
  async remove(orgId: string, membershipId: string, check: MemberChangeCheck, now: Date): Promise<void> {
    await withTenant(this.database.client, orgId, async (tx) => {
      const { member, owners } = await this.lockForChange(tx, orgId, membershipId);
      check(member, owners);
      await tx.membership.delete({ where: { orgId_id: { orgId, id: membershipId } } });
      await tx.apiToken.updateMany({ where: { orgId, createdByUserId: member.userId, revokedAt: null }, data: { revokedAt: now } });
    });
  }

  // Locks the owners and the member, so two owners demoting each other at once cannot leave none.
  private async lockForChange(tx: Transaction, orgId: string, membershipId: string): Promise<{ member: MemberRow; owners: number }> {
    const locked = await tx.$queryRaw<{ id: string; role: OrgRole }[]>`
      SELECT id, role::text AS role FROM memberships
      WHERE org_id = ${orgId}::uuid AND (role = 'owner' OR id = ${membershipId}::uuid)
      ORDER BY id
      FOR UPDATE`;
    if (!locked.some((row) => row.id === membershipId)) throw memberNotFound();
    const member = await tx.membership.findUnique({ where: { orgId_id: { orgId, id: membershipId } }, select: MEMBER_SELECT });
    if (!member) throw memberNotFound();
    return { member, owners: locked.filter((row) => row.role === 'owner').length };
  }
}
