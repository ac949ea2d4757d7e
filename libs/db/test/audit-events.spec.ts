import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { PrismaClient } from '../src/generated/prisma/client.js';
import { createPrismaClient } from '../src/prisma.factory.js';
import { ensureAuditPartition } from '../src/system-functions.repository.js';
import { withTenant, type Transaction } from '../src/tenant-transaction.js';
import { createTenantGraph, type TenantGraph } from './support/tenant.factory.js';
import { createTestDatabase, withClient, type TestDatabase } from './support/test-database.util.js';

let database: TestDatabase;
let prisma: PrismaClient;
let tenant: TenantGraph;

async function partitionOf(auditId: string): Promise<string | undefined> {
  return withClient(database.url, async (client) => {
    const result = await client.query<{ partition: string }>(
      'SELECT tableoid::regclass::text AS partition FROM audit_events WHERE audit_id = $1',
      [auditId],
    );
    return result.rows[0]?.partition;
  });
}

async function partitionBounds(name: string): Promise<string | undefined> {
  return withClient(database.url, async (client) => {
    const result = await client.query<{ bounds: string }>(
      `SELECT pg_get_expr(c.relpartbound, c.oid) AS bounds FROM pg_class c
       WHERE c.relname = $1 AND c.relispartition`,
      [name],
    );
    return result.rows[0]?.bounds;
  });
}

function auditEvent(overrides: { auditId?: string; time: Date; clusterId?: string }) {
  return {
    orgId: tenant.orgId,
    clusterId: overrides.clusterId ?? tenant.clusterId,
    auditId: overrides.auditId ?? randomUUID(),
    time: overrides.time,
    username: 'alice',
    userGroups: ['system:authenticated'],
    verb: 'create',
    objectResource: 'deployments',
    objectApiGroup: 'apps',
    objectNamespace: 'payments',
    objectName: 'api',
    namespaceName: 'payments',
    auditViolations: 'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false',
    enforcePolicy: 'privileged:latest',
    auditPolicy: 'restricted:latest',
    level: 'restricted' as const,
    version: 'latest',
    checks: [{ id: 'allowPrivilegeEscalation', reason: 'allowPrivilegeEscalation != false', detail: '' }],
  };
}

// Inserts as the API would: make sure of the partition, then insert, skipping repeated auditIDs.
async function insertEvents(tx: Transaction, events: ReturnType<typeof auditEvent>[]): Promise<number> {
  for (const time of new Set(events.map((event) => event.time.getTime()))) {
    await ensureAuditPartition(tx, new Date(time));
  }
  const result = await tx.auditEvent.createMany({ data: events, skipDuplicates: true });
  return result.count;
}

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ connectionString: database.url });
  tenant = await createTenantGraph(prisma);
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

