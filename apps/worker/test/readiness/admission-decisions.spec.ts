import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaClient, withTenant, type ClusterScope, type PrismaClient } from '@ratchet/db';

import { readReadinessSources, recomputeReadiness } from '../../src/readiness/readiness.service.js';
import { createOrganization, seedAuditViolation, seedCluster } from '../support/synthetic-cluster.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const CONFIGURATION = {
  defaults: { enforce: 'baseline', 'enforce-version': 'latest', audit: 'privileged', 'audit-version': 'latest', warn: 'privileged', 'warn-version': 'latest' },
  exemptions: { usernames: ['ci-bot'], runtimeClasses: [], namespaces: ['kube-system'] },
};

let database: TestDatabase;
let prisma: PrismaClient;
let orgId: string;
let scope: ClusterScope;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ connectionString: database.url, poolSize: 2 });
  orgId = await createOrganization(prisma, 7);
  scope = await seedCluster(prisma, orgId, 'prod', 'v1.31.0', [
    { name: 'shop', workloads: [] },
    { name: 'kube-system', workloads: [] },
    { name: 'quiet', workloads: [] },
  ]);
  await withTenant(prisma, orgId, (tx) =>
    tx.cluster.update({ where: { orgId_id: { orgId, id: scope.clusterId } }, data: { psaConfigurationOverride: CONFIGURATION, auditSource: 'webhook' } }),
  );
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

async function decision(namespace: string, lastSeen: Date, fields: { exempt?: string; enforcePolicy?: string; username?: string; count?: number }) {
  await withTenant(prisma, orgId, (tx) =>
    tx.admissionDecision.create({
      data: {
        orgId,
        clusterId: scope.clusterId,
        namespaceName: namespace,
        bucketStart: new Date(Math.floor(lastSeen.getTime() / 3_600_000) * 3_600_000),
        resource: 'pods',
        exempt: fields.exempt ?? '',
        enforcePolicy: fields.enforcePolicy ?? '',
        username: fields.username ?? 'system:serviceaccount:kube-system:replicaset-controller',
        count: fields.count ?? 1,
        firstSeenAt: lastSeen,
        lastSeenAt: lastSeen,
      },
    }),
  );
}

async function contradictions(name: string) {
  return withTenant(prisma, orgId, async (tx) => {
    const ids = (await tx.namespace.findMany({ where: { orgId } })).map((n) => n.id);
    await recomputeReadiness(tx, scope, await readReadinessSources(tx, scope, ids), NOW);
    const row = await tx.namespaceReadiness.findFirstOrThrow({ where: { orgId, level: 'baseline', namespace: { name } } });
    return { contradictions: row.psaContradictions, recomputeDueAt: row.recomputeDueAt, status: row.status };
  });
}

describe("admission decisions against the cluster's PSA configuration", () => {
  it('flags exemptions the configuration does not have, and takes the newest enforce-policy from evaluated pods too', async () => {
    // A violation says baseline:latest, as configured; a newer evaluated pod says privileged:latest.
    await seedAuditViolation(prisma, scope, 'shop', ago(3), { enforcePolicy: 'baseline:latest' });
    await decision('shop', ago(1), { enforcePolicy: 'privileged:latest', count: 40 });
    await decision('shop', ago(2), { exempt: 'namespace', count: 3 });
    await decision('shop', ago(2), { exempt: 'user', username: 'ci-bot', count: 2 });
    await decision('shop', ago(2), { exempt: 'user', username: 'alice', count: 5 });
    // Out of the window: not compared.
    await decision('shop', ago(8), { exempt: 'runtimeClass', count: 1 });
    const shop = await contradictions('shop');
    expect(shop.contradictions).toEqual([
      { namespace: 'shop', kind: 'enforce-policy', expected: 'baseline:latest', observed: 'privileged:latest', events: 40, lastSeenAt: ago(1).toISOString() },
      { namespace: 'shop', kind: 'unexpected-exemption', expected: 'evaluated: exemptions.namespaces does not list shop', observed: 'exempt: namespace', events: 3, lastSeenAt: ago(2).toISOString() },
      { namespace: 'shop', kind: 'unexpected-exemption', expected: 'evaluated: exemptions.usernames does not list alice', observed: 'exempt: user (alice)', events: 5, lastSeenAt: ago(2).toISOString() },
    ]);
    // Decisions never block: the violation does (3 days old), nothing else.
    expect(shop.status).toBe('blocked');
    // The oldest thing counted leaves the window first: the violation, 3 days old.
    expect(shop.recomputeDueAt).toEqual(new Date(ago(3).getTime() + 7 * DAY + 1));
  });

  it('flags pods evaluated in a namespace the configuration exempts, and by users it exempts', async () => {
    await decision('kube-system', ago(1), { enforcePolicy: 'baseline:latest', count: 6 });
    await decision('kube-system', ago(1), { exempt: 'namespace', count: 9 });
    await decision('quiet', ago(1), { enforcePolicy: 'baseline:latest', username: 'ci-bot', count: 2 });
    expect((await contradictions('kube-system')).contradictions).toEqual([
      {
        namespace: 'kube-system',
        kind: 'exempt-namespace',
        expected: 'exempt (exemptions.namespaces)',
        observed: 'requests evaluated (enforce-policy recorded)',
        events: 6,
        lastSeenAt: ago(1).toISOString(),
      },
    ]);
    const quiet = await contradictions('quiet');
    expect(quiet.contradictions).toEqual([
      { namespace: 'quiet', kind: 'exempt-username', expected: 'ci-bot exempt (exemptions.usernames)', observed: 'ci-bot', events: 2, lastSeenAt: ago(1).toISOString() },
    ]);
    expect(quiet.status).toBe('ready');
    expect(quiet.recomputeDueAt).toEqual(new Date(ago(1).getTime() + 7 * DAY + 1));
  });
});
