import type { OrgRole } from '@ratchet/contracts';

import { hasRole } from '../../common/auth/roles.js';
import { AppError } from '../../common/errors/app-error.js';

// Who may do what to whom among members. The endpoint's role gates the caller first; these rules then look at
// the member being changed, which the guard cannot see.

/** Admins invite admins and viewers; only owners invite owners. */
export function assertCanInvite(actorRole: OrgRole, invitedRole: OrgRole): void {
  if (!hasRole(actorRole, invitedRole)) {
    throw new AppError('forbidden', 'only owners can invite owners; invite as admin or viewer, or ask an owner');
  }
}

/** Admins remove admins and viewers; removing an owner takes an owner. */
export function assertCanRemove(actorRole: OrgRole, memberRole: OrgRole): void {
  if (!hasRole(actorRole, memberRole)) throw new AppError('forbidden', `removing an ${memberRole} needs the ${memberRole} role`);
}

/**
 * An organization always keeps an owner: the last one can neither leave nor step down. `newRole` is null for a
 * removal.
 */
export function assertKeepsAnOwner(memberRole: OrgRole, newRole: OrgRole | null, owners: number): void {
  if (memberRole === 'owner' && newRole !== 'owner' && owners <= 1) {
    throw new AppError('conflict', 'this is the last owner of the organization; make another member an owner first');
  }
}
