import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { PrismaClient } from '../src/generated/prisma/client.js';
import { createPrismaClient } from '../src/prisma.factory.js';
import { migrate } from '../src/migrate/migrate.js';
import {
  claimOutboxJobs,
  completeOutboxJobs,
  ensureAuditPartition,
  findAgentTokenByHash,
  findApiTokenByHash,
  findPendingInvitationByHash,
  listOrganizationIds,
  listUserMemberships,
} from '../src/system-functions.repository.js';
import { withSystem, withTenant } from '../src/tenant-transaction.js';
import { createTenantGraph, type TenantGraph } from './support/tenant.factory.js';
import { adminQuery, createTestDatabase, uniqueName, withClient, type TestDatabase } from './support/test-database.util.js';

let database: TestDatabase;
let prisma: PrismaClient;
let tenantA: TenantGraph;
let tenantB: TenantGraph;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ connectionString: database.url });
  tenantA = await createTenantGraph(prisma);
  tenantB = await createTenantGraph(prisma);
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

describe('pre-tenant lookups', () => {
  it('finds an agent token by hash, with its organization and cluster, until it is revoked', async () => {
    expect(await withSystem(prisma, (tx) => findAgentTokenByHash(tx, tenantB.agentTokenHash))).toEqual({
      tokenId: expect.any(String),
      orgId: tenantB.orgId,
      clusterId: tenantB.clusterId,
    });
    expect(await withSystem(prisma, (tx) => findAgentTokenByHash(tx, 'f'.repeat(64)))).toBeNull();

    const extra = await createTenantGraph(prisma);
    await withTenant(prisma, extra.orgId, (tx) =>
      tx.agentToken.updateMany({ where: { orgId: extra.orgId }, data: { revokedAt: new Date() } }),
    );
    expect(await withSystem(prisma, (tx) => findAgentTokenByHash(tx, extra.agentTokenHash))).toBeNull();
  });

  it('finds an API token by hash until it expires or is revoked', async () => {
    expect(await withSystem(prisma, (tx) => findApiTokenByHash(tx, tenantA.apiTokenHash))).toEqual({
      tokenId: expect.any(String),
      orgId: tenantA.orgId,
    });

    const extra = await createTenantGraph(prisma);
    await withTenant(prisma, extra.orgId, (tx) =>
      tx.apiToken.updateMany({ where: { orgId: extra.orgId }, data: { expiresAt: new Date(Date.now() - 1000) } }),
    );
    expect(await withSystem(prisma, (tx) => findApiTokenByHash(tx, extra.apiTokenHash))).toBeNull();

    await withTenant(prisma, extra.orgId, (tx) =>
      tx.apiToken.updateMany({ where: { orgId: extra.orgId }, data: { expiresAt: null, revokedAt: new Date() } }),
    );
    expect(await withSystem(prisma, (tx) => findApiTokenByHash(tx, extra.apiTokenHash))).toBeNull();
  });

  it('finds a pending invitation by hash, not an accepted or expired one', async () => {
    expect(await withSystem(prisma, (tx) => findPendingInvitationByHash(tx, tenantA.invitationHash))).toEqual({
      invitationId: expect.any(String),
      orgId: tenantA.orgId,
    });

    const accepted = await createTenantGraph(prisma);
    await withTenant(prisma, accepted.orgId, (tx) =>
      tx.invitation.updateMany({ where: { orgId: accepted.orgId }, data: { acceptedAt: new Date() } }),
    );
    expect(await withSystem(prisma, (tx) => findPendingInvitationByHash(tx, accepted.invitationHash))).toBeNull();

    const expired = await createTenantGraph(prisma);
    await withTenant(prisma, expired.orgId, (tx) =>
      tx.invitation.updateMany({ where: { orgId: expired.orgId }, data: { expiresAt: new Date(Date.now() - 1000) } }),
    );
    expect(await withSystem(prisma, (tx) => findPendingInvitationByHash(tx, expired.invitationHash))).toBeNull();
  });

  it("lists a user's organizations with their roles", async () => {
    await withTenant(prisma, tenantB.orgId, (tx) =>
      tx.membership.create({ data: { orgId: tenantB.orgId, userId: tenantA.userId, role: 'viewer' } }),
    );

    const memberships = await withSystem(prisma, (tx) => listUserMemberships(tx, tenantA.userId));

    expect(memberships).toEqual([
      { orgId: tenantA.orgId, membershipId: expect.any(String), role: 'owner' },
      { orgId: tenantB.orgId, membershipId: expect.any(String), role: 'viewer' },
    ]);
    expect(await withSystem(prisma, (tx) => listUserMemberships(tx, randomUUID()))).toEqual([]);
  });

  it('lists every organization id for system jobs', async () => {
    const ids = await withSystem(prisma, (tx) => listOrganizationIds(tx));
    expect(ids).toEqual(expect.arrayContaining([tenantA.orgId, tenantB.orgId]));
  });

  it('shows nothing of the tables behind the lookups to the application role itself', async () => {
    const direct = await withSystem(prisma, async (tx) => ({
      agentTokens: await tx.agentToken.count(),
      apiTokens: await tx.apiToken.count(),
      invitations: await tx.invitation.count(),
      memberships: await tx.membership.count(),
      organizations: await tx.organization.count(),
      outboxJobs: await tx.outboxJob.count(),
    }));
    expect(direct).toEqual({ agentTokens: 0, apiTokens: 0, invitations: 0, memberships: 0, organizations: 0, outboxJobs: 0 });
  });

  it('reaches the global tables from withSystem', async () => {
    const user = await withSystem(prisma, (tx) => tx.user.findUnique({ where: { id: tenantA.userId } }));
    expect(user?.id).toBe(tenantA.userId);
  });

  it('runs each function as ratchet_system (SECURITY DEFINER, fixed search_path), executable by ratchet_app only', async () => {
    const functions = await withClient(database.url, async (client) => {
      const result = await client.query<Record<string, unknown>>(
        `SELECT p.proname AS name, pg_get_userbyid(p.proowner) AS owner, p.prosecdef AS definer,
                p.proconfig::text AS config,
                has_function_privilege('ratchet_app', p.oid, 'EXECUTE') AS app,
                EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0) AS public
         FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'ratchet\\_%'
         ORDER BY p.proname`,
      );
      return result.rows;
    });
    const common = { definer: true, config: '{"search_path=public, pg_temp"}', app: true, public: false };
    expect(functions).toEqual([
      { name: 'ratchet_agent_token_lookup', owner: 'ratchet_system', ...common },
      { name: 'ratchet_api_token_lookup', owner: 'ratchet_system', ...common },
      // Creating and dropping partitions take the table owner: the migrating role keeps these.
      { name: 'ratchet_drop_audit_partitions', owner: expect.not.stringMatching(/^ratchet_/), ...common },
      { name: 'ratchet_ensure_audit_partition', owner: expect.not.stringMatching(/^ratchet_/), ...common },
      { name: 'ratchet_invitation_lookup', owner: 'ratchet_system', ...common },
      { name: 'ratchet_organization_ids', owner: 'ratchet_system', ...common },
      { name: 'ratchet_outbox_claim', owner: 'ratchet_system', ...common },
      { name: 'ratchet_outbox_complete', owner: 'ratchet_system', ...common },
      { name: 'ratchet_user_memberships', owner: 'ratchet_system', ...common },
    ]);
  });
});

