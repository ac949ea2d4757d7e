import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaClient, withTenant, type ClusterScope, type PrismaClient } from '@ratchet/db';

import { ROLLUP_CATCH_UP } from '../../src/rollups/rollup-buckets.util.js';
import { RollupsService } from '../../src/rollups/rollups.service.js';
import { createOrganization, seedCluster } from '../support/synthetic-cluster.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { seedAudit, seedFindings } from './trend-fixtures.js';

/** The injected clock: the rollups run "now" here. */
const NOW = new Date('2026-11-30T10:20:00.000Z');
const at = (iso: string) => new Date(iso);

let database: TestDatabase;
let prisma: PrismaClient;
let scope: ClusterScope;
let otherScope: ClusterScope;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ connectionString: database.url, poolSize: 3 });
  const orgId = await createOrganization(prisma);
  scope = await seedCluster(prisma, orgId, 'prod', 'v1.31.2', [
    {
      name: 'shop',
      workloads: [
        { kind: 'Deployment', name: 'api', template: 'hostNetwork', pods: ['hostNetwork'] },
        { kind: 'Deployment', name: 'worker', template: 'plain', pods: ['plain'] },
      ],
    },
    { name: 'pinned', labels: { enforceVersion: 'v1.25' }, workloads: [{ kind: 'DaemonSet', name: 'legacy', template: 'hostNetwork', pods: [] }] },
  ]);
  otherScope = await seedCluster(prisma, await createOrganization(prisma), 'other', 'v1.31.2', [
    { name: 'shop', workloads: [{ kind: 'Deployment', name: 'api', template: 'hostNetwork', pods: ['hostNetwork'] }] },
  ]);
  // The history starts before the buckets: the namespaces were first seen at the start of the month.
  for (const s of [scope, otherScope]) {
    await withTenant(prisma, s.orgId, (tx) => tx.namespace.updateMany({ where: { orgId: s.orgId }, data: { firstSeenAt: at('2026-11-01T00:00:00Z') } }));
  }
  await seedFindings(prisma, scope, [
    { namespace: 'shop', workload: 'api', level: 'baseline', version: 'latest', checkId: 'hostNamespaces', firstSeenAt: at('2026-11-27T08:00:00Z'), failingPods: 3 },
    { namespace: 'shop', workload: 'api', level: 'restricted', version: 'latest', checkId: 'hostNamespaces', firstSeenAt: at('2026-11-27T08:00:00Z'), failingPods: 3 },
    // Resolved during the 29th, at 12:30.
    {
      namespace: 'shop',
      workload: 'api',
      level: 'restricted',
      version: 'latest',
      checkId: 'runAsNonRoot',
      firstSeenAt: at('2026-11-27T08:00:00Z'),
      resolvedAt: at('2026-11-29T12:30:00Z'),
      failingPods: 2,
    },
    // Opened during the 29th, at 09:15.
    { namespace: 'shop', workload: 'worker', level: 'restricted', version: 'latest', checkId: 'runAsNonRoot', firstSeenAt: at('2026-11-29T09:15:00Z'), failingPods: 1 },
    // At a version shop is not computed at: left out.
    { namespace: 'shop', workload: 'worker', level: 'restricted', version: 'v1.25', checkId: 'seccompProfile_restricted', firstSeenAt: at('2026-11-27T00:00:00Z'), failingPods: 1 },
    // pinned is computed at v1.25; its `latest` finding is left out.
    { namespace: 'pinned', workload: 'legacy', level: 'baseline', version: 'v1.25', checkId: 'hostNamespaces', firstSeenAt: at('2026-11-25T00:00:00Z'), failingPods: 4 },
    { namespace: 'pinned', workload: 'legacy', level: 'baseline', version: 'latest', checkId: 'privileged', firstSeenAt: at('2026-11-25T00:00:00Z'), failingPods: 4 },
    // Not yet seen at the end of the 29th.
    { namespace: 'pinned', workload: 'legacy', level: 'restricted', version: 'v1.25', checkId: 'runAsNonRoot', firstSeenAt: at('2026-11-30T09:00:00Z'), failingPods: 4 },
  ]);
  await seedAudit(prisma, scope, 'shop', at('2026-11-29T03:00:00Z'), 'baseline', ['hostNamespaces']);
  await seedAudit(prisma, scope, 'shop', at('2026-11-29T04:00:00Z'), 'restricted', ['runAsNonRoot', 'seccompProfile_restricted']);
  await seedAudit(prisma, scope, 'shop', at('2026-11-29T05:00:00Z'), 'baseline', ['hostPathVolumes'], { dryRun: true });
  await seedAudit(prisma, scope, 'shop', at('2026-11-29T06:00:00Z'), null, []);
  // The day before: not in the 29th's bucket.
  await seedAudit(prisma, scope, 'shop', at('2026-11-28T23:59:59Z'), 'baseline', ['hostNamespaces']);
  await seedFindings(prisma, otherScope, [
    { namespace: 'shop', workload: 'api', level: 'baseline', version: 'latest', checkId: 'hostNamespaces', firstSeenAt: at('2026-11-20T00:00:00Z'), failingPods: 9 },
  ]);
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