describe('audit event partitions', () => {
  it("creates the month's partition on demand, as the application role, with UTC month bounds", async () => {
    const name = await withTenant(prisma, tenant.orgId, async (tx) => {
      // A session far from UTC, where the local month would start 14 hours earlier.
      await tx.$executeRaw`SET LOCAL TimeZone = 'Pacific/Kiritimati'`;
      return ensureAuditPartition(tx, new Date('2031-05-31T20:00:00Z'));
    });

    expect(name).toBe('audit_events_2031_05');
    expect(await partitionBounds(name)).toBe(
      "FOR VALUES FROM ('2031-05-01 00:00:00+00') TO ('2031-06-01 00:00:00+00')",
    );
  });

  it('is idempotent, also when called concurrently', async () => {
    const time = new Date('2031-08-09T00:00:00Z');
    const names = await Promise.all(
      [1, 2, 3].map(() => withTenant(prisma, tenant.orgId, (tx) => ensureAuditPartition(tx, time))),
    );
    expect(names).toEqual(['audit_events_2031_08', 'audit_events_2031_08', 'audit_events_2031_08']);
    expect(await withTenant(prisma, tenant.orgId, (tx) => ensureAuditPartition(tx, time))).toBe('audit_events_2031_08');
  });

  it('files an event by its UTC month, whatever the offset it was written with', async () => {
    const event = auditEvent({ time: new Date('2031-09-30T23:30:00-02:00') });
    await withTenant(prisma, tenant.orgId, (tx) => insertEvents(tx, [event]));
    expect(await partitionOf(event.auditId)).toBe('audit_events_2031_10');
  });

  it('never fails an insert for a month without a partition: the row waits in the default partition', async () => {
    const event = auditEvent({ time: new Date('2035-02-03T04:05:06Z') });
    await withTenant(prisma, tenant.orgId, (tx) => tx.auditEvent.create({ data: event }));
    expect(await partitionOf(event.auditId)).toBe('audit_events_default');
  });

  it("moves the default partition's rows of a month into that month's partition when it is created", async () => {
    const early = auditEvent({ time: new Date('2036-03-10T10:00:00Z') });
    const otherMonth = auditEvent({ time: new Date('2036-04-10T10:00:00Z') });
    await withTenant(prisma, tenant.orgId, (tx) => tx.auditEvent.createMany({ data: [early, otherMonth] }));
    expect(await partitionOf(early.auditId)).toBe('audit_events_default');

    await withTenant(prisma, tenant.orgId, (tx) => ensureAuditPartition(tx, new Date('2036-03-31T23:59:59Z')));

    expect(await partitionOf(early.auditId)).toBe('audit_events_2036_03');
    expect(await partitionOf(otherMonth.auditId)).toBe('audit_events_default');
    const visible = await withTenant(prisma, tenant.orgId, (tx) =>
      tx.auditEvent.count({ where: { auditId: { in: [early.auditId, otherMonth.auditId] } } }),
    );
    expect(visible).toBe(2);
  });

  it('gives new partitions row-level security and no grants to the application role', async () => {
    await withTenant(prisma, tenant.orgId, (tx) => ensureAuditPartition(tx, new Date('2037-01-15T00:00:00Z')));
    const partition = await withClient(database.url, async (client) => {
      const result = await client.query<Record<string, unknown>>(
        `SELECT relrowsecurity AS rls, has_table_privilege('ratchet_app', oid, 'SELECT') AS readable,
                has_table_privilege('ratchet_app', oid, 'INSERT') AS writable
         FROM pg_class WHERE relname = 'audit_events_2037_01'`,
      );
      return result.rows[0];
    });
    expect(partition).toEqual({ rls: true, readable: false, writable: false });
  });
});

describe('duplicate audit events', () => {
  it('stores a repeated auditID of a cluster once, with ON CONFLICT DO NOTHING', async () => {
    const event = auditEvent({ time: new Date('2031-11-20T08:00:00.123Z') });

    const inserted = await withTenant(prisma, tenant.orgId, (tx) => insertEvents(tx, [event, { ...event }]));
    const again = await withTenant(prisma, tenant.orgId, (tx) => insertEvents(tx, [event]));
    const raw = await withTenant(prisma, tenant.orgId, async (tx) => {
      await ensureAuditPartition(tx, event.time);
      return tx.$executeRaw`
        INSERT INTO audit_events (org_id, cluster_id, audit_id, "time", username, verb, object_resource, namespace_name,
                                  audit_violations, level, version, checks)
        VALUES (${tenant.orgId}::uuid, ${tenant.clusterId}::uuid, ${event.auditId}, ${event.time}, 'alice', 'create',
                'pods', 'payments', 'x', 'restricted', 'latest', '[]'::jsonb)
        ON CONFLICT (org_id, cluster_id, audit_id, "time") DO NOTHING`;
    });

    expect({ inserted, again, raw }).toEqual({ inserted: 1, again: 0, raw: 0 });
    expect(await withTenant(prisma, tenant.orgId, (tx) => tx.auditEvent.count({ where: { auditId: event.auditId } }))).toBe(1);
  });

  it('keeps the same auditID from another cluster', async () => {
    const other = await withTenant(prisma, tenant.orgId, (tx) =>
      tx.cluster.create({ data: { orgId: tenant.orgId, name: `staging-${randomUUID()}` } }),
    );
    const auditId = randomUUID();
    const time = new Date('2031-11-21T08:00:00Z');

    const inserted = await withTenant(prisma, tenant.orgId, (tx) =>
      insertEvents(tx, [auditEvent({ auditId, time }), auditEvent({ auditId, time, clusterId: other.id })]),
    );

    expect(inserted).toBe(2);
  });
});
