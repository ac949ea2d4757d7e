// Takes the README's dashboard screenshots from a running demo: signs in through the login form, opens the demo
// cluster's namespaces page and saves docs/images/dashboard.png, then one namespace's page scrolled to its trend
// (the replayed week) as docs/images/namespace-trend.png (viewports, not full pages, so they stay small).
// Usage, with `npm start` running:  node scripts/demo/screenshot.ts [http://localhost:3000] [out.png] [namespace]
// (namespace default catalog-prod; `-` skips the second picture).
// Chromium from Debian (/usr/bin/chromium, or RATCHET_CHROMIUM), driven by playwright-core (which downloads nothing).
// Erasable TypeScript only: Node runs this file directly.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const origin = process.argv[2] ?? `http://localhost:${process.env.PORT ?? 3000}`;
const out = resolve(process.argv[3] ?? `${root}/docs/images/dashboard.png`);
const namespace = process.argv[4] ?? 'catalog-prod';
const email = process.env.RATCHET_DEMO_EMAIL ?? 'demo@ratchet.dev';
const password = process.env.RATCHET_DEMO_PASSWORD ?? 'staged-rollout-demo-2026';

const browser = await chromium.launch({
  executablePath: process.env.RATCHET_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await page.goto(`${origin}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /sign in|log in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  // The overview links each cluster; the demo has one.
  const cluster = page.locator('a[href^="/clusters/"]').first();
  await cluster.click();
  await page.locator('[data-namespace]').first().waitFor();
  await mkdir(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  process.stdout.write(`wrote ${out}\n`);
  if (namespace !== '-') {
    await page.goto(`${page.url().replace(/\/$/, '')}/namespaces/${namespace}`);
    const trend = page.locator('figure[data-trend-days]').first();
    await trend.waitFor();
    await trend.scrollIntoViewIfNeeded();
    // Recharts draws after layout: wait for the lines, then frame the chart with what precedes it.
    await page.locator('figure[data-trend-days] .recharts-line').first().waitFor();
    await page.evaluate(() => window.scrollBy(0, -160));
    const trendOut = resolve(dirname(out), 'namespace-trend.png');
    await page.screenshot({ path: trendOut });
    process.stdout.write(`wrote ${trendOut}\n`);
  }
} finally {
  await browser.close();
}