describe('outbox relay', () => {
  it('claims jobs of every tenant once per lease and deletes them when completed', async () => {
    await withTenant(prisma, tenantA.orgId, (tx) =>
      tx.outboxJob.create({ data: { orgId: tenantA.orgId, queue: 'alerts', jobName: 'deliver', jobId: 'd-1', payload: { n: 1 } } }),
    );

    const claimed = await withSystem(prisma, (tx) => claimOutboxJobs(tx, 100, 60));
    const again = await withSystem(prisma, (tx) => claimOutboxJobs(tx, 100, 60));

    // Every tenant's jobs, in one claim (other tests' tenants have jobs too).
    expect(claimed.map((job) => job.orgId)).toEqual(expect.arrayContaining([tenantA.orgId, tenantB.orgId]));
    expect(claimed).toContainEqual({
      id: expect.any(String),
      orgId: tenantA.orgId,
      queue: 'alerts',
      jobName: 'deliver',
      jobId: 'd-1',
      payload: { n: 1 },
      attempts: 1,
    });
    expect(again).toEqual([]);

    const deleted = await withSystem(prisma, (tx) => completeOutboxJobs(tx, claimed.map((job) => job.id)));
    expect(deleted).toBe(claimed.length);
    const left = await withTenant(prisma, tenantA.orgId, (tx) => tx.outboxJob.count());
    expect(left).toBe(0);
  });

  it('offers a job again, with its attempt counted, once its lease ends', async () => {
    await withTenant(prisma, tenantB.orgId, (tx) =>
      tx.outboxJob.create({ data: { orgId: tenantB.orgId, queue: 'evaluation', jobName: 'evaluate', payload: {} } }),
    );

    const first = await withSystem(prisma, (tx) => claimOutboxJobs(tx, 1, 0));
    const second = await withSystem(prisma, (tx) => claimOutboxJobs(tx, 1, 0));

    expect(second.map((job) => [job.id, job.attempts])).toEqual(first.map((job) => [job.id, job.attempts + 1]));
    await withSystem(prisma, (tx) => completeOutboxJobs(tx, second.map((job) => job.id)));
  });
});

