import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import { kubeBinary } from '../scripts/kube-binaries.js';
import { DemoRun } from './support/demo-run.js';

// Real processes on a shared, loaded machine; the demo's own deadline (the dashboard within a minute) is asserted below.
jest.setTimeout(300_000);

const run = promisify(execFile);
const CHILDREN = ['agent', 'api', 'cluster-sim', 'web', 'worker'];

/**
 * `npm start` headless, as a newcomer runs it (minus the build, which the rest of CI does first): its own database
 * and redis-server, free ports. The dashboard must show the demo organization's namespaces within a minute, a
 * second start must find the same organization and cluster, and SIGTERM (to the terminal's process group, or to
 * npm alone) must leave no process behind.
 */
describe('npm start (the demo), headless', () => {
  const demo = new DemoRun();

  beforeAll(() => demo.prepare());
  afterAll(() => demo.cleanup());

  it('serves the dashboard with every simulated namespace within a minute, restarts into the same demo, and leaves nothing behind', async () => {
    const first = await demo.start();
    const readyAt = Date.now();
    expect(Object.keys(first.pids).sort()).toEqual(CHILDREN);
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
    // From `npm start` to the namespaces on the dashboard (migrations, five processes, sync, readiness): a minute.
    const dashboardMs = first.readyMs + (Date.now() - readyAt);
    expect(dashboardMs).toBeLessThan(60_000);
    process.stdout.write(`demo smoke: ready and on the dashboard in ${(dashboardMs / 1000).toFixed(1)} s\n`);

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
    const again = await demo.signIn();
    expect(again.orgId).toBe(session.orgId);
    const clusters = await demo.list<{ id: string }>(again, '/clusters');
    expect(clusters.map((c) => c.id)).toEqual([clusterId]);
    expect(await demo.stop(second, 'npm-only')).toEqual([]);
  });
});
