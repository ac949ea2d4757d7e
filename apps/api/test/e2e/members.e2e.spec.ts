import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Member, MemberList } from '@ratchet/contracts';
import type { OrgRole } from '@ratchet/contracts';
import request from 'supertest';

import { createCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients } from '../factories/db.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant, TestUser } from '../factories/tenant.factory.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const MEMBERS = '/api/v1/members';
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe('members', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(async () => {
    await disconnectOwnerClients();
    await sut.close();
  });

  const api = () => request(sut.http);
  const member = (tenant: TestTenant, role: OrgRole) => createMember(sut.database.url, tenant.orgId, role);

  async function membershipOf(tenant: TestTenant, user: TestUser): Promise<Member> {
    const list = MemberList.parse((await api().get(MEMBERS).set(tenant.owner.headers).expect(200)).body);
    const found = list.items.find((item) => item.userId === user.userId);
    if (!found) throw new Error(`${user.email} is not a member`);
    return found;
  }

  async function createApiToken(user: TestUser, access: 'read-only' | 'read-write'): Promise<Record<string, string>> {
    const response = await api().post('/api/v1/api-tokens').set(user.headers).send({ name: `token ${user.email} ${access}`, access }).expect(201);
    return { Authorization: `Bearer ${response.body.secret}` };
  }

  it('lists the members with their roles to any member, and none of another organization', async () => {
    const tenant = await createTenant(sut.database.url);
    const admin = await member(tenant, 'admin');
    const viewer = await member(tenant, 'viewer');
    const other = await createTenant(sut.database.url);
    await member(other, 'viewer');

    const response = await api().get(MEMBERS).set(viewer.headers).expect(200);
    const list = MemberList.parse(response.body);
    expect(list.items.map((item) => [item.userId, item.email, item.role])).toEqual([
      [tenant.owner.userId, tenant.owner.email, 'owner'],
      [admin.userId, admin.email, 'admin'],
      [viewer.userId, viewer.email, 'viewer'],
    ]);
    expect(list.items[0]).toEqual({
      id: expect.any(String),
      userId: tenant.owner.userId,
      email: tenant.owner.email,
      name: `User ${tenant.owner.email}`,
      role: 'owner',
      joinedAt: expect.any(String),
    });
    await api().get(MEMBERS).set(await createApiToken(admin, 'read-only')).expect(200);
  });

  it('needs credentials, and refuses agent tokens', async () => {
    const tenant = await createTenant(sut.database.url);
    const cluster = await createCluster(sut.database.url, tenant.orgId);
    await api().get(MEMBERS).expect(401);
    await api().patch(`${MEMBERS}/${MISSING_ID}`).send({ role: 'admin' }).expect(401);
    await api().delete(`${MEMBERS}/${MISSING_ID}`).expect(401);
    await api().get(MEMBERS).set(cluster.agentHeaders).expect(403);
    await api().delete(`${MEMBERS}/${MISSING_ID}`).set(cluster.agentHeaders).expect(403);
  });

  it("lets only owners change roles: admins, viewers and read-write tokens get 403", async () => {
    const tenant = await createTenant(sut.database.url);
    const admin = await member(tenant, 'admin');
    const viewer = await member(tenant, 'viewer');
    const target = await membershipOf(tenant, viewer);
    const adminToken = await createApiToken(admin, 'read-write');

    for (const headers of [admin.headers, viewer.headers, adminToken]) {
      const response = await api().patch(`${MEMBERS}/${target.id}`).set(headers).send({ role: 'admin' }).expect(403);
      expect(response.body.message).toMatch(/^this needs the owner role; you have (admin|viewer)$/);
    }
    const changed = await api().patch(`${MEMBERS}/${target.id}`).set(tenant.owner.headers).send({ role: 'admin' }).expect(200);
    expect(Member.parse(changed.body)).toEqual({ ...target, role: 'admin' });
    // The new role applies to the member's next request.
    await api().post('/api/v1/invitations').set(viewer.headers).send({ email: 'new@example.test', role: 'viewer' }).expect(201);
  });

  it('keeps at least one owner', async () => {
    const tenant = await createTenant(sut.database.url);
    const self = await membershipOf(tenant, tenant.owner);
    const lastOwner = await api().patch(`${MEMBERS}/${self.id}`).set(tenant.owner.headers).send({ role: 'admin' }).expect(409);
    expect(lastOwner.body.message).toBe('this is the last owner of the organization; make another member an owner first');
    await api().delete(`${MEMBERS}/${self.id}`).set(tenant.owner.headers).expect(409);

    const second = await member(tenant, 'admin');
    const secondMembership = await membershipOf(tenant, second);
    await api().patch(`${MEMBERS}/${secondMembership.id}`).set(tenant.owner.headers).send({ role: 'owner' }).expect(200);
    await api().patch(`${MEMBERS}/${self.id}`).set(tenant.owner.headers).send({ role: 'admin' }).expect(200);
    // Now the second owner is the last one.
    await api().patch(`${MEMBERS}/${secondMembership.id}`).set(second.headers).send({ role: 'viewer' }).expect(409);
    await api().delete(`${MEMBERS}/${secondMembership.id}`).set(second.headers).expect(409);
  });

  it('lets owners demote each other concurrently without leaving the organization ownerless', async () => {
    const tenant = await createTenant(sut.database.url);
    const other = await member(tenant, 'owner');
    const [ownerMembership, otherMembership] = [await membershipOf(tenant, tenant.owner), await membershipOf(tenant, other)];
    const statuses = await Promise.all([
      api().patch(`${MEMBERS}/${otherMembership.id}`).set(tenant.owner.headers).send({ role: 'viewer' }),
      api().patch(`${MEMBERS}/${ownerMembership.id}`).set(other.headers).send({ role: 'viewer' }),
    ]).then((responses) => responses.map((response) => response.status).sort());
    // One demotion wins; the other finds the organization down to its last owner (or its caller no longer one).
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const owners = MemberList.parse((await api().get(MEMBERS).set(other.headers).expect(200)).body).items.filter((item) => item.role === 'owner');
    expect(owners).toHaveLength(1);
  });

  it('lets admins remove admins and viewers, and only owners remove owners', async () => {
    const tenant = await createTenant(sut.database.url);
    const admin = await member(tenant, 'admin');
    const otherAdmin = await member(tenant, 'admin');
    const viewer = await member(tenant, 'viewer');
    const coOwner = await member(tenant, 'owner');

    const ownerMembership = await membershipOf(tenant, tenant.owner);
    const forbidden = await api().delete(`${MEMBERS}/${ownerMembership.id}`).set(admin.headers).expect(403);
    expect(forbidden.body.message).toBe('removing an owner needs the owner role');
    await api().delete(`${MEMBERS}/${(await membershipOf(tenant, admin)).id}`).set(viewer.headers).expect(403);

    await api().delete(`${MEMBERS}/${(await membershipOf(tenant, viewer)).id}`).set(admin.headers).expect(204);
    await api().delete(`${MEMBERS}/${(await membershipOf(tenant, otherAdmin)).id}`).set(admin.headers).expect(204);
    await api().delete(`${MEMBERS}/${(await membershipOf(tenant, coOwner)).id}`).set(tenant.owner.headers).expect(204);

    const remaining = MemberList.parse((await api().get(MEMBERS).set(tenant.owner.headers).expect(200)).body);
    expect(remaining.items.map((item) => item.userId)).toEqual([tenant.owner.userId, admin.userId]);
    // A removed member's session no longer reaches the organization.
    await api().get(MEMBERS).set(viewer.headers).expect(404);
  });

  it("revokes a removed member's API tokens, and caps tokens at their creator's current role", async () => {
    const tenant = await createTenant(sut.database.url);
    const admin = await member(tenant, 'admin');
    const readWrite = await createApiToken(admin, 'read-write');
    const invite = () => api().post('/api/v1/invitations').set(readWrite).send({ email: `x${Date.now()}@example.test`, role: 'viewer' });
    await invite().expect(201);

    const adminMembership = await membershipOf(tenant, admin);
    await api().patch(`${MEMBERS}/${adminMembership.id}`).set(tenant.owner.headers).send({ role: 'viewer' }).expect(200);
    await invite().expect(403);
    await api().get(MEMBERS).set(readWrite).expect(200);
    await api().patch(`${MEMBERS}/${adminMembership.id}`).set(tenant.owner.headers).send({ role: 'admin' }).expect(200);
    await invite().expect(201);

    await api().delete(`${MEMBERS}/${adminMembership.id}`).set(tenant.owner.headers).expect(204);
    await api().get(MEMBERS).set(readWrite).expect(401);
    const tokens = await api().get('/api/v1/api-tokens').set(tenant.owner.headers).expect(200);
    expect(tokens.body.items.map((token: { revokedAt: string | null }) => token.revokedAt)).toEqual([expect.any(String)]);
  });

  it("answers 404 for another organization's membership and for an unknown one, and 400 for bad input", async () => {
    const tenant = await createTenant(sut.database.url);
    const other = await createTenant(sut.database.url);
    const otherViewer = await member(other, 'viewer');
    const foreign = await membershipOf(other, otherViewer);

    for (const id of [foreign.id, MISSING_ID]) {
      const patch = await api().patch(`${MEMBERS}/${id}`).set(tenant.owner.headers).send({ role: 'admin' }).expect(404);
      expect(patch.body).toEqual({ code: 'not_found', message: 'member not found', details: {} });
      await api().delete(`${MEMBERS}/${id}`).set(tenant.owner.headers).expect(404);
    }
    expect((await membershipOf(other, otherViewer)).role).toBe('viewer');

    const invalid = await api().patch(`${MEMBERS}/not-a-uuid`).set(tenant.owner.headers).send({ role: 'boss', extra: 1 }).expect(400);
    expect(invalid.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['params.membershipId', 'body.role', 'body.extra']);
    const badDelete = await api().delete(`${MEMBERS}/42`).set(tenant.owner.headers).expect(400);
    expect(badDelete.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['params.membershipId']);
  });
});
