import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiTokenCreated, ApiTokenList } from '@ratchet/contracts';
import request from 'supertest';

import { TOKEN_PREFIX, issueToken } from '../../src/common/auth/token.util.js';
import { createCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant } from '../factories/tenant.factory.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const TOKENS = '/api/v1/api-tokens';
const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const DAY = 86_400_000;

const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });

describe('API tokens', () => {
  let sut: TestApp;
  const db = () => ownerClient(sut.database.url);

  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(async () => {
    await disconnectOwnerClients();
    await sut.close();
  });

  const api = () => request(sut.http);

  async function createToken(tenant: TestTenant, body: Record<string, unknown>): Promise<ApiTokenCreated> {
    return ApiTokenCreated.parse((await api().post(TOKENS).set(tenant.owner.headers).send(body).expect(201)).body);
  }

  it('shows a new token once, lists it without its secret, and stops it when revoked', async () => {
    const tenant = await createTenant(sut.database.url);
    const created = await createToken(tenant, { name: 'grafana', access: 'read-only' });
    expect(created.secret).toMatch(new RegExp(`^${TOKEN_PREFIX.apiToken}[A-Za-z0-9_-]{43}$`));
    expect(created.apiToken).toEqual({
      id: expect.any(String),
      name: 'grafana',
      access: 'read-only',
      prefix: created.secret.slice(0, 10),
      createdBy: { id: tenant.owner.userId, email: tenant.owner.email },
      createdAt: expect.any(String),
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });
    const stored = await db().apiToken.findUniqueOrThrow({ where: { orgId_id: { orgId: tenant.orgId, id: created.apiToken.id } } });
    expect(stored.tokenHash).not.toContain(created.secret);
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);

    const members = await api().get('/api/v1/members').set(bearer(created.secret)).expect(200);
    expect(members.body.items).toHaveLength(1);
    const list = ApiTokenList.parse((await api().get(TOKENS).set(tenant.owner.headers).expect(200)).body);
    expect(JSON.stringify(list)).not.toContain(created.secret.slice(10));
    expect(list.items).toEqual([{ ...created.apiToken, lastUsedAt: expect.any(String) }]);

    await api().delete(`${TOKENS}/${created.apiToken.id}`).set(tenant.owner.headers).expect(204);
    const revoked = await api().get('/api/v1/members').set(bearer(created.secret)).expect(401);
    expect(revoked.body.message).toBe('API token is unknown, revoked or expired');
    await api().delete(`${TOKENS}/${created.apiToken.id}`).set(tenant.owner.headers).expect(204);
    const after = ApiTokenList.parse((await api().get(TOKENS).set(tenant.owner.headers).expect(200)).body);
    expect(after.items[0]!.revokedAt).toEqual(expect.any(String));
  });

  it('lets a read-only token read and refuses it every change; a read-write token changes what admins may', async () => {
    const tenant = await createTenant(sut.database.url);
    const readOnly = bearer((await createToken(tenant, { name: 'reader', access: 'read-only' })).secret);
    const readWrite = bearer((await createToken(tenant, { name: 'writer', access: 'read-write' })).secret);

    await api().get(TOKENS).set(readOnly).expect(200);
    const refused = await api().post(TOKENS).set(readOnly).send({ name: 'more', access: 'read-only' }).expect(403);
    expect(refused.body.message).toBe('this needs the admin role; you have viewer');
    await api().post('/api/v1/invitations').set(readOnly).send({ email: 'x@example.test', role: 'viewer' }).expect(403);
    await api().delete(`${TOKENS}/${MISSING_ID}`).set(readOnly).expect(403);

    await api().post('/api/v1/invitations').set(readWrite).send({ email: 'y@example.test', role: 'viewer' }).expect(201);
    const child = ApiTokenCreated.parse((await api().post(TOKENS).set(readWrite).send({ name: 'child', access: 'read-only' }).expect(201)).body);
    expect(child.apiToken.createdBy).toEqual({ id: tenant.owner.userId, email: tenant.owner.email });
    await api().post('/api/v1/invitations').set(readWrite).send({ email: 'z@example.test', role: 'owner' }).expect(403);
  });

  it('refuses an expired token', async () => {
    const tenant = await createTenant(sut.database.url);
    const before = Date.now();
    const created = await createToken(tenant, { name: 'ci', access: 'read-write', expiresInDays: 30 });
    const expiresAt = new Date(created.apiToken.expiresAt!).getTime();
    expect(expiresAt).toBeGreaterThanOrEqual(before + 30 * DAY);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 30 * DAY);
    await api().get(TOKENS).set(bearer(created.secret)).expect(200);

    await db().apiToken.update({ where: { orgId_id: { orgId: tenant.orgId, id: created.apiToken.id } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await api().get(TOKENS).set(bearer(created.secret)).expect(401);
  });

  it('records last use at most once a minute', async () => {
    const tenant = await createTenant(sut.database.url);
    const created = await createToken(tenant, { name: 'busy', access: 'read-only' });
    const where = { orgId_id: { orgId: tenant.orgId, id: created.apiToken.id } };
    await api().get(TOKENS).set(bearer(created.secret)).expect(200);
    const first = (await db().apiToken.findUniqueOrThrow({ where })).lastUsedAt;
    expect(first).not.toBeNull();
    await api().get(TOKENS).set(bearer(created.secret)).expect(200);
    expect((await db().apiToken.findUniqueOrThrow({ where })).lastUsedAt).toEqual(first);

    const aMinuteAgo = new Date(Date.now() - 61_000);
    await db().apiToken.update({ where, data: { lastUsedAt: aMinuteAgo } });
    await api().get(TOKENS).set(bearer(created.secret)).expect(200);
    expect((await db().apiToken.findUniqueOrThrow({ where })).lastUsedAt!.getTime()).toBeGreaterThan(aMinuteAgo.getTime());
  });

  it('lets viewers list tokens and only admins create and revoke them', async () => {
    const tenant = await createTenant(sut.database.url);
    const viewer = await createMember(sut.database.url, tenant.orgId, 'viewer');
    const admin = await createMember(sut.database.url, tenant.orgId, 'admin');
    const cluster = await createCluster(sut.database.url, tenant.orgId);
    const created = await createToken(tenant, { name: 'shared', access: 'read-only' });

    await api().get(TOKENS).set(viewer.headers).expect(200);
    await api().post(TOKENS).set(viewer.headers).send({ name: 'mine', access: 'read-only' }).expect(403);
    await api().delete(`${TOKENS}/${created.apiToken.id}`).set(viewer.headers).expect(403);
    await api().post(TOKENS).set(admin.headers).send({ name: 'mine', access: 'read-write' }).expect(201);
    await api().delete(`${TOKENS}/${created.apiToken.id}`).set(admin.headers).expect(204);

    await api().get(TOKENS).expect(401);
    await api().post(TOKENS).send({ name: 'x', access: 'read-only' }).expect(401);
    await api().delete(`${TOKENS}/${MISSING_ID}`).expect(401);
    await api().get(TOKENS).set(bearer(issueToken(TOKEN_PREFIX.apiToken).token)).expect(401);
    await api().get(TOKENS).set({ Authorization: 'Bearer rat_short' }).expect(401);
    await api().get(TOKENS).set(cluster.agentHeaders).expect(403);
    await api().post(TOKENS).set(cluster.agentHeaders).send({ name: 'x', access: 'read-only' }).expect(403);
  });

  it('rejects a duplicate name and bad input with the fields named', async () => {
    const tenant = await createTenant(sut.database.url);
    await createToken(tenant, { name: 'deploy', access: 'read-only' });
    const duplicate = await api().post(TOKENS).set(tenant.owner.headers).send({ name: 'deploy', access: 'read-write' }).expect(409);
    expect(duplicate.body.message).toBe('an API token named "deploy" already exists; choose another name');

    const invalid = await api().post(TOKENS).set(tenant.owner.headers).send({ name: '', access: 'admin', expiresInDays: 0, role: 'owner' }).expect(400);
    expect(invalid.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['body.name', 'body.access', 'body.expiresInDays', 'body.role']);
    const badId = await api().delete(`${TOKENS}/rat_123`).set(tenant.owner.headers).expect(400);
    expect(badId.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['params.tokenId']);
  });

  it("keeps each organization's tokens to itself", async () => {
    const tenant = await createTenant(sut.database.url);
    const other = await createTenant(sut.database.url);
    const theirs = await createToken(other, { name: 'theirs', access: 'read-write' });
    await createToken(tenant, { name: 'ours', access: 'read-only' });

    const list = ApiTokenList.parse((await api().get(TOKENS).set(tenant.owner.headers).expect(200)).body);
    expect(list.items.map((token) => token.name)).toEqual(['ours']);
    const foreign = await api().delete(`${TOKENS}/${theirs.apiToken.id}`).set(tenant.owner.headers).expect(404);
    const missing = await api().delete(`${TOKENS}/${MISSING_ID}`).set(tenant.owner.headers).expect(404);
    expect(foreign.body).toEqual(missing.body);
    await api().get(TOKENS).set(bearer(theirs.secret)).expect(200);

    // A token acts in its own organization only: naming another one is a mistake said out loud, not resolved.
    const viaHeader = await api().get(TOKENS).set({ ...bearer(theirs.secret), 'X-Ratchet-Org': tenant.orgId }).expect(400);
    expect(viaHeader.body.code).toBe('bad_request');
    const ownHeader = await api().get(TOKENS).set({ ...bearer(theirs.secret), 'X-Ratchet-Org': other.orgId }).expect(200);
    expect(ownHeader.body.items.map((token: { name: string }) => token.name)).toEqual(['theirs']);
  });
});
