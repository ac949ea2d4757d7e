import { randomBytes } from 'node:crypto';

import type { OrgRole } from '@ratchet/db';

import { SESSION_COOKIE } from '../../src/common/auth/session-cookie.js';
import { TOKEN_PREFIX, issueToken } from '../../src/common/auth/token.util.js';
import { browserOrigin } from '../support/test-app.js';
import { ownerClient } from './db.factory.js';

export interface TestUser {
  userId: string;
  email: string;
  role: OrgRole;
  /** `Cookie` header value of a live session. */
  cookie: string;
  /** Headers that act as this user in this organization, from the app's public origin as a browser would. */
  headers: Record<string, string>;
}

export interface TestTenant {
  orgId: string;
  owner: TestUser;
}

const unique = () => randomBytes(4).toString('hex');

/** A user with a live session and a membership in `orgId`, written straight to the database. */
export async function createMember(databaseUrl: string, orgId: string, role: OrgRole = 'viewer'): Promise<TestUser> {
  const db = ownerClient(databaseUrl);
  const email = `user-${unique()}@example.test`;
  // Factories never log in over HTTP: the hash is a placeholder, tests that log in use the sign-up endpoint.
  const user = await db.user.create({ data: { email, displayName: `User ${email}`, passwordHash: 'factory-user-cannot-log-in' } });
  await db.membership.create({ data: { orgId, userId: user.id, role } });
  const session = issueToken(TOKEN_PREFIX.session);
  await db.session.create({
    data: { userId: user.id, tokenHash: session.hash, expiresAt: new Date(Date.now() + 3_600_000) },
  });
  const cookie = `${SESSION_COOKIE}=${session.token}`;
  return { userId: user.id, email, role, cookie, headers: { Cookie: cookie, 'X-Ratchet-Org': orgId, Origin: browserOrigin() } };
}

/** An organization with an owner who has a live session. Every test makes its own. */
export async function createTenant(databaseUrl: string, overrides: { name?: string } = {}): Promise<TestTenant> {
  const db = ownerClient(databaseUrl);
  const slug = `org-${unique()}`;
  const org = await db.organization.create({ data: { name: overrides.name ?? `Org ${slug}`, slug } });
  const owner = await createMember(databaseUrl, org.id, 'owner');
  return { orgId: org.id, owner };
}
