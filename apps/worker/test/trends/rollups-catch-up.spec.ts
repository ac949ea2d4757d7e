import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaClient, withTenant, type PrismaClient } from '@ratchet/db';

import { ROLLUP_CATCH_UP } from '../../src/rollups/rollup-buckets.util.js';
import { RollupsService } from '../../src/rollups/rollups.service.js';
import { createOrganization, seedCluster } from '../support/synthetic-cluster.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// An organization's first rollup of a granularity starts at its oldest data (inventory is dated by the agent's
// observations: a replayed history or spooled batches start days back), bounded by ROLLUP_CATCH_UP; later ones
// continue from the newest stored bucket.

/** The injected clock. */
const NOW = new Date('2026-11-30T10:20:00.000Z');
const HOUR = 3_600_000;

let database: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ connectionString: database.url, poolSize: 3 });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

async function bucketStarts(orgId: string, granularity: 'hour' | 'day'): Promise<string[]> {
  const rows = await withTenant(prisma, orgId, (tx) =>
    tx.trendRollup.findMany({ where: { orgId, granularity }, distinct: ['bucketStart'], select: { bucketStart: true }, orderBy: { bucketStart: 'asc' } }),
  );
  return rows.map((row) => row.bucketStart.toISOString());
}

describe("an organization's first rollup", () => {
  const sut = () => new RollupsService(prisma, () => NOW);

  it('builds every hour and day since its namespaces were first observed, then continues from the newest bucket', async () => {
    const orgId = await createOrganization(prisma);
    // Observed five hours and a half before the clock (05:50), as a replayed or spooled batch would store it.
    await seedCluster(prisma, orgId, 'replayed', 'v1.31.0', [{ name: 'shop', workloads: [] }], new Date(NOW.getTime() - 4.5 * HOUR));

    expect(await sut().rollupOrganization(orgId, 'hour', NOW)).toEqual({ buckets: 6, rows: 12 });
    expect(await bucketStarts(orgId, 'hour')).toEqual([5, 6, 7, 8, 9, 10].map((h) => `2026-11-30T${String(h).padStart(2, '0')}:00:00.000Z`));
    // The day in progress is not built: only yesterday, as before any data (the namespace did not exist then: no rows).
    expect(await sut().rollupOrganization(orgId, 'day', NOW)).toEqual({ buckets: 1, rows: 0 });

    // An hour later the stored buckets lead: the newest stored hour and the one in progress.
    const later = new Date(NOW.getTime() + HOUR);
    expect(await sut().rollupOrganization(orgId, 'hour', later)).toEqual({ buckets: 2, rows: 4 });
    expect(await bucketStarts(orgId, 'hour')).toHaveLength(7);
  });

  it('stops ROLLUP_CATCH_UP back however old the data', async () => {
    const orgId = await createOrganization(prisma);
    await seedCluster(prisma, orgId, 'old', 'v1.31.0', [{ name: 'shop', workloads: [] }], new Date('2026-09-01T00:00:00.000Z'));

    const hours = await sut().rollupOrganization(orgId, 'hour', NOW);
    expect(hours.buckets).toBe(ROLLUP_CATCH_UP.hour + 1);
    expect((await bucketStarts(orgId, 'hour'))[0]).toBe('2026-11-28T10:00:00.000Z');
    const days = await sut().rollupOrganization(orgId, 'day', NOW);
    expect(days).toEqual({ buckets: ROLLUP_CATCH_UP.day, rows: ROLLUP_CATCH_UP.day * 2 });
    expect((await bucketStarts(orgId, 'day'))[0]).toBe('2026-10-26T00:00:00.000Z');
  });

  it('builds the previous and the current hour for an organization without any namespace', async () => {
    const orgId = await createOrganization(prisma);
    expect(await sut().rollupOrganization(orgId, 'hour', NOW)).toEqual({ buckets: 2, rows: 0 });
  });
});
