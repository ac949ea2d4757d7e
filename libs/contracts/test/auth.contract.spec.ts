import { describe, expect, it } from '@jest/globals';

import {
  AcceptInvitationRequest,
  CreateInvitationRequest,
  InvitationCreated,
  LoginRequest,
  Me,
  MembershipParams,
  SignUpRequest,
} from '../src/index.js';
import { issuePaths } from './support/issues.util.js';

const TOKEN = 'inv_'.padEnd(40, 'x');

describe('SignUpRequest', () => {
  const signUp = { email: 'Alice@Example.com', password: 'correct horse battery', name: ' Alice ', organizationName: 'Acme' };

  it('lowercases the email and trims names', () => {
    expect(SignUpRequest.parse(signUp)).toEqual({ ...signUp, email: 'alice@example.com', name: 'Alice' });
  });

  it('rejects a short password, a bad email, an empty organization and unknown fields', () => {
    const bad = { ...signUp, email: 'alice', password: 'short', organizationName: '  ', role: 'owner' };
    expect(issuePaths(SignUpRequest, bad)).toEqual(['email', 'password', 'organizationName', 'role']);
  });

  it('rejects a password that is the email address, whatever its case', () => {
    const email = 'alice.longname@example.com';
    expect(issuePaths(SignUpRequest, { ...signUp, email, password: email.toUpperCase() })).toEqual(['password']);
  });
});

describe('LoginRequest', () => {
  it('does not hold an existing password to the sign-up rules', () => {
    expect(LoginRequest.safeParse({ email: 'alice@example.com', password: 'old' }).success).toBe(true);
    expect(issuePaths(LoginRequest, { email: 'alice@example.com', password: '' })).toEqual(['password']);
  });
});

describe('invitations', () => {
  it('invites with one of the three roles', () => {
    expect(CreateInvitationRequest.parse({ email: 'bob@example.com', role: 'viewer' }).role).toBe('viewer');
    expect(issuePaths(CreateInvitationRequest, { email: 'bob@example.com', role: 'editor' })).toEqual(['role']);
  });

  it('accepts with the token alone or with email, name and password together', () => {
    const account = { email: 'Bob@Example.com', name: 'Bob', password: 'correct horse battery' };
    expect(AcceptInvitationRequest.safeParse({ token: TOKEN }).success).toBe(true);
    expect(AcceptInvitationRequest.parse({ token: TOKEN, ...account }).email).toBe('bob@example.com');
    expect(issuePaths(AcceptInvitationRequest, { token: TOKEN, name: 'Bob' })).toEqual(['password']);
    expect(issuePaths(AcceptInvitationRequest, { token: TOKEN, name: 'Bob', password: account.password })).toEqual(['password']);
    expect(issuePaths(AcceptInvitationRequest, { token: TOKEN, ...account, password: 'bob@example.com' })).toEqual(['password']);
    expect(issuePaths(AcceptInvitationRequest, { token: 'short' })).toEqual(['token']);
  });

  it('shows the accept link once, with whether it was emailed', () => {
    const invitation = {
      id: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
      email: 'bob@example.com',
      role: 'viewer',
      status: 'pending',
      invitedBy: null,
      createdAt: '2026-07-01T12:00:00Z',
      expiresAt: '2026-07-08T12:00:00Z',
      acceptedAt: null,
    };
    const created = { invitation, acceptUrl: `https://ratchet.example.com/invite/${TOKEN}`, emailSent: false };
    expect(InvitationCreated.parse(created)).toEqual(created);
    expect(issuePaths(InvitationCreated, { ...created, acceptUrl: 'not a url', token: TOKEN })).toEqual(['acceptUrl', 'token']);
  });
});

describe('members and the signed-in user', () => {
  it('addresses a member by membership id', () => {
    expect(issuePaths(MembershipParams, { membershipId: 'alice' })).toEqual(['membershipId']);
  });

  it('lists every organization of the user with the role in it', () => {
    const me = {
      user: { id: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d', email: 'alice@example.com', name: 'Alice' },
      memberships: [
        {
          membershipId: '8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e',
          organization: { id: '9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f', name: 'Acme', slug: 'acme' },
          role: 'owner',
        },
      ],
    };
    expect(Me.parse(me)).toEqual(me);
    expect(issuePaths(Me, { ...me, memberships: [{ ...me.memberships[0], role: 'root' }] })).toEqual(['memberships[0].role']);
  });
});
