// The dashboard's namespaces page at scale, in Chromium over loopback.
//   npm run bench:web      (builds first)
// Starts the built API, worker and dashboard on a fresh database and a private redis-server (the browser tests'
// stack), signs up, registers a cluster and ingests RATCHET_BENCH_NAMESPACES namespaces (2,000) holding
// RATCHET_BENCH_PODS pods (100,000) through the agent API, waits until the worker computed every namespace's
// readiness, then loads /clusters/<id> RATCHET_BENCH_LOADS times (7) in a fresh page and prints the median and max
// of: first contentful paint, the table being interactive (the hydrated table's User Timing mark, with the first page
// of rows the server rendered) and every row being in the table (the browser fetched the rest through /api), all from
// navigation start. Figures only, no asserts. Goal: first paint and interactive under 1 s.
/// <reference lib="dom" />
import { chromium } from 'playwright-core';

import { ingestCluster, type NamespaceSeed, type ProjectionName } from '../apps/web/test/support/agent.ts';
import { startStack } from '../apps/web/test/support/stack.ts';

const NAMESPACES = Number(process.env['RATCHET_BENCH_NAMESPACES'] ?? 2000);
const PODS = Number(process.env['RATCHET_BENCH_PODS'] ?? 100_000);
const LOADS = Number(process.env['RATCHET_BENCH_LOADS'] ?? 7);
const TEMPLATES: ProjectionName[] = ['hardened', 'plain', 'hostNetwork'];
const LABEL_SETS: Record<string, string>[] = [{ enforce: 'baseline' }, { audit: 'restricted', warn: 'restricted' }, {}];
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const stack = await startStack();
const browser = await chromium.launch({ executablePath: process.env['RATCHET_CHROMIUM'] ?? '/usr/bin/chromium', args: ARGS });
try {
  const context = await browser.newContext({ baseURL: stack.webUrl, viewport: { width: 1366, height: 900 } });
  const origin = { origin: stack.webUrl };
  const signup = await context.request.post('/api/v1/auth/signup', {
    headers: origin,
    data: { name: 'Bench', email: 'bench@example.com', password: 'a long bench passphrase', organizationName: 'Bench' },
  });
  if (!signup.ok()) throw new Error(`signup: ${signup.status()} ${await signup.text()}`);
  const created = (await (await context.request.post('/api/v1/clusters', { headers: origin, data: { name: 'bench' } })).json()) as { cluster: { id: string }; agentToken: string };

  const podsPerNamespace = Math.max(1, Math.floor(PODS / NAMESPACES));
  const namespaces: NamespaceSeed[] = Array.from({ length: NAMESPACES }, (_, index) => ({
    name: `team-${String(index).padStart(4, '0')}`,
    labels: LABEL_SETS[index % LABEL_SETS.length]!,
    workloads: Array.from({ length: 4 }, (_, w) => ({ name: `app-${w}`, template: TEMPLATES[(index + w) % TEMPLATES.length]!, pods: Math.ceil(podsPerNamespace / 4) })),
  }));
  let started = Date.now();
  await ingestCluster(stack.webUrl, created.agentToken, namespaces);
  console.log(`ingested ${NAMESPACES} namespaces, ~${NAMESPACES * 4 * Math.ceil(podsPerNamespace / 4)} pods in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  started = Date.now();
  for (;;) {
    let computed = 0;
    let cursor: string | null = null;
    do {
      const page = (await (await context.request.get(`/api/v1/namespaces?clusterId=${created.cluster.id}&limit=500${cursor ? `&cursor=${cursor}` : ''}`)).json()) as {
        items: { readiness: { baseline: { computedAt: string | null }; restricted: { computedAt: string | null } } }[];
        nextCursor: string | null;
      };
      computed += page.items.filter((n) => n.readiness.baseline.computedAt && n.readiness.restricted.computedAt).length;
      cursor = page.nextCursor;
    } while (cursor);
    if (computed >= NAMESPACES) break;
    if (Date.now() - started > 600_000) throw new Error(`readiness computed for ${computed} of ${NAMESPACES} after 10 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  console.log(`readiness of every namespace after ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // What the server waits for: every page of the cluster's namespaces from the API, through the forwarding.
  const listing: number[] = [];
  for (let run = 0; run < 3; run += 1) {
    const begin = performance.now();
    let cursor: string | null = null;
    do {
      const body = (await (await context.request.get(`/api/v1/namespaces?clusterId=${created.cluster.id}&limit=500${cursor ? `&cursor=${cursor}` : ''}`)).json()) as { nextCursor: string | null };
      cursor = body.nextCursor;
    } while (cursor);
    listing.push(performance.now() - begin);
  }
  console.log(`API: the ${NAMESPACES} namespaces in pages of 500: median ${median(listing).toFixed(0)} ms`);

  const fcp: number[] = [];
  const interactive: number[] = [];
  const allRows: number[] = [];
  const ttfb: number[] = [];
  for (let load = 0; load < LOADS + 1; load += 1) {
    const page = await context.newPage();
    await page.goto(`/clusters/${created.cluster.id}`);
    await page.waitForFunction(() => performance.getEntriesByName('ratchet:namespaces-interactive').length > 0, undefined, { timeout: 30_000 });
    const timing = await page.evaluate(() => ({
      ttfb: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).responseStart,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      interactive: performance.getEntriesByName('ratchet:namespaces-interactive')[0]!.startTime,
    }));
    await page.waitForFunction(() => performance.getEntriesByName('ratchet:namespaces-complete').length > 0, undefined, { timeout: 30_000 });
    const complete = await page.evaluate(() => performance.getEntriesByName('ratchet:namespaces-complete')[0]!.startTime);
    const shown = await page.getByText(/^\d+ of \d+ namespaces$/).innerText();
    await page.close();
    // The listing pages from both ends at once: a table missing rows would make every figure meaningless.
    if (shown !== `${NAMESPACES} of ${NAMESPACES} namespaces`) throw new Error(`the table shows "${shown}", expected all ${NAMESPACES} namespaces`);
    if (load === 0) continue; // the first load warms the server's caches
    fcp.push(timing.fcp);
    ttfb.push(timing.ttfb);
    interactive.push(timing.interactive);
    allRows.push(complete);
  }
  console.log(`namespaces page, ${NAMESPACES} rows, ${LOADS} loads (machine shared and loaded):`);
  console.log(`  first byte:             median ${median(ttfb).toFixed(0)} ms, max ${Math.max(...ttfb).toFixed(0)} ms`);
  console.log(`  first contentful paint: median ${median(fcp).toFixed(0)} ms, max ${Math.max(...fcp).toFixed(0)} ms`);
  console.log(`  table interactive:      median ${median(interactive).toFixed(0)} ms, max ${Math.max(...interactive).toFixed(0)} ms`);
  console.log(`  every row in the table: median ${median(allRows).toFixed(0)} ms, max ${Math.max(...allRows).toFixed(0)} ms`);
} finally {
  await browser.close();
  await stack.stop();
}
