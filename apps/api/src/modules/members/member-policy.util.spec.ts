import { describe, expect, it } from '@jest/globals';
import type { OrgRole } from '@ratchet/contracts';

import { assertCanInvite, assertCanRemove, assertKeepsAnOwner } from './member-policy.util.js';

const ROLES: OrgRole[] = ['owner', 'admin', 'viewer'];

function outcome(check: () => void): string {
  try {
    check();
    return 'ok';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('member policy', () => {
  it('lets a caller invite at or below their own role', () => {
    const sut = ROLES.map((actor) => ROLES.map((invited) => outcome(() => assertCanInvite(actor, invited))));
    expect(sut).toEqual([
      ['ok', 'ok', 'ok'],
      ['forbidden', 'ok', 'ok'],
      ['forbidden', 'forbidden', 'ok'],
    ]);
  });

  it('lets a caller remove members at or below their own role', () => {
    const sut = ROLES.map((actor) => ROLES.map((member) => outcome(() => assertCanRemove(actor, member))));
    expect(sut).toEqual([
      ['ok', 'ok', 'ok'],
      ['forbidden', 'ok', 'ok'],
      ['forbidden', 'forbidden', 'ok'],
    ]);
  });

  it('refuses to remove or demote the last owner, and nothing else', () => {
    expect(outcome(() => assertKeepsAnOwner('owner', null, 1))).toBe('conflict');
    expect(outcome(() => assertKeepsAnOwner('owner', 'admin', 1))).toBe('conflict');
    expect(outcome(() => assertKeepsAnOwner('owner', 'owner', 1))).toBe('ok');
    expect(outcome(() => assertKeepsAnOwner('owner', 'viewer', 2))).toBe('ok');
    expect(outcome(() => assertKeepsAnOwner('admin', null, 1))).toBe('ok');
    expect(outcome(() => assertKeepsAnOwner('viewer', 'admin', 0))).toBe('ok');
  });
});
