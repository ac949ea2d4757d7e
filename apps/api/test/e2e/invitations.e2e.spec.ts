import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvitationAccepted, InvitationCreated, InvitationList, Me } from '@ratchet/contracts';
import type { OrgRole } from '@ratchet/contracts';
import request from 'supertest';

import { SESSION_COOKIE } from '../../src/common/auth/session-cookie.js';
import { TOKEN_PREFIX, issueToken } from '../../src/common/auth/token.util.js';
import { sessionCookieOf, signUp, testClientIp } from '../factories/account.factory.js';
import { createCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant } from '../factories/tenant.factory.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';
import { startTestSmtpServer } from '../support/test-smtp-server.js';
import type { TestSmtpServer } from '../support/test-smtp-server.js';

const PUBLIC_URL = 'https://ratchet.example.test/';
const INVITATIONS = '/api/v1/invitations';
const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const GONE = 'this invitation link is invalid, expired, revoked or already used; ask an admin of the organization for a new one';
const DAY = 86_400_000;

const tokenOf = (created: InvitationCreated) => created.acceptUrl.split('/invite/')[1]!;
let sequence = 0;
const newEmail = () => `invitee-${Date.now()}-${(sequence += 1)}@example.test`;

describe('invitations', () => {
  let sut: TestApp;
  const ip = testClientIp();
  const db = () => ownerClient(sut.database.url);

  beforeAll(async () => {
    sut = await startTestApp({ RATCHET_PUBLIC_URL: PUBLIC_URL, RATCHET_LOGIN_RATE_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await disconnectOwnerClients();
    await sut.close();
  });

  const api = () => request(sut.http);
  const accept = (body: Record<string, unknown>, cookie?: string) => {
    const call = api().post(`${INVITATIONS}/accept`).set('X-Forwarded-For', ip);
    return cookie ? call.set('Cookie', cookie).send(body) : call.send(body);
  };

  async function invite(headers: Record<string, string>, email: string, role: OrgRole = 'viewer'): Promise<InvitationCreated> {
    const response = await api().post(INVITATIONS).set(headers).send({ email, role }).expect(201);
    return InvitationCreated.parse(response.body);
  }

  it('invites by email and shows the accept link once, unsent without SMTP', async () => {
    const tenant = await createTenant(sut.database.url);
    const before = Date.now();
    const created = await invite(tenant.owner.headers, 'Bob@Example.test', 'admin');
    expect(created.acceptUrl).toMatch(new RegExp(`^https://ratchet\\.example\\.test/invite/${TOKEN_PREFIX.invitation}[A-Za-z0-9_-]{43}$`));
    expect(created.emailSent).toBe(false);
    expect(created.invitation).toEqual({
      id: expect.any(String),
      email: 'bob@example.test',
      role: 'admin',
      status: 'pending',
      invitedBy: { id: tenant.owner.userId, email: tenant.owner.email },
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
      acceptedAt: null,
    });
    const expiresAt = new Date(created.invitation.expiresAt).getTime();
    expect(expiresAt).toBeGreaterThanOrEqual(before + 7 * DAY - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 7 * DAY);

    const list = InvitationList.parse((await api().get(INVITATIONS).set(tenant.owner.headers).expect(200)).body);
    expect(list.items).toEqual([created.invitation]);
    expect(JSON.stringify(list)).not.toContain(tokenOf(created));
  });

  it('lets admins invite admins and viewers, owners invite owners, and nobody else invite', async () => {
    const tenant = await createTenant(sut.database.url);
    const admin = await createMember(sut.database.url, tenant.orgId, 'admin');
    const viewer = await createMember(sut.database.url, tenant.orgId, 'viewer');
    const cluster = await createCluster(sut.database.url, tenant.orgId);

    await invite(admin.headers, newEmail(), 'admin');
    const ownerByAdmin = await api().post(INVITATIONS).set(admin.headers).send({ email: newEmail(), role: 'owner' }).expect(403);
    expect(ownerByAdmin.body.message).toBe('only owners can invite owners; invite as admin or viewer, or ask an owner');
    await invite(tenant.owner.headers, newEmail(), 'owner');

    await api().post(INVITATIONS).set(viewer.headers).send({ email: newEmail(), role: 'viewer' }).expect(403);
    await api().get(INVITATIONS).set(viewer.headers).expect(403);
    await api().delete(`${INVITATIONS}/${MISSING_ID}`).set(viewer.headers).expect(403);
    await api().post(INVITATIONS).send({ email: newEmail(), role: 'viewer' }).expect(401);
    await api().get(INVITATIONS).expect(401);
    await api().delete(`${INVITATIONS}/${MISSING_ID}`).expect(401);
    await api().post(INVITATIONS).set(cluster.agentHeaders).send({ email: newEmail(), role: 'viewer' }).expect(403);
    await api().get(INVITATIONS).set(cluster.agentHeaders).expect(403);
  });

  it('refuses to invite a member, and replaces an earlier invitation to the same address', async () => {
    const tenant = await createTenant(sut.database.url);
    const member = await createMember(sut.database.url, tenant.orgId, 'viewer');
    const conflict = await api().post(INVITATIONS).set(tenant.owner.headers).send({ email: member.email, role: 'admin' }).expect(409);
    expect(conflict.body.message).toContain('already a member');

    const email = newEmail();
    const first = await invite(tenant.owner.headers, email);
    const second = await invite(tenant.owner.headers, email, 'admin');
    const list = InvitationList.parse((await api().get(INVITATIONS).set(tenant.owner.headers).expect(200)).body);
    expect(list.items.map((item) => [item.id, item.status])).toEqual([
      [second.invitation.id, 'pending'],
      [first.invitation.id, 'revoked'],
    ]);
    expect((await accept({ token: tokenOf(first), email, name: 'Late', password: 'a long enough passphrase' }).expect(404)).body.message).toBe(GONE);
  });

  it('rejects bad invitations with the fields named', async () => {
    const tenant = await createTenant(sut.database.url);
    const response = await api().post(INVITATIONS).set(tenant.owner.headers).send({ email: 'nope', role: 'superuser', note: 'hi' }).expect(400);
    expect(response.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['body.email', 'body.role', 'body.note']);
    const badId = await api().delete(`${INVITATIONS}/nope`).set(tenant.owner.headers).expect(400);
    expect(badId.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['params.invitationId']);
  });

  it('creates an account from an invitation, signs it in, and uses the link up', async () => {
    const tenant = await createTenant(sut.database.url);
    const email = newEmail();
    const created = await invite(tenant.owner.headers, email, 'admin');
    const body = { token: tokenOf(created), email: email.toUpperCase(), name: 'New Admin', password: 'a long enough passphrase' };

    const response = await accept(body).expect(200);
    const accepted = InvitationAccepted.parse(response.body);
    expect(accepted).toEqual({
      membershipId: expect.any(String),
      organization: { id: tenant.orgId, name: expect.any(String), slug: expect.any(String) },
      role: 'admin',
      accountCreated: true,
    });
    const cookie = sessionCookieOf(response);
    const me = Me.parse((await api().get('/api/v1/me').set('Cookie', cookie).expect(200)).body);
    expect(me.user).toEqual({ id: expect.any(String), email, name: 'New Admin' });
    expect(me.memberships).toEqual([{ membershipId: accepted.membershipId, organization: accepted.organization, role: 'admin' }]);
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    await api().post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password: body.password }).expect(200);

    expect((await accept(body).expect(404)).body).toEqual({ code: 'not_found', message: GONE, details: {} });
    const list = InvitationList.parse((await api().get(INVITATIONS).set(tenant.owner.headers).expect(200)).body);
    expect(list.items[0]).toMatchObject({ status: 'accepted', acceptedAt: expect.any(String) });
    const revokeAccepted = await api().delete(`${INVITATIONS}/${created.invitation.id}`).set(tenant.owner.headers).expect(409);
    expect(revokeAccepted.body.message).toContain('remove the member instead');
  });

  it('holds a new account to the invited address, and sends existing accounts to sign in', async () => {
    const tenant = await createTenant(sut.database.url);
    const existing = await signUp(sut.http, ip);
    const created = await invite(tenant.owner.headers, newEmail());
    const mismatch = await accept({ token: tokenOf(created), email: newEmail(), name: 'X', password: 'a long enough passphrase' }).expect(400);
    expect(mismatch.body.details.issues).toEqual([{ path: 'body.email', message: 'must be the email address the invitation was sent to' }]);

    const forExisting = await invite(tenant.owner.headers, existing.email);
    const taken = await accept({ token: tokenOf(forExisting), email: existing.email, name: 'X', password: 'a long enough passphrase' }).expect(409);
    expect(taken.body.message).toBe('an account with this email already exists; sign in, then open the invitation link again');
    // Nothing was used up: the existing user can still accept it signed in.
    await accept({ token: tokenOf(forExisting) }, existing.cookie).expect(200);
  });

  it('adds a signed-in user to the organization, without a new session', async () => {
    const tenant = await createTenant(sut.database.url);
    const user = await signUp(sut.http, ip);
    const created = await invite(tenant.owner.headers, user.email, 'viewer');

    const anonymous = await accept({ token: tokenOf(created) }).expect(401);
    expect(anonymous.body.message).toBe('sign in first, or send email, name and password to create an account with the invitation');
    await accept({ token: tokenOf(created) }, `${SESSION_COOKIE}=${issueToken(TOKEN_PREFIX.session).token}`).expect(401);
    const stranger = await signUp(sut.http, ip);
    const wrongUser = await accept({ token: tokenOf(created) }, stranger.cookie).expect(403);
    expect(wrongUser.body.message).toBe('this invitation was sent to another email address; sign in with that address to accept it');

    const response = await accept({ token: tokenOf(created) }, user.cookie).expect(200);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(InvitationAccepted.parse(response.body)).toMatchObject({ organization: { id: tenant.orgId }, role: 'viewer', accountCreated: false });
    const me = Me.parse((await api().get('/api/v1/me').set('Cookie', user.cookie).expect(200)).body);
    expect(me.memberships.map((membership) => [membership.organization.id, membership.role])).toEqual([
      [user.orgId, 'owner'],
      [tenant.orgId, 'viewer'],
    ]);
    await api().get('/api/v1/members').set({ Cookie: user.cookie, 'X-Ratchet-Org': tenant.orgId }).expect(200);
    await accept({ token: tokenOf(created) }, user.cookie).expect(404);
  });

  it('answers 409 to a member accepting another invitation to their organization', async () => {
    const tenant = await createTenant(sut.database.url);
    const user = await signUp(sut.http, ip);
    const first = await invite(tenant.owner.headers, user.email);
    await accept({ token: tokenOf(first) }, user.cookie).expect(200);
    // Straight to the database: the API refuses to invite a member.
    const token = issueToken(TOKEN_PREFIX.invitation);
    await db().invitation.create({
      data: { orgId: tenant.orgId, email: user.email, role: 'admin', tokenHash: token.hash, expiresAt: new Date(Date.now() + DAY) },
    });
    const response = await accept({ token: token.token }, user.cookie).expect(409);
    expect(response.body.message).toBe('you are already a member of this organization');
    const pending = await db().invitation.findUniqueOrThrow({ where: { tokenHash: token.hash } });
    expect(pending.acceptedAt).toBeNull();
  });

  it('answers 404 for revoked, expired and unknown links, and 400 for a malformed one', async () => {
    const tenant = await createTenant(sut.database.url);
    const account = { name: 'Late', password: 'a long enough passphrase' };

    const revokedEmail = newEmail();
    const revoked = await invite(tenant.owner.headers, revokedEmail);
    await api().delete(`${INVITATIONS}/${revoked.invitation.id}`).set(tenant.owner.headers).expect(204);
    await api().delete(`${INVITATIONS}/${revoked.invitation.id}`).set(tenant.owner.headers).expect(204);
    expect((await accept({ token: tokenOf(revoked), email: revokedEmail, ...account }).expect(404)).body.message).toBe(GONE);

    const expiredEmail = newEmail();
    const expired = await invite(tenant.owner.headers, expiredEmail);
    await db().invitation.update({
      where: { orgId_id: { orgId: tenant.orgId, id: expired.invitation.id } },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await accept({ token: tokenOf(expired), email: expiredEmail, ...account }).expect(404)).body.message).toBe(GONE);
    const list = InvitationList.parse((await api().get(INVITATIONS).set(tenant.owner.headers).expect(200)).body);
    expect(list.items.map((item) => item.status)).toEqual(['expired', 'revoked']);

    await accept({ token: issueToken(TOKEN_PREFIX.invitation).token }).expect(404);
    await accept({ token: issueToken(TOKEN_PREFIX.apiToken).token }).expect(404);
    const malformed = await accept({ token: 'short' }).expect(400);
    expect(malformed.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['body.token']);
    const partial = await accept({ token: tokenOf(expired), name: 'Only a name' }).expect(400);
    expect(partial.body.details.issues).toEqual([{ path: 'body.password', message: 'email, name and password go together' }]);
  });

  it("keeps each organization's invitations to itself", async () => {
    const tenant: TestTenant = await createTenant(sut.database.url);
    const other = await createTenant(sut.database.url);
    const theirs = await invite(other.owner.headers, newEmail());
    await invite(tenant.owner.headers, newEmail());

    const list = InvitationList.parse((await api().get(INVITATIONS).set(tenant.owner.headers).expect(200)).body);
    expect(list.items.map((item) => item.id)).not.toContain(theirs.invitation.id);
    expect(list.items).toHaveLength(1);
    const foreign = await api().delete(`${INVITATIONS}/${theirs.invitation.id}`).set(tenant.owner.headers).expect(404);
    const missing = await api().delete(`${INVITATIONS}/${MISSING_ID}`).set(tenant.owner.headers).expect(404);
    expect(foreign.body).toEqual(missing.body);
    const still = InvitationList.parse((await api().get(INVITATIONS).set(other.owner.headers).expect(200)).body);
    expect(still.items[0]!.status).toBe('pending');
  });
});