async function rows(orgId: string, granularity: 'hour' | 'day', bucketStart: Date) {
  const found = await withTenant(prisma, orgId, (tx) =>
    tx.trendRollup.findMany({ where: { orgId, granularity, bucketStart }, include: { namespace: { select: { name: true } } } }),
  );
  return Object.fromEntries(
    found.map((r) => [
      `${r.namespace.name}/${r.level}`,
      {
        version: r.version,
        failingWorkloads: r.failingWorkloads,
        failingPods: r.failingPods,
        auditViolations: r.auditViolations,
        openFindings: r.openFindings,
        openedFindings: r.openedFindings,
        resolvedFindings: r.resolvedFindings,
        byCheck: r.byCheck,
      },
    ]),
  );
}

describe('trend rollups', () => {
  const sut = () => new RollupsService(prisma, () => NOW);

  it('rolls up the ended day from the findings history and the audit events, per namespace and level, by check', async () => {
    await sut().rollupOrganization(scope.orgId, 'day', NOW);
    expect(await rows(scope.orgId, 'day', at('2026-11-29T00:00:00Z'))).toEqual({
      'shop/baseline': {
        version: 'latest',
        failingWorkloads: 1,
        failingPods: 3,
        // The baseline violation and the unparsed one; not the restricted one, the dry run or the day before's.
        auditViolations: 2,
        openFindings: 1,
        openedFindings: 0,
        resolvedFindings: 0,
        byCheck: {
          hostNamespaces: { failingWorkloads: 1, failingPods: 3, auditViolations: 1 },
          unknown: { failingWorkloads: 0, failingPods: 0, auditViolations: 1 },
        },
      },
      'shop/restricted': {
        version: 'latest',
        failingWorkloads: 2,
        failingPods: 4,
        auditViolations: 3,
        openFindings: 2,
        openedFindings: 1,
        resolvedFindings: 1,
        byCheck: {
          hostNamespaces: { failingWorkloads: 1, failingPods: 3, auditViolations: 1 },
          runAsNonRoot: { failingWorkloads: 1, failingPods: 1, auditViolations: 1 },
          seccompProfile_restricted: { failingWorkloads: 0, failingPods: 0, auditViolations: 1 },
          unknown: { failingWorkloads: 0, failingPods: 0, auditViolations: 1 },
        },
      },
      'pinned/baseline': {
        version: 'v1.25',
        failingWorkloads: 1,
        failingPods: 4,
        auditViolations: 0,
        openFindings: 1,
        openedFindings: 0,
        resolvedFindings: 0,
        byCheck: { hostNamespaces: { failingWorkloads: 1, failingPods: 4, auditViolations: 0 } },
      },
      'pinned/restricted': {
        version: 'v1.25',
        failingWorkloads: 0,
        failingPods: 0,
        auditViolations: 0,
        openFindings: 0,
        openedFindings: 0,
        resolvedFindings: 0,
        byCheck: {},
      },
    });
  });

  it('rolls up hours: the figures as of each hour end, the hour in progress as of now', async () => {
    await sut().rollupOrganization(scope.orgId, 'hour', NOW);
    // The first hourly rollup catches up from the oldest namespace (seen on the 1st), at most ROLLUP_CATCH_UP hours.
    const built = await withTenant(prisma, scope.orgId, (tx) =>
      tx.trendRollup.findMany({ where: { orgId: scope.orgId, granularity: 'hour' }, distinct: ['bucketStart'], select: { bucketStart: true } }),
    );
    const starts = built.map((b) => b.bucketStart.toISOString()).sort();
    expect(starts).toHaveLength(ROLLUP_CATCH_UP.hour + 1);
    expect([starts[0], starts.at(-1)]).toEqual(['2026-11-28T10:00:00.000Z', '2026-11-30T10:00:00.000Z']);
    // The runAsNonRoot finding resolved at 12:30 on the 29th: open at the end of 12:00's hour no longer.
    expect((await rows(scope.orgId, 'hour', at('2026-11-29T11:00:00Z')))['shop/restricted']).toMatchObject({ openFindings: 3, resolvedFindings: 0 });
    // legacy's restricted finding opened at 09:00.
    expect((await rows(scope.orgId, 'hour', at('2026-11-30T09:00:00Z')))['pinned/restricted']).toMatchObject({ failingWorkloads: 1, openedFindings: 1 });
    expect((await rows(scope.orgId, 'hour', at('2026-11-30T10:00:00Z')))['pinned/restricted']).toMatchObject({ failingWorkloads: 1, openedFindings: 0 });
    // An explicit rebuild of the hour the runAsNonRoot finding was resolved in.
    const hour = { granularity: 'hour' as const, start: at('2026-11-29T12:00:00Z'), end: at('2026-11-29T13:00:00Z'), asOf: at('2026-11-29T13:00:00Z') };
    await sut().rebuild(scope.orgId, hour, NOW);
    expect((await rows(scope.orgId, 'hour', hour.start))['shop/restricted']).toMatchObject({ failingWorkloads: 2, openFindings: 2, resolvedFindings: 1 });
  });

  it('overwrites a bucket when the job repeats, never doubling it, and follows a changed enforce-version', async () => {
    const day = at('2026-11-29T00:00:00Z');
    const before = await rows(scope.orgId, 'day', day);
    await sut().rollupOrganization(scope.orgId, 'day', NOW);
    await sut().run('day');
    expect(await rows(scope.orgId, 'day', day)).toEqual(before);
    const count = () => withTenant(prisma, scope.orgId, (tx) => tx.trendRollup.count({ where: { orgId: scope.orgId, granularity: 'day', bucketStart: day } }));
    expect(await count()).toBe(4);

    await withTenant(prisma, scope.orgId, (tx) => tx.namespace.updateMany({ where: { orgId: scope.orgId, name: 'pinned' }, data: { enforceVersion: null } }));
    await sut().run('day');
    expect(await count()).toBe(4);
    // At latest, pinned's latest finding counts instead.
    expect((await rows(scope.orgId, 'day', day))['pinned/baseline']).toMatchObject({ version: 'latest', byCheck: { privileged: { failingWorkloads: 1, failingPods: 4, auditViolations: 0 } } });
  });

  it('lets two rebuilds of one bucket at once take turns, leaving one row per namespace and level', async () => {
    const day = at('2026-11-29T00:00:00Z');
    const bucket = { granularity: 'day' as const, start: day, end: at('2026-11-30T00:00:00Z'), asOf: at('2026-11-30T00:00:00Z') };
    await Promise.all([1, 2, 3].map(() => sut().rebuild(scope.orgId, bucket, NOW)));
    expect(await withTenant(prisma, scope.orgId, (tx) => tx.trendRollup.count({ where: { orgId: scope.orgId, granularity: 'day', bucketStart: day } }))).toBe(4);
  });

  it('rebuilds from rebuildFrom when asked (a replay or a late spool), never past the catch-up bound', async () => {
    const hours = async () =>
      (
        await withTenant(prisma, scope.orgId, (tx) =>
          tx.trendRollup.findMany({ where: { orgId: scope.orgId, granularity: 'hour' }, distinct: ['bucketStart'], select: { bucketStart: true }, orderBy: { bucketStart: 'asc' } }),
        )
      ).map((b) => b.bucketStart.toISOString());
    const summary = await sut().run('hour', at('2026-11-29T20:30:00Z'));
    expect(summary.failed).toEqual([]);
    // 20:00 on the 29th through the hour in progress (10:00 on the 30th).
    expect((await hours()).filter((h) => h >= '2026-11-29T20:00:00.000Z')).toHaveLength(15);
    expect((await rows(scope.orgId, 'hour', at('2026-11-29T20:00:00Z')))['shop/restricted']).toMatchObject({ openFindings: 2, failingWorkloads: 2 });
    // A month back is capped at 48 hours before the hour in progress.
    await sut().run('hour', at('2026-11-01T00:00:00Z'));
    expect((await hours())[0]).toBe('2026-11-28T10:00:00.000Z');
  });

  it('keeps each organization to its own rows', async () => {
    const summary = await sut().run('day');
    expect(summary).toMatchObject({ organizations: 2, failed: [] });
    const other = await rows(otherScope.orgId, 'day', at('2026-11-29T00:00:00Z'));
    expect(Object.keys(other).sort()).toEqual(['shop/baseline', 'shop/restricted']);
    expect(other['shop/baseline']).toMatchObject({ failingWorkloads: 1, failingPods: 9, auditViolations: 0 });
    const mine = await withTenant(prisma, scope.orgId, (tx) => tx.trendRollup.findMany({ where: { clusterId: otherScope.clusterId } }));
    expect(mine).toEqual([]);
  });
});
