import { describe, expect, it } from '@jest/globals';

import { ApiTokenCreated, CreateApiTokenRequest } from '../src/index.js';
import { issuePaths } from './support/issues.util.js';

describe('API tokens', () => {
  it('creates a read-only or read-write token, optionally expiring', () => {
    expect(CreateApiTokenRequest.parse({ name: 'grafana', scope: 'read-only' })).toEqual({ name: 'grafana', scope: 'read-only' });
    expect(CreateApiTokenRequest.safeParse({ name: 'ci', scope: 'read-write', expiresAt: '2027-01-01T00:00:00Z' }).success).toBe(true);
  });

  it('rejects an unknown scope and an expiry without offset', () => {
    expect(issuePaths(CreateApiTokenRequest, { name: 'ci', scope: 'admin', expiresAt: '2027-01-01' })).toEqual(['scope', 'expiresAt']);
  });

  it('returns the secret beside the listed token, once', () => {
    const apiToken = {
      id: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
      name: 'grafana',
      scope: 'read-only',
      prefix: 'rat_3f9a',
      createdBy: { id: '8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e', email: 'alice@example.com' },
      createdAt: '2026-07-01T12:00:00Z',
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    };
    const created = { apiToken, secret: 'rat_'.padEnd(44, 'k') };
    expect(ApiTokenCreated.parse(created)).toEqual(created);
    expect(issuePaths(ApiTokenCreated, { apiToken: { ...apiToken, secret: created.secret }, secret: created.secret })).toEqual([
      'apiToken.secret',
    ]);
  });
});
