import { describe, expect, it } from '@jest/globals';

import { AcceptInvitationRequest, CreateInvitationRequest, LoginRequest, SignUpRequest } from '../src/index.js';
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

  it('accepts with the token alone or with name and password together', () => {
    expect(AcceptInvitationRequest.safeParse({ token: TOKEN }).success).toBe(true);
    expect(AcceptInvitationRequest.safeParse({ token: TOKEN, name: 'Bob', password: 'correct horse battery' }).success).toBe(true);
    expect(issuePaths(AcceptInvitationRequest, { token: TOKEN, name: 'Bob' })).toEqual(['password']);
    expect(issuePaths(AcceptInvitationRequest, { token: 'short' })).toEqual(['token']);
  });
});
