import { randomUUID } from 'node:crypto';
import { once } from 'node:events';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Me, UserSessionList } from '@ratchet/contracts';
import request from 'supertest';

import { SESSION_COOKIE } from '../../src/common/auth/session-cookie.js';
import { TOKEN_PREFIX, issueToken } from '../../src/common/auth/token.util.js';
import { RedisConnection } from '../../src/infra/redis.provider.js';
import { sessionCookieOf, signUp, testClientIp } from '../factories/account.factory.js';
import { createCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { createTenant } from '../factories/tenant.factory.js';
import { browserOrigin, startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const SESSION_TTL_HOURS = 5;
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

/** The attributes of a Set-Cookie value, lower-cased names: `{ httponly: '', samesite: 'Lax', ... }`. */
function cookieAttributes(setCookie: string): Record<string, string> {
  const [, ...attributes] = setCookie.split(';').map((part) => part.trim());
  return Object.fromEntries(attributes.map((attribute) => {
    const [name = '', ...value] = attribute.split('=');
    return [name.toLowerCase(), value.join('=')];
  }));
}

function setCookieHeader(response: { headers: Record<string, unknown> }): string {
  const [value] = response.headers['set-cookie'] as string[];
  return value!;
}

describe('accounts and sessions', () => {
  let sut: TestApp;
  const ip = testClientIp();
  const db = () => ownerClient(sut.database.url);

  beforeAll(async () => {
    sut = await startTestApp({ RATCHET_SESSION_TTL_HOURS: String(SESSION_TTL_HOURS), RATCHET_LOGIN_RATE_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await disconnectOwnerClients();
    await sut.close();
  });

  const api = () => request(sut.http);
  const login = (email: string, password: string, userAgent = 'jest') =>
    api().post('/api/v1/auth/login').set('X-Forwarded-For', ip).set('User-Agent', userAgent).send({ email, password });

  it('signs up, reads /me, logs out, logs in, lists sessions and revokes one', async () => {
    const email = `Flow-${Date.now()}@Example.test`;
    const password = 'a long enough passphrase';
    const signUpResponse = await api()
      .post('/api/v1/auth/signup')
      .set('X-Forwarded-For', ip)
      .send({ email, password, name: 'Flow User', organizationName: 'Flow Platform Team' })
      .expect(201);
    const signedUp = Me.parse(signUpResponse.body);
    expect(signedUp.user).toEqual({ id: expect.any(String), email: email.toLowerCase(), name: 'Flow User' });
    expect(signedUp.memberships).toEqual([
      { membershipId: expect.any(String), organization: { id: expect.any(String), name: 'Flow Platform Team', slug: 'flow-platform-team' }, role: 'owner' },
    ]);
    const stored = await db().user.findUniqueOrThrow({ where: { id: signedUp.user.id } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const firstCookie = sessionCookieOf(signUpResponse);
    const me = await api().get('/api/v1/me').set('Cookie', firstCookie).expect(200);
    expect(me.body).toEqual(signUpResponse.body);

    const logout = await api().post('/api/v1/auth/logout').set('Cookie', firstCookie).set('Origin', browserOrigin()).expect(204);
    const cleared = setCookieHeader(logout);
    expect(cleared.startsWith(`${SESSION_COOKIE}=;`)).toBe(true);
    expect(new Date(cookieAttributes(cleared).expires!).getTime()).toBe(0);
    await api().get('/api/v1/me').set('Cookie', firstCookie).expect(401);

    const before = new Date();
    const laptop = await login(email.toUpperCase(), password, 'laptop browser').expect(200);
    expect(Me.parse(laptop.body)).toEqual(signedUp);
    const phone = await login(email, password, 'phone browser').expect(200);
    const laptopCookie = sessionCookieOf(laptop);
    const phoneCookie = sessionCookieOf(phone);
    const user = await db().user.findUniqueOrThrow({ where: { id: signedUp.user.id } });
    expect(user.lastLoginAt!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);

    const sessions = UserSessionList.parse((await api().get('/api/v1/auth/sessions').set('Cookie', phoneCookie).expect(200)).body);
    expect(sessions.items.map((session) => [session.userAgent, session.current, session.ipAddress])).toEqual([
      ['phone browser', true, ip],
      ['laptop browser', false, ip],
    ]);

    const laptopSession = sessions.items[1]!;
    await api().delete(`/api/v1/auth/sessions/${laptopSession.id}`).set('Cookie', phoneCookie).set('Origin', browserOrigin()).expect(204);
    await api().get('/api/v1/me').set('Cookie', laptopCookie).expect(401);
    await api().get('/api/v1/me').set('Cookie', phoneCookie).expect(200);
    const remaining = UserSessionList.parse((await api().get('/api/v1/auth/sessions').set('Cookie', phoneCookie).expect(200)).body);
    expect(remaining.items.map((session) => session.id)).toEqual([sessions.items[0]!.id]);
    await api().delete(`/api/v1/auth/sessions/${laptopSession.id}`).set('Cookie', phoneCookie).set('Origin', browserOrigin()).expect(404);
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, on Path=/, expiring after the session TTL, not Secure by default', async () => {
    const before = Date.now();
    const response = await api()
      .post('/api/v1/auth/signup')
      .set('X-Forwarded-For', ip)
      .send({ email: `cookie-${Date.now()}@example.test`, password: 'a long enough passphrase', name: 'C', organizationName: 'C' })
      .expect(201);
    const setCookie = setCookieHeader(response);
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=${TOKEN_PREFIX.session}[A-Za-z0-9_-]{43};`));
    const attributes = cookieAttributes(setCookie);
    expect(attributes).toEqual({ path: '/', expires: expect.any(String), httponly: '', samesite: 'Lax' });
    const expires = new Date(attributes.expires!).getTime();
    // Expires has whole seconds.
    expect(expires).toBeGreaterThanOrEqual(before + SESSION_TTL_HOURS * 3_600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + SESSION_TTL_HOURS * 3_600_000);
  });

  it('answers 409 when the email already has an account, whatever its case', async () => {
    const existing = await signUp(sut.http, ip);
    const response = await api()
      .post('/api/v1/auth/signup')
      .set('X-Forwarded-For', ip)
      .send({ email: existing.email.toUpperCase(), password: 'another long passphrase', name: 'Twin', organizationName: 'Twin' })
      .expect(409);
    expect(response.body).toEqual({ code: 'conflict', message: 'an account with this email already exists; sign in instead', details: {} });
    expect(await db().organization.count({ where: { name: 'Twin' } })).toBe(0);
  });

  it('makes organization slugs unique', async () => {
    const first = await signUp(sut.http, ip, { organizationName: 'Ünïcode & Co. Platform' });
    const second = await signUp(sut.http, ip, { organizationName: 'Unicode & Co. platform' });
    expect(first.me.memberships[0]!.organization.slug).toBe('unicode-co-platform');
    expect(second.me.memberships[0]!.organization.slug).toMatch(/^unicode-co-platform-[0-9a-f]{6}$/);
  });

  it('rejects bad sign-ups with every bad field named', async () => {
    const response = await api()
      .post('/api/v1/auth/signup')
      .set('X-Forwarded-For', ip)
      .send({ email: 'not-an-email', password: 'short', name: '', organizationName: 'Acme', plan: 'pro' })
      .expect(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual([
      'body.email',
      'body.password',
      'body.name',
      'body.plan',
    ]);
    const sameAsEmail = await api()
      .post('/api/v1/auth/signup')
      .set('X-Forwarded-For', ip)
      .send({ email: 'alice.longname@example.test', password: 'Alice.Longname@example.test', name: 'A', organizationName: 'A' })
      .expect(400);
    expect(sameAsEmail.body.details.issues).toEqual([{ path: 'body.password', message: 'must not be your email address' }]);
    const tooLong = await api()
      .post('/api/v1/auth/signup')
      .set('X-Forwarded-For', ip)
      .send({ email: 'long@example.test', password: 'x'.repeat(257), name: 'A', organizationName: 'A' })
      .expect(400);
    expect(tooLong.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['body.password']);
  });

  it('gives one answer for an unknown email and a wrong password', async () => {
    const user = await signUp(sut.http, ip);
    const unknown = await login(`nobody-${Date.now()}@example.test`, user.password).expect(401);
    const wrong = await login(user.email, `${user.password}!`).expect(401);
    expect(unknown.body).toEqual({ code: 'unauthenticated', message: 'email or password is wrong', details: {} });
    expect(wrong.body).toEqual(unknown.body);
    expect(unknown.headers['set-cookie']).toBeUndefined();
    const invalid = await login('not-an-email', '').expect(400);
    expect(invalid.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['body.email', 'body.password']);
  });

  it('refuses a login to an account whose stored hash is not argon2, and to a disabled account', async () => {
    const tenant = await createTenant(sut.database.url);
    await login(tenant.owner.email, 'factory-user-cannot-log-in').expect(401);
    const user = await signUp(sut.http, ip);
    await db().user.update({ where: { id: user.userId }, data: { disabledAt: new Date() } });
    const disabled = await login(user.email, user.password).expect(403);
    expect(disabled.body.message).toContain('disabled');
    await api().get('/api/v1/me').set('Cookie', user.cookie).expect(401);
  });

  it('refuses an expired session', async () => {
    const user = await signUp(sut.http, ip);
    await db().session.updateMany({ where: { userId: user.userId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const response = await api().get('/api/v1/me').set('Cookie', user.cookie).expect(401);
    expect(response.body.message).toBe('your session expired or was revoked; sign in again');
    const sessions = await api().get('/api/v1/auth/sessions').set('Cookie', user.cookie).expect(401);
    expect(sessions.body.code).toBe('unauthenticated');
  });

  it('needs a signed-in user for /me, logout and sessions, and refuses agent tokens there', async () => {
    const tenant = await createTenant(sut.database.url);
    const cluster = await createCluster(sut.database.url, tenant.orgId);
    const calls = [
      () => api().get('/api/v1/me'),
      () => api().post('/api/v1/auth/logout'),
      () => api().get('/api/v1/auth/sessions'),
      () => api().delete(`/api/v1/auth/sessions/${MISSING_ID}`),
    ];
    for (const call of calls) {
      expect((await call().expect(401)).body.code).toBe('unauthenticated');
      await call().set('Cookie', `${SESSION_COOKIE}=${issueToken(TOKEN_PREFIX.session).token}`).set('Origin', browserOrigin()).expect(401);
      expect((await call().set(cluster.agentHeaders).expect(403)).body.message).toContain('takes a signed-in browser session');
    }
  });

  it("refuses API tokens on account endpoints: a token cannot list or end its owner's sessions, nor see their other organizations", async () => {
    const user = await signUp(sut.http, ip);
    const created = await api().post('/api/v1/api-tokens').set(user.headers).send({ name: 'me', access: 'read-only' }).expect(201);
    const bearer = { Authorization: `Bearer ${created.body.secret}` };
    const [session] = UserSessionList.parse((await api().get('/api/v1/auth/sessions').set('Cookie', user.cookie).expect(200)).body).items;
    for (const call of [
      () => api().get('/api/v1/me').set(bearer),
      () => api().get('/api/v1/auth/sessions').set(bearer),
      () => api().delete(`/api/v1/auth/sessions/${session!.id}`).set(bearer),
      () => api().post('/api/v1/auth/logout').set(bearer),
    ]) {
      const refused = await call().expect(403);
      expect(refused.body).toEqual({ code: 'forbidden', message: expect.stringContaining('takes a signed-in browser session'), details: {} });
    }
    await api().get('/api/v1/me').set('Cookie', user.cookie).expect(200);
  });

  it('answers 400 to two Authorization headers, and to an API token naming another organization', async () => {
    const user = await signUp(sut.http, ip);
    const other = await signUp(sut.http, ip);
    const mine = (await api().post('/api/v1/api-tokens').set(user.headers).send({ name: 'one', access: 'read-only' }).expect(201)).body.secret as string;
    const theirs = (await api().post('/api/v1/api-tokens').set(other.headers).send({ name: 'two', access: 'read-only' }).expect(201)).body.secret as string;
    // supertest's set() keeps one value per name; an array sends the header twice (its types only admit Cookie).
    const twoHeaders = (first: string, second: string) => [first, second] as unknown as string;
    const twice = await api().get('/api/v1/clusters').set('Authorization', twoHeaders(`Bearer ${mine}`, `Bearer ${theirs}`)).expect(400);
    expect(twice.body).toEqual({ code: 'bad_request', message: 'send one Authorization header, not several', details: {} });
    await api().get('/api/v1/me').set('Authorization', twoHeaders(`Bearer ${mine}`, `Bearer ${mine}`)).expect(400);
    const foreign = await api().get('/api/v1/clusters').set({ Authorization: `Bearer ${mine}`, 'X-Ratchet-Org': other.orgId }).expect(400);
    expect(foreign.body.message).toContain("only in its own organization");
    await api().get('/api/v1/clusters').set({ Authorization: `Bearer ${mine}`, 'X-Ratchet-Org': user.orgId }).expect(200);
    await api().get('/api/v1/clusters').set({ Authorization: `Bearer ${mine}` }).expect(200);
  });

  it('refuses a password zxcvbn finds guessable, naming the field', async () => {
    const response = await api()
      .post('/api/v1/auth/signup')
      .set('X-Forwarded-For', ip)
      .send({ email: `weak-${Date.now()}@example.test`, password: 'password1234', name: 'Weak', organizationName: 'Weak' })
      .expect(400);
    expect(response.body.details.issues).toEqual([{ path: 'body.password', message: expect.stringMatching(/^password is too easy to guess/) }]);
  });

  it("answers 404 for another user's session and for an unknown one, and 400 for a malformed id", async () => {
    const alice = await signUp(sut.http, ip);
    const bob = await signUp(sut.http, ip);
    const [bobSession] = UserSessionList.parse((await api().get('/api/v1/auth/sessions').set('Cookie', bob.cookie).expect(200)).body).items;
    const aliceSessions = UserSessionList.parse((await api().get('/api/v1/auth/sessions').set('Cookie', alice.cookie).expect(200)).body);
    expect(aliceSessions.items.map((session) => session.id)).not.toContain(bobSession!.id);
    expect(aliceSessions.items).toHaveLength(1);

    const foreign = await api().delete(`/api/v1/auth/sessions/${bobSession!.id}`).set(alice.headers).expect(404);
    const missing = await api().delete(`/api/v1/auth/sessions/${MISSING_ID}`).set(alice.headers).expect(404);
    expect(foreign.body).toEqual(missing.body);
    await api().get('/api/v1/me').set('Cookie', bob.cookie).expect(200);

    const malformed = await api().delete('/api/v1/auth/sessions/not-a-uuid').set(alice.headers).expect(400);
    expect(malformed.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['params.sessionId']);
  });

  it('lists every organization of the user in /me and acts in the one X-Ratchet-Org names', async () => {
    const user = await signUp(sut.http, ip);
    const other = await createTenant(sut.database.url, { name: 'Second Org' });
    await db().membership.create({ data: { orgId: other.orgId, userId: user.userId, role: 'viewer' } });
    const me = Me.parse((await api().get('/api/v1/me').set('Cookie', user.cookie).expect(200)).body);
    expect(me.memberships.map((membership) => [membership.organization.id, membership.role])).toEqual([
      [user.orgId, 'owner'],
      [other.orgId, 'viewer'],
    ]);
    const members = await api().get('/api/v1/members').set({ Cookie: user.cookie, 'X-Ratchet-Org': other.orgId }).expect(200);
    expect(members.body.items.map((member: { userId: string }) => member.userId).sort()).toEqual([other.owner.userId, user.userId].sort());
    const stranger = await createTenant(sut.database.url);
    await api().get('/api/v1/members').set({ Cookie: user.cookie, 'X-Ratchet-Org': stranger.orgId }).expect(404);
  });
});

describe('login rate limit and secure cookies', () => {
  let sut: TestApp;
  const LIMIT = 3;

  beforeAll(async () => {
    sut = await startTestApp({ RATCHET_LOGIN_RATE_PER_MINUTE: String(LIMIT), RATCHET_COOKIE_SECURE: 'true' });
    // Until Redis is connected each process counts in memory; count in Redis from the first attempt.
    const redis = sut.app.get(RedisConnection).client;
    if (redis.status !== 'ready') await once(redis, 'ready');
  });
  afterAll(async () => {
    await sut.close();
  });

  it('answers 429 with Retry-After once an address spent its login attempts for the minute', async () => {
    const ip = testClientIp();
    const attempt = (from: string) =>
      request(sut.http).post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ email: `nobody-${randomUUID()}@example.test`, password: 'guess' });
    for (let i = 0; i < LIMIT; i += 1) await attempt(ip).expect(401);
    const limited = await attempt(ip).expect(429);
    expect(limited.body.code).toBe('rate_limited');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    // Sign-up and invitation acceptance spend the same budget.
    await request(sut.http)
      .post('/api/v1/auth/signup')
      .set('X-Forwarded-For', ip)
      .send({ email: 'late@example.test', password: 'a long enough passphrase', name: 'L', organizationName: 'L' })
      .expect(429);
    await attempt(testClientIp()).expect(401);
  });

  it('marks the session cookie Secure when RATCHET_COOKIE_SECURE is true', async () => {
    const user = await signUp(sut.http, testClientIp());
    const response = await request(sut.http).post('/api/v1/auth/logout').set(user.headers).expect(204);
    expect(cookieAttributes(setCookieHeader(response))).toHaveProperty('secure', '');
    const login = await request(sut.http)
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', testClientIp())
      .send({ email: user.email, password: user.password })
      .expect(200);
    expect(cookieAttributes(setCookieHeader(login))).toEqual({ path: '/', expires: expect.any(String), httponly: '', secure: '', samesite: 'Lax' });
  });
});

describe('login throttling per account', () => {
  let sut: TestApp;

  beforeAll(async () => {
    // A generous per-address budget: these guesses each come from a new address anyway.
    sut = await startTestApp({ RATCHET_LOGIN_RATE_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await sut.close();
  });

  const login = (email: string, password: string) =>
    request(sut.http).post('/api/v1/auth/login').set('X-Forwarded-For', testClientIp()).send({ email, password });

  it('lets 5 wrong passwords through, then locks the account with doubling waits, whatever the address, and resets on success', async () => {
    const user = await signUp(sut.http, testClientIp());
    for (let i = 0; i < 5; i += 1) await login(user.email, `wrong ${i}`).expect(401);
    // The 6th failure is checked, then locks for 1 s.
    await login(user.email, 'wrong 5').expect(401);
    const locked = await login(user.email, user.password).expect(429);
    expect(locked.body).toEqual({ code: 'rate_limited', message: expect.stringContaining('too many wrong passwords for this account'), details: { retryAfterSeconds: 1 } });
    expect(locked.headers['retry-after']).toBe('1');
    // 40 guesses from 40 addresses: none reaches the password check while the lock holds.
    const guesses = await Promise.all(Array.from({ length: 40 }, (_, i) => login(user.email, `guess ${i}`).then((r) => r.status)));
    expect(guesses.filter((status) => status !== 429)).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    await login(user.email, 'wrong 6').expect(401);
    const longer = await login(user.email, user.password).expect(429);
    expect(longer.headers['retry-after']).toBe('2');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await login(user.email, user.password).expect(200);
    // A success forgets the failures: five free ones again.
    for (let i = 0; i < 5; i += 1) await login(user.email, `again ${i}`).expect(401);
    await login(user.email, user.password).expect(200);
  });

  it('throttles an unknown email the same way, so the answers do not tell which emails have accounts', async () => {
    const email = `ghost-${randomUUID()}@example.test`;
    for (let i = 0; i < 6; i += 1) await login(email, `wrong ${i}`).expect(401);
    await login(email, 'anything').expect(429);
  });
});