describe('invitation emails', () => {
  let sut: TestApp;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    sut = await startTestApp({ RATCHET_PUBLIC_URL: 'https://ratchet.example.test', RATCHET_SMTP_URL: smtp.url, RATCHET_SMTP_FROM: 'Ratchet <invites@ratchet.example.test>' });
  });
  afterAll(async () => {
    await disconnectOwnerClients();
    await sut.close();
    await smtp.close();
  });

  it('emails the accept link over SMTP, and still creates the invitation when the server is gone', async () => {
    const tenant = await createTenant(sut.database.url, { name: 'Mail Org' });
    const response = await request(sut.http).post(INVITATIONS).set(tenant.owner.headers).send({ email: 'carol@example.test', role: 'admin' }).expect(201);
    const created = InvitationCreated.parse(response.body);
    expect(created.emailSent).toBe(true);
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.from).toBe('invites@ratchet.example.test');
    expect(mail!.to).toEqual(['carol@example.test']);
    expect(mail!.raw).toContain(`Subject: User ${tenant.owner.email} invited you to Mail Org on Ratchet`);
    expect(mail!.raw).toContain(created.acceptUrl);
    expect(mail!.raw).toContain('as an admin');

    await smtp.close();
    const unsent = await request(sut.http).post(INVITATIONS).set(tenant.owner.headers).send({ email: 'dave@example.test', role: 'viewer' }).expect(201);
    expect(InvitationCreated.parse(unsent.body).emailSent).toBe(false);
    const list = InvitationList.parse((await request(sut.http).get(INVITATIONS).set(tenant.owner.headers).expect(200)).body);
    expect(list.items.map((item) => item.email)).toEqual(['dave@example.test', 'carol@example.test']);
  });
});