describe('a database migrated by a non-superuser owner', () => {
  const owner = uniqueName('ratchet_test_owner');
  let ownedDatabase: TestDatabase | undefined;
  let ownerPrisma: PrismaClient | undefined;

  beforeAll(async () => {
    await adminQuery(`CREATE ROLE ${owner} LOGIN CREATEROLE NOSUPERUSER`);
    ownedDatabase = await createTestDatabase({ migrate: false, owner });
    await migrate({ connectionString: ownedDatabase.urlAs(owner) });
    ownerPrisma = createPrismaClient({ connectionString: ownedDatabase.urlAs(owner) });
  });

  afterAll(async () => {
    await ownerPrisma?.$disconnect();
    await ownedDatabase?.drop();
    await adminQuery(`DROP ROLE IF EXISTS ${owner}`);
  });

  it('still isolates tenants and answers the lookups', async () => {
    const tenant = await createTenantGraph(ownerPrisma!);
    const other = await createTenantGraph(ownerPrisma!);

    expect(await withSystem(ownerPrisma!, (tx) => findAgentTokenByHash(tx, tenant.agentTokenHash))).toMatchObject({
      orgId: tenant.orgId,
      clusterId: tenant.clusterId,
    });
    expect(await withTenant(ownerPrisma!, tenant.orgId, (tx) => tx.cluster.count())).toBe(1);
    // FORCE makes the policy bind the owner too: without a tenant it sees nothing.
    const asOwner = await withClient(ownedDatabase!.urlAs(owner), async (client) => {
      const result = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM clusters WHERE org_id = ANY($1)', [
        [tenant.orgId, other.orgId],
      ]);
      return result.rows[0]!.n;
    });
    expect(asOwner).toBe(0);
  });

  it('creates audit partitions and moves rows out of the default partition', async () => {
    const tenant = await createTenantGraph(ownerPrisma!, { auditTime: new Date('2040-06-06T06:00:00Z') });

    const name = await withTenant(ownerPrisma!, tenant.orgId, (tx) => ensureAuditPartition(tx, tenant.auditTime));

    expect(name).toBe('audit_events_2040_06');
    expect(await withTenant(ownerPrisma!, tenant.orgId, (tx) => tx.auditEvent.count())).toBe(1);
    // Partitions are not FORCEd, so their owner reads them directly: the row has moved.
    const placement = await withClient(ownedDatabase!.urlAs(owner), async (client) => {
      const result = await client.query<Record<string, unknown>>(
        `SELECT (SELECT count(*)::int FROM audit_events_2040_06 WHERE org_id = $1) AS partition,
                (SELECT count(*)::int FROM audit_events_default WHERE org_id = $1) AS "default"`,
        [tenant.orgId],
      );
      return result.rows[0];
    });
    expect(placement).toEqual({ partition: 1, default: 0 });
  });
});
