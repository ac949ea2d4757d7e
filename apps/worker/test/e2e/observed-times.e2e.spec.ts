import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaClient, withTenant, type PrismaClient } from '@ratchet/db';
import pg from 'pg';

import { RollupsService } from '../../src/rollups/rollups.service.js';
import { delta, namespace, workload } from '../support/agent-cluster.js';
import { startPipelineStack, waitForIdle, type PipelineStack } from '../support/pipeline.js';

// Findings are dated by when the agent observed the inventory they reflect (the batches' observedAt), not by when
// the worker got to them: a delta observed three hours ago opens its finding three hours ago, although the worker
// evaluates it now, and the hourly trends show it open in between. The built API and worker processes, talking
// over HTTP and a private redis-server, on real clocks (needs: npx nx run-many -t build -p @ratchet/api @ratchet/worker).

const HOUR = 3_600_000;

let prisma: PrismaClient;
let stack: PipelineStack;

beforeAll(async () => {
  stack = await startPipelineStack();
  prisma = createPrismaClient({ connectionString: stack.database.url, poolSize: 2 });
}, 60_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await stack?.stop();
});

interface FindingRow {
  level: string;
  version: string;
  check_id: string;
  status: string;
  first_seen_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
}

async function findingsOf(workloadName: string): Promise<FindingRow[]> {
  const pgClient = new pg.Client({ connectionString: stack.database.url });
  await pgClient.connect();
  try {
    const { rows } = await pgClient.query<FindingRow>(
      `SELECT level, version, check_id, status, first_seen_at, last_seen_at, resolved_at FROM findings
       WHERE org_id = $1 AND workload_name = $2 ORDER BY level, version, check_id`,
      [stack.tenant.orgId, workloadName],
    );
    return rows;
  } finally {
    await pgClient.end();
  }
}

describe('observation times through the pipeline', () => {
  it('opens a finding when the delta was observed and resolves it when the fix was, whatever the worker clock; hourly trends follow', async () => {
    const now = new Date();
    const threeHoursAgo = new Date(now.getTime() - 3 * HOUR);
    const hourAgo = new Date(now.getTime() - HOUR);
    await stack.client.ingest('heartbeat', {
      agentVersion: '1.0.0',
      kubernetesVersion: 'v1.30.4',
      counts: { namespaces: 1, workloads: 1, pods: 1 },
      startedAt: threeHoursAgo.toISOString(),
      auditSource: 'webhook',
    });
    // A privileged container fails baseline (and so restricted), observed three hours ago.
    await stack.client.ingest('inventory/delta', { ...(delta([namespace('shop', {}, [workload('shop', 'Deployment', 'api', 'privileged', ['privileged'])])]) as object), observedAt: threeHoursAgo.toISOString() });
    await waitForIdle(stack.database.url, stack.redis.url);

    const opened = await findingsOf('api');
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.filter((f) => f.level === 'baseline' && f.version === 'latest').map((f) => f.check_id)).toEqual(['privileged']);
    for (const finding of opened) {
      expect({ status: finding.status, first: finding.first_seen_at, last: finding.last_seen_at }).toEqual({ status: 'open', first: threeHoursAgo, last: threeHoursAgo });
    }
    // The worker evaluated just now: its own verdicts carry its clock.
    const evaluated = await prisma.$queryRaw<{ at: Date }[]>`SELECT max(evaluated_at) AS at FROM projection_evaluations WHERE org_id = ${stack.tenant.orgId}::uuid`;
    expect(evaluated[0]!.at.getTime()).toBeGreaterThanOrEqual(now.getTime() - 1000);

    // The same Deployment (same uids) with a hardened template and pod, observed an hour ago: every finding resolves then.
    await stack.client.ingest('inventory/delta', { ...(delta([namespace('shop', {}, [workload('shop', 'Deployment', 'api', 'hardened', ['hardened'])])]) as object), observedAt: hourAgo.toISOString() });
    await waitForIdle(stack.database.url, stack.redis.url);
    const resolved = await findingsOf('api');
    expect(resolved.map((f) => [f.level, f.version, f.check_id])).toEqual(opened.map((f) => [f.level, f.version, f.check_id]));
    for (const finding of resolved) {
      expect({ status: finding.status, first: finding.first_seen_at, resolved: finding.resolved_at }).toEqual({ status: 'resolved', first: threeHoursAgo, resolved: hourAgo });
    }

    // The worker process runs its own hourly rollup on a schedule, possibly between the batches: start over so this
    // is the organization's first rollup, which catches up from the namespace's first observation.
    await withTenant(prisma, stack.tenant.orgId, (tx) => tx.trendRollup.deleteMany({ where: { orgId: stack.tenant.orgId } }));
    const rollups = new RollupsService(prisma, () => now);
    const built = await rollups.rollupOrganization(stack.tenant.orgId, 'hour', now);
    expect(built.buckets).toBe(4);
    const rows = await withTenant(prisma, stack.tenant.orgId, (tx) =>
      tx.trendRollup.findMany({ where: { orgId: stack.tenant.orgId, granularity: 'hour', level: 'baseline' }, orderBy: { bucketStart: 'asc' } }),
    );
    const hourStart = (time: Date) => new Date(Math.floor(time.getTime() / HOUR) * HOUR);
    const expected = [0, 1, 2, 3].map((n) => {
      const start = new Date(hourStart(threeHoursAgo).getTime() + n * HOUR);
      const asOf = new Date(Math.min(start.getTime() + HOUR, now.getTime()));
      const end = new Date(start.getTime() + HOUR);
      return {
        bucketStart: start,
        // Open at the bucket's end (or now) iff first seen by then and not resolved by then.
        openFindings: asOf >= threeHoursAgo && asOf < hourAgo ? 1 : 0,
        openedFindings: threeHoursAgo >= start && threeHoursAgo < end ? 1 : 0,
        resolvedFindings: hourAgo >= start && hourAgo < end ? 1 : 0,
      };
    });
    expect(rows.map((r) => ({ bucketStart: r.bucketStart, openFindings: r.openFindings, openedFindings: r.openedFindings, resolvedFindings: r.resolvedFindings }))).toEqual(expected);
    // Open in the buckets between the two observations, whatever hour the test runs at.
    expect(expected.slice(0, 2).map((b) => b.openFindings)).toEqual([1, 1]);
    expect(expected.slice(2).map((b) => b.openFindings)).toEqual([0, 0]);
  }, 120_000);
});
