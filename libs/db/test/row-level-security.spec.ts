import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';

import type { PrismaClient } from '../src/generated/prisma/client.js';
import { createPrismaClient } from '../src/prisma.factory.js';
import { TenantIdError, withSystem, withTenant, type Transaction } from '../src/tenant-transaction.js';
import { createTenantGraph, type TenantGraph } from './support/tenant.factory.js';
import { createTestDatabase, withClient, type TestDatabase } from './support/test-database.util.js';

// Global tables: no tenant column, no row-level security. Anything else must be tenant-owned.
const GLOBAL_TABLES = ['_prisma_migrations', 'sessions', 'users'];

interface TableInfo {
  name: string;
  isPartition: boolean;
  rls: boolean;
  forced: boolean;
}

let database: TestDatabase;
let prisma: PrismaClient;
let tenantA: TenantGraph;
let tenantB: TenantGraph;
let tables: TableInfo[];
// The tables a tenant reads through: every tenant-owned table but the partitions of audit_events.
let tenantTables: string[];

// The column that names the tenant of a row.
const tenantColumn = (table: string): string => (table === 'organizations' ? 'id' : 'org_id');

async function countAs(tx: Transaction, table: string, orgId: string): Promise<{ total: number; own: number }> {
  const rows = await tx.$queryRawUnsafe<{ total: number; own: number }[]>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE ${tenantColumn(table)} = $1::uuid)::int AS own FROM ${pg.escapeIdentifier(table)}`,
    orgId,
  );
  return rows[0]!;
}

beforeAll(async () => {
  database = await createTestDatabase();
  // One connection, so a setting leaking out of a transaction would show up in the next one.
  prisma = createPrismaClient({ connectionString: database.url, poolSize: 1 });
  tenantA = await createTenantGraph(prisma);
  tenantB = await createTenantGraph(prisma);
  tables = await withClient(database.url, async (client) => {
    const result = await client.query<TableInfo>(
      `SELECT c.relname AS name, c.relispartition AS "isPartition", c.relrowsecurity AS rls, c.relforcerowsecurity AS forced
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
       ORDER BY c.relname`,
    );
    return result.rows;
  });
  tenantTables = tables.filter((t) => !t.isPartition && !GLOBAL_TABLES.includes(t.name)).map((t) => t.name);
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

describe('row-level security', () => {
  it('covers every table except the global ones, which have no tenant column', async () => {
    const orgIdTables = await withClient(database.url, async (client) => {
      const result = await client.query<{ name: string }>(
        `SELECT DISTINCT c.relname AS name FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
      );
      return result.rows.map((row) => row.name);
    });
    expect([...orgIdTables, 'organizations'].sort()).toEqual(tenantTables);
    expect(tenantTables.length).toBeGreaterThanOrEqual(20);
  });

  it('is enabled and forced with the tenant policy on every tenant-owned table', async () => {
    const policies = await withClient(database.url, async (client) => {
      const result = await client.query<{ tablename: string; policyname: string; roles: string; qual: string; with_check: string }>(
        `SELECT tablename, policyname, roles::text, qual, with_check FROM pg_policies WHERE schemaname = 'public'`,
      );
      return result.rows;
    });
    for (const table of tenantTables) {
      const info = tables.find((t) => t.name === table)!;
      expect({ table, rls: info.rls, forced: info.forced }).toEqual({ table, rls: true, forced: true });
      const policy = policies.find((p) => p.tablename === table && p.policyname === 'tenant_isolation');
      const expected = `(${tenantColumn(table)} = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)`;
      expect({ table, roles: policy?.roles, qual: policy?.qual, withCheck: policy?.with_check }).toEqual({
        table,
        roles: '{public}',
        qual: expected,
        withCheck: expected,
      });
    }
    // Any other policy is ratchet_system's, for the SECURITY DEFINER functions it owns.
    for (const policy of policies.filter((p) => p.policyname !== 'tenant_isolation')) {
      expect({ table: policy.tablename, roles: policy.roles }).toEqual({ table: policy.tablename, roles: '{ratchet_system}' });
    }
  });

  it('leaves partitions to their parent: enabled, and not reachable by the application role directly', async () => {
    const partitions = tables.filter((t) => t.isPartition);
    expect(partitions.map((t) => t.name)).toContain('audit_events_default');
    const privileges = await withClient(database.url, async (client) => {
      const result = await client.query<{ name: string; any: boolean }>(
        `SELECT c.relname AS name,
                has_table_privilege('ratchet_app', c.oid, 'SELECT') OR has_table_privilege('ratchet_app', c.oid, 'INSERT')
                OR has_table_privilege('ratchet_app', c.oid, 'UPDATE') OR has_table_privilege('ratchet_app', c.oid, 'DELETE') AS any
         FROM pg_class c WHERE c.relispartition AND c.relnamespace = 'public'::regnamespace`,
      );
      return result.rows;
    });
    for (const partition of partitions) {
      expect({ name: partition.name, rls: partition.rls }).toEqual({ name: partition.name, rls: true });
      expect(privileges.find((p) => p.name === partition.name)).toEqual({ name: partition.name, any: false });
    }
  });

  it('grants the application role DML on every table but the migration history', async () => {
    const grants = await withClient(database.url, async (client) => {
      const result = await client.query<{ name: string; s: boolean; i: boolean; u: boolean; d: boolean }>(
        `SELECT c.relname AS name,
                has_table_privilege('ratchet_app', c.oid, 'SELECT') AS s, has_table_privilege('ratchet_app', c.oid, 'INSERT') AS i,
                has_table_privilege('ratchet_app', c.oid, 'UPDATE') AS u, has_table_privilege('ratchet_app', c.oid, 'DELETE') AS d
         FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
      );
      return result.rows;
    });
    for (const grant of grants) {
      const expected = grant.name !== '_prisma_migrations';
      expect(grant).toEqual({ name: grant.name, s: expected, i: expected, u: expected, d: expected });
    }
  });

  it('runs the application as roles that can neither log in nor bypass it', async () => {
    const roles = await withClient(database.url, async (client) => {
      const result = await client.query<Record<string, unknown>>(
        `SELECT rolname, rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname IN ('ratchet_app', 'ratchet_system') ORDER BY rolname`,
      );
      return result.rows;
    });
    expect(roles).toEqual([
      { rolname: 'ratchet_app', rolsuper: false, rolbypassrls: false, rolcanlogin: false },
      { rolname: 'ratchet_system', rolsuper: false, rolbypassrls: false, rolcanlogin: false },
    ]);
  });

  it('shows no rows of any tenant-owned table when no tenant is set, although the connection is a superuser', async () => {
    for (const table of tenantTables) {
      const asOwner = await withClient(database.url, async (client) => {
        const result = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(table)}`);
        return result.rows[0]!.n;
      });
      // Both tenants' rows exist, so the zeros below are the policy at work.
      expect({ table, atLeastTwo: asOwner >= 2 }).toEqual({ table, atLeastTwo: true });

      const viaWithSystem = await withSystem(prisma, (tx) => countAs(tx, table, tenantA.orgId));
      expect({ table, ...viaWithSystem }).toEqual({ table, total: 0, own: 0 });

      // The application role with the setting never set at all in the session.
      const neverSet = await withClient(database.url, async (client) => {
        await client.query('BEGIN');
        await client.query('SET LOCAL ROLE ratchet_app');
        const result = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(table)}`);
        await client.query('ROLLBACK');
        return result.rows[0]!.n;
      });
      expect({ table, neverSet }).toEqual({ table, neverSet: 0 });
    }
  });

  it("shows a tenant its own rows and none of another tenant's", async () => {
    for (const [self, other] of [
      [tenantA, tenantB],
      [tenantB, tenantA],
    ] as const) {
      for (const table of tenantTables) {
        const counts = await withTenant(prisma, self.orgId, (tx) => countAs(tx, table, self.orgId));
        expect({ table, sameAsOwn: counts.total === counts.own, some: counts.own >= 1 }).toEqual({
          table,
          sameAsOwn: true,
          some: true,
        });
      }
      const lookup = await withTenant(prisma, self.orgId, (tx) =>
        tx.cluster.findUnique({ where: { orgId_id: { orgId: other.orgId, id: other.clusterId } } }),
      );
      expect(lookup).toBeNull();
    }
  });

  it("refuses to write a row for another tenant, or to move a row to one, and cannot touch the other's rows", async () => {
    await expect(
      withTenant(prisma, tenantA.orgId, (tx) => tx.cluster.create({ data: { orgId: tenantB.orgId, name: 'sneaky' } })),
    ).rejects.toThrow(/row-level security/);
    await expect(
      withTenant(prisma, tenantA.orgId, (tx) =>
        tx.outboxJob.create({ data: { orgId: tenantB.orgId, queue: 'q', jobName: 'j', payload: {} } }),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      withTenant(prisma, tenantA.orgId, (tx) =>
        tx.cluster.update({
          where: { orgId_id: { orgId: tenantA.orgId, id: tenantA.clusterId } },
          data: { orgId: tenantB.orgId },
        }),
      ),
    ).rejects.toThrow(/row-level security/);

    const touched = await withTenant(prisma, tenantA.orgId, async (tx) => ({
      updated: (await tx.cluster.updateMany({ where: { orgId: tenantB.orgId }, data: { name: 'renamed' } })).count,
      deleted: (await tx.workload.deleteMany({ where: { orgId: tenantB.orgId } })).count,
    }));
    expect(touched).toEqual({ updated: 0, deleted: 0 });
  });

  it("cannot point a row at another tenant's row, even knowing its id", async () => {
    await expect(
      withTenant(prisma, tenantA.orgId, (tx) =>
        tx.namespace.create({ data: { orgId: tenantA.orgId, clusterId: tenantB.clusterId, name: 'borrowed' } }),
      ),
    ).rejects.toThrow(/Foreign key constraint/i);
  });

  it('leaves nothing behind on the pooled connection after a tenant transaction', async () => {
    await withTenant(prisma, tenantA.orgId, (tx) => tx.cluster.findMany());
    const rows = await prisma.$queryRaw<{ role: string; tenant: string | null }[]>`
      SELECT current_user AS role, current_setting('app.org_id', true) AS tenant`;
    expect(rows[0]?.role).not.toBe('ratchet_app');
    expect(rows[0]?.tenant ?? '').toBe('');
  });

  it('refuses an organization id that is not a UUID before querying', async () => {
    await expect(withTenant(prisma, "x' OR true --", (tx) => tx.cluster.findMany())).rejects.toThrow(TenantIdError);
  });

  it("deletes a cluster's data with the cluster, and nothing of another tenant", async () => {
    const extra = await createTenantGraph(prisma);
    const other = await withTenant(prisma, tenantB.orgId, (tx) => countAs(tx, 'workloads', tenantB.orgId));

    await withTenant(prisma, extra.orgId, (tx) =>
      tx.cluster.delete({ where: { orgId_id: { orgId: extra.orgId, id: extra.clusterId } } }),
    );

    const clusterScoped = tenantTables.filter((table) => table !== 'organizations');
    const remaining = await withClient(database.url, async (client) => {
      const counts: Record<string, number> = {};
      for (const table of clusterScoped) {
        const hasCluster = await client.query(
          `SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND column_name = 'cluster_id'`,
          [table],
        );
        if (hasCluster.rowCount === 0) continue;
        const result = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(table)} WHERE org_id = $1 AND cluster_id = $2`,
          [extra.orgId, extra.clusterId],
        );
        counts[table] = result.rows[0]!.n;
      }
      return counts;
    });
    expect(Object.keys(remaining).length).toBeGreaterThanOrEqual(8);
    expect(Object.values(remaining).every((n) => n === 0)).toBe(true);
    expect(await withTenant(prisma, tenantB.orgId, (tx) => countAs(tx, 'workloads', tenantB.orgId))).toEqual(other);
  });

  it('deletes every row of an organization with it', async () => {
    const doomed = await createTenantGraph(prisma);
    await withTenant(prisma, doomed.orgId, (tx) => tx.organization.delete({ where: { id: doomed.orgId } }));
    for (const table of tenantTables) {
      const left = await withClient(database.url, async (client) => {
        const result = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(table)} WHERE ${tenantColumn(table)} = $1`,
          [doomed.orgId],
        );
        return result.rows[0]!.n;
      });
      expect({ table, left }).toEqual({ table, left: 0 });
    }
  });
});
