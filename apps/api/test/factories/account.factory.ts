import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';

import { Me } from '@ratchet/contracts';
import type { SignUpRequest } from '@ratchet/contracts';
import request from 'supertest';

import { SESSION_COOKIE } from '../../src/common/auth/session-cookie.js';
import { browserOrigin } from '../support/test-app.js';

export interface SignedUpUser {
  userId: string;
  orgId: string;
  email: string;
  password: string;
  me: Me;
  /** `Cookie` header value of the session sign-up started. */
  cookie: string;
  /** Headers that act as this user in the organization they signed up with, from the app's public origin. */
  headers: Record<string, string>;
}

const unique = () => randomBytes(4).toString('hex');

/**
 * A client address for the login rate limit, which counts per address in Redis shared by every test app: each
 * suite sends its own (the API trusts X-Forwarded-For from loopback), so suites never spend each other's budget.
 * From 198.18.0.0/15, the range reserved for benchmarking, which nothing routes to.
 */
export function testClientIp(): string {
  const [a = 0, b = 0] = randomBytes(2);
  return `198.${18 + (a % 2)}.${b}.${1 + (a % 254)}`;
}

/** The `name=value` part of the session cookie a response sets, for a later `Cookie` header. */
export function sessionCookieOf(response: { headers: Record<string, unknown> }): string {
  const setCookie = response.headers['set-cookie'];
  const cookies = Array.isArray(setCookie) ? (setCookie as string[]) : [];
  const session = cookies.find((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`));
  if (!session) throw new Error(`the response set no ${SESSION_COOKIE} cookie`);
  return session.split(';')[0]!;
}

/** A user and the organization they own, through the real sign-up endpoint (argon2 hash, session cookie). */
export async function signUp(http: Server, clientIp: string, overrides: Partial<SignUpRequest> = {}): Promise<SignedUpUser> {
  const body: SignUpRequest = {
    email: `user-${unique()}@example.test`,
    password: `correct horse ${unique()}`,
    name: 'Test User',
    organizationName: `Org ${unique()}`,
    ...overrides,
  };
  const response = await request(http).post('/api/v1/auth/signup').set('X-Forwarded-For', clientIp).send(body).expect(201);
  const me = Me.parse(response.body);
  const orgId = me.memberships[0]!.organization.id;
  const cookie = sessionCookieOf(response);
  return { userId: me.user.id, orgId, email: me.user.email, password: body.password, me, cookie, headers: { Cookie: cookie, 'X-Ratchet-Org': orgId, Origin: browserOrigin() } };
}
