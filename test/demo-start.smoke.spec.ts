import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import { kubeBinary } from '../scripts/kube-binaries.js';
import { ClusterTrends, NamespaceTrends, type NamespaceSummary } from '@ratchet/contracts';

import { DemoRun, type WebSession } from './support/demo-run.js';

// Real processes on a shared, loaded machine, two starts, the first replaying a week; the demo's own deadline (the
// dashboard within a minute) is asserted below.
jest.setTimeout(480_000);

const run = promisify(execFile);
const CHILDREN = ['agent', 'api', 'web', 'worker'];
const HOUR_MS = 3_600_000;

/**
 * `npm start` headless, as a newcomer runs it (minus the build, which the rest of CI does first): its own database
 * and redis-server, free ports, the default week of history. The dashboard must show the demo organization's
 * namespaces within a minute (while the history replays), the replayed week must be in the trends when the demo is
 * ready, a second start must find the same organization and cluster and not replay again, and SIGTERM (to the
 * terminal's process group, or to npm alone) must leave no process behind.
 */
describe('npm start (the demo), headless', () => {
  const demo = new DemoRun();

  beforeAll(() => demo.prepare());
  afterAll(() => demo.cleanup());

  it('serves the dashboard with every simulated namespace within a minute, restarts into the same demo, and leaves nothing behind', async () => {
    const first = await demo.start(300_000, 'Ratchet is running');
    const readyAt = Date.now();
    expect(first.output()).toContain(`Ratchet is running: ${demo.webUrl}`);
    expect(first.output()).toContain('sign in as demo@ratchet.dev / staged-rollout-demo-2026');

    // Through the dashboard's origin only, as a browser: log in, then load the cluster's namespaces page.
    const session = await demo.signIn();
    const { clusterId } = JSON.parse(await readFile(join(demo.demoDir, 'state.json'), 'utf8')) as { clusterId: string };
    const page = await fetch(`${demo.webUrl}/clusters/${clusterId}`, { headers: { Cookie: session.cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const kubectl = await kubeBinary('kubectl');
    const { stdout } = await run(kubectl, ['--kubeconfig', demo.kubeconfig, 'get', 'namespaces', '-o', 'jsonpath={.items[*].metadata.name}']);
    const names = stdout.split(' ').filter(Boolean);
    expect(names.length).toBeGreaterThan(5);
    // The server renders the first screen of rows and streams every namespace's summary in the page's data.
    const rows = [...html.matchAll(/data-namespace="([^"]+)"/g)].map((m) => m[1]!);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.filter((name) => !names.includes(name))).toEqual([]);
    expect(names.filter((name) => !html.includes(`\\"name\\":\\"${name}\\"`))).toEqual([]);
    // From `npm start` to the namespaces on the dashboard (migrations, processes, the first hour of history,
    // readiness): a minute.
    const dashboardMs = first.runningMs + (Date.now() - readyAt);
    expect(dashboardMs).toBeLessThan(60_000);
    process.stdout.write(`demo smoke: namespaces on the dashboard in ${(dashboardMs / 1000).toFixed(1)} s\n`);

    // Then the week replays, the agent starts, and the demo is ready.
    await demo.waitForOutput(first, 'demo ready');
    expect(Object.keys(first.pids).sort()).toEqual(CHILDREN);
    expect(first.output()).toMatch(/history replayed: 168 hours/);
    process.stdout.write(`demo smoke: history replayed and demo ready in ${((Date.now() - readyAt + first.runningMs) / 1000).toFixed(1)} s\n`);
    await expectReplayedWeek(demo, session, clusterId);

    // Every namespace the dashboard lists has readiness at both levels (the API behind the same origin).
    const namespaces = await demo.list<{ name: string; readiness: Record<'baseline' | 'restricted', { computedAt: string | null }> }>(session, `/namespaces?clusterId=${clusterId}`);
    expect(namespaces.map((n) => n.name).sort()).toEqual([...names].sort());
    for (const ns of namespaces) {
      expect([ns.name, ns.readiness.baseline.computedAt, ns.readiness.restricted.computedAt].includes(null)).toBe(false);
    }

    expect(await demo.stop(first, 'group')).toEqual([]);

    // A second start finds the same user, organization and cluster (the API holds one of each).
    const second = await demo.start();
    expect(Object.keys(second.pids).sort()).toEqual(CHILDREN);
    // The history is in the database already: a restart goes straight to live.
    expect(second.output()).not.toContain('replaying');
    const again = await demo.signIn();
    expect(again.orgId).toBe(session.orgId);
    const clusters = await demo.list<{ id: string }>(again, '/clusters');
    expect(clusters.map((c) => c.id)).toEqual([clusterId]);
    expect(await demo.stop(second, 'npm-only')).toEqual([]);
  });
});

/**
 * The week the first start replayed, as the API serves it: daily buckets for each day of it whose figures move,
 * hourly buckets for the last two days, audit violations days ago, findings first seen across the week (observation
 * times, not the replay's wall clock), estimated ready dates from the daily trend, and the newest hour ending at what
 * the namespaces show now.
 */
async function expectReplayedWeek(demo: DemoRun, session: WebSession, clusterId: string): Promise<void> {
  const now = Date.now();
  const days = ClusterTrends.parse(await demo.get(session, `/clusters/${clusterId}/trends?granularity=day`));
  const hours = ClusterTrends.parse(await demo.get(session, `/clusters/${clusterId}/trends?granularity=hour`));
  for (const series of days.series) {
    expect(series.points.length).toBeGreaterThanOrEqual(7);
    expect(new Set(series.points.map((p) => p.failingWorkloads)).size).toBeGreaterThan(1);
    expect(series.points.reduce((sum, p) => sum + p.openedFindings + p.resolvedFindings, 0)).toBeGreaterThan(0);
  }
  const restrictedDays = days.series.find((s) => s.level === 'restricted')!.points;
  // The story of a staged rollout: over the week teams fixed more workloads than they broke.
  expect(restrictedDays.at(-1)!.failingWorkloads).toBeLessThan(restrictedDays[0]!.failingWorkloads);
  expect(restrictedDays.filter((p) => Date.parse(p.bucketStart) < now - 2 * 24 * HOUR_MS).some((p) => p.auditViolations > 0)).toBe(true);
  for (const series of hours.series) expect(series.points.length).toBeGreaterThanOrEqual(47);

  const findings = await demo.list<{ firstSeenAt: string }>(session, `/findings?clusterId=${clusterId}`);
  const firstSeen = findings.map((f) => Date.parse(f.firstSeenAt));
  expect(Math.min(...firstSeen)).toBeLessThan(now - 6 * 24 * HOUR_MS);
  expect(firstSeen.filter((t) => t > now - 6 * 24 * HOUR_MS && t < now - HOUR_MS).length).toBeGreaterThan(0);

  const namespaces = await demo.list<NamespaceSummary>(session, `/namespaces?clusterId=${clusterId}`);
  const estimates = await Promise.all(
    namespaces.map(async (n) => NamespaceTrends.parse(await demo.get(session, `/namespaces/${n.id}/trends?granularity=day`))),
  );
  const statuses = estimates.flatMap((t) => t.series.map((s) => s.estimate.status));
  expect(statuses.filter((status) => status !== 'insufficient-data').length).toBeGreaterThan(namespaces.length);

  // The hour in progress was rolled up at the end of the replay, from the state the live cluster continued from:
  // per namespace, its failing workloads are what readiness shows now (give or take the steps taken since).
  const lastHour = new Map(
    await Promise.all(
      namespaces.map(async (n) => {
        const trends = NamespaceTrends.parse(await demo.get(session, `/namespaces/${n.id}/trends?granularity=hour`));
        const restricted = trends.series.find((s) => s.level === 'restricted')!.points.at(-1);
        return [n.name, restricted?.failingWorkloads] as const;
      }),
    ),
  );
  const differing = namespaces.filter((n) => lastHour.get(n.name) !== n.readiness.restricted.blockingWorkloads);
  expect(differing.length).toBeLessThanOrEqual(Math.ceil(namespaces.length / 10));
}
