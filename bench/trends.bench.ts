// Trend rollups at the size of a large organization, on a fresh database:
//   npm run bench:trends          (builds the worker it measures)
// Seeds straight with SQL one organization with RATCHET_BENCH_NAMESPACES namespaces (default 2,000) of 10 workloads,
// each failing 3 checks at baseline and restricted (120,000 findings by default; 30% resolved a day after they
// opened, first seen over the last 30 days) and RATCHET_BENCH_AUDIT_EVENTS audit-mode violations (default 100,000)
// over the last 30 days. Then times, through the worker's RollupsService (tenant transactions, row-level security):
//   1. one daily bucket rebuilt (yesterday);
//   2. the same bucket rebuilt again (what a repeated job costs; the rows must not change in number);
//   3. an hourly run: the previous hour and the hour in progress;
//   4. a 30-day backfill of daily buckets, one after another.
// Prints the figures; the machine is shared, so they vary with its load. Exits 1 when a rebuild doubles rows.
import { randomBytes } from 'node:crypto';

import { createPrismaClient, migrate, withTenant } from '@ratchet/db';

import type * as Rollups from '../apps/worker/src/rollups/rollups.service.ts';
import { ADMIN_URL, admin } from './support/local-services.ts';

const NAMESPACES = Number(process.env.RATCHET_BENCH_NAMESPACES ?? 2000);
const AUDIT_EVENTS = Number(process.env.RATCHET_BENCH_AUDIT_EVENTS ?? 100_000);
const DAY = 86_400_000;
// The worker's built service, as the worker process runs it (bench scripts import built code, see the README).
const { RollupsService } = (await import(new URL('../apps/worker/dist/rollups/rollups.service.js', import.meta.url).href)) as typeof Rollups;

const name = `ratchet_bench_trends_${randomBytes(5).toString('hex')}`;
await admin(`CREATE DATABASE ${name}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const prisma = createPrismaClient({ connectionString: url.toString(), poolSize: 2 });

async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  console.log(`${what}: ${Math.round(performance.now() - started)} ms`);
  return result;
}

try {
  await migrate({ connectionString: url.toString() });
  const orgId = crypto.randomUUID();
  const clusterId = crypto.randomUUID();
  const now = new Date();
  const today = Math.floor(now.getTime() / DAY) * DAY;
  await timed(`seed ${NAMESPACES} namespaces, ${NAMESPACES * 60} findings, ${AUDIT_EVENTS} audit events`, async () => {
    await prisma.$executeRawUnsafe(`
      INSERT INTO organizations (id, name, slug) VALUES ('${orgId}', 'Bench', 'bench-${orgId.slice(0, 8)}');
      INSERT INTO clusters (org_id, id, name) VALUES ('${orgId}', '${clusterId}', 'big');
      INSERT INTO security_projections (org_id, content_hash, projection) VALUES ('${orgId}', 'bench', '{}');
      INSERT INTO namespaces (org_id, cluster_id, name, uid, first_seen_at)
        SELECT '${orgId}', '${clusterId}', 'ns-' || g, gen_random_uuid(), now() - interval '60 days' FROM generate_series(1, ${NAMESPACES}) g;
      INSERT INTO workloads (org_id, cluster_id, namespace_id, kind, name, uid, top_level_uid, projection_id)
        SELECT x.org_id, x.cluster_id, x.id, 'Deployment', 'w-' || x.g, x.u, x.u, (SELECT id FROM security_projections LIMIT 1)
        FROM (SELECT n.org_id, n.cluster_id, n.id, g, gen_random_uuid() AS u FROM namespaces n, generate_series(1, 10) g) x;
      INSERT INTO findings (org_id, cluster_id, namespace_id, workload_id, fingerprint, namespace_name, workload_kind, workload_name, level,
                            version, check_id, message, detail, first_seen_at)
        SELECT w.org_id, w.cluster_id, w.namespace_id, w.id, md5(w.id::text || c || l), 'ns', 'Deployment', w.name, l::pss_level, 'latest', c,
               'm', '{"failingPods": 3}', now() - random() * interval '30 days'
        FROM workloads w, unnest(ARRAY['runAsNonRoot', 'seccompProfile_restricted', 'capabilities_restricted']) c,
             unnest(ARRAY['baseline', 'restricted']) l;
      UPDATE findings SET status = 'resolved', resolved_at = first_seen_at + interval '1 day' WHERE random() < 0.3;
      SELECT ratchet_ensure_audit_partition(now() - interval '30 days');
      SELECT ratchet_ensure_audit_partition(now());
      INSERT INTO audit_events (org_id, cluster_id, audit_id, time, username, verb, object_resource, namespace_name, audit_violations, level,
                                version, checks)
        SELECT '${orgId}', '${clusterId}', 'a-' || g, now() - random() * interval '30 days', 'u', 'create', 'pods',
               'ns-' || (1 + g % ${NAMESPACES}), 'x', 'restricted', 'latest', '[{"id": "runAsNonRoot", "reason": "r", "detail": ""}]'
        FROM generate_series(1, ${AUDIT_EVENTS}) g;
      ANALYZE;
    `);
  });
  const sut = new RollupsService(prisma, () => now);
  const yesterday = { granularity: 'day' as const, start: new Date(today - DAY), end: new Date(today), asOf: new Date(today) };
  const rows = () => withTenant(prisma, orgId, (tx) => tx.trendRollup.count({ where: { orgId } }));
  await timed('1. one daily bucket', () => sut.rebuild(orgId, yesterday, now));
  const before = await rows();
  await timed('2. the same bucket again', () => sut.rebuild(orgId, yesterday, now));
  if ((await rows()) !== before) {
    console.error(`a repeated rebuild changed the row count: ${before} -> ${await rows()}`);
    process.exitCode = 1;
  }
  await timed('3. hourly run (2 buckets)', () => sut.rollupOrganization(orgId, 'hour', now));
  await timed('4. 30 daily buckets', async () => {
    for (let day = 30; day >= 1; day--) {
      await sut.rebuild(orgId, { granularity: 'day', start: new Date(today - day * DAY), end: new Date(today - (day - 1) * DAY), asOf: new Date(today - (day - 1) * DAY) }, now);
    }
  });
  console.log(`rows stored: ${await rows()} (${NAMESPACES} namespaces x 2 levels x buckets)`);
} finally {
  await prisma.$disconnect();
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
