import { describe, expect, it } from '@jest/globals';

import { ApiTokenCreated, ApiTokenParams, CreateApiTokenRequest } from '../src/index.js';
import { issuePaths } from './support/issues.util.js';

describe('API tokens', () => {
  it('creates a read-only or read-write token, optionally expiring after some days', () => {
    expect(CreateApiTokenRequest.parse({ name: 'grafana', access: 'read-only' })).toEqual({ name: 'grafana', access: 'read-only' });
    expect(CreateApiTokenRequest.parse({ name: 'ci', access: 'read-write', expiresInDays: 30 }).expiresInDays).toBe(30);
  });

  it('rejects an unknown access, a fractional or out-of-range expiry and unknown fields', () => {
    expect(issuePaths(CreateApiTokenRequest, { name: 'ci', access: 'admin', expiresInDays: 1.5 })).toEqual(['access', 'expiresInDays']);
    expect(issuePaths(CreateApiTokenRequest, { name: 'ci', access: 'read-only', expiresInDays: 0 })).toEqual(['expiresInDays']);
    expect(issuePaths(CreateApiTokenRequest, { name: 'ci', access: 'read-only', expiresInDays: 366 })).toEqual(['expiresInDays']);
    expect(issuePaths(CreateApiTokenRequest, { name: ' ', access: 'read-only', role: 'owner' })).toEqual(['name', 'role']);
  });

  it('takes a token id in the path', () => {
    expect(issuePaths(ApiTokenParams, { tokenId: 'rat_123' })).toEqual(['tokenId']);
  });

  it('returns the secret beside the listed token, once', () => {
    const apiToken = {
      id: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
      name: 'grafana',
      access: 'read-only',
      prefix: 'rat_3f9a',
      createdBy: { id: '8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e', email: 'alice@example.com' },
      createdAt: '2026-07-01T12:00:00Z',
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    };
    const created = { apiToken, secret: 'rat_'.padEnd(44, 'k') };
    expect(ApiTokenCreated.parse(created)).toEqual(created);
    expect(ApiTokenCreated.parse({ ...created, apiToken: { ...apiToken, createdBy: null } }).apiToken.createdBy).toBeNull();
    expect(issuePaths(ApiTokenCreated, { apiToken: { ...apiToken, secret: created.secret }, secret: created.secret })).toEqual([
      'apiToken.secret',
    ]);
  });
});
