/// <reference lib="dom" />
// page.evaluate callbacks run in the browser.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { ingestAuditViolation, ingestCluster, type NamespaceSeed } from './support/agent.js';
import { launchBrowser, screenshot, seriousAxeViolations } from './support/browser.js';
import { startStack, type Stack } from './support/stack.js';

// The dashboard in a real Chromium against the real web app, API, worker, Postgres and a private Redis. The tenant
// is made the way a user and an agent make one: sign up in the browser, register a cluster, ingest over HTTP.
// Needs the built apps: `npx nx run-many -t build` (npm test does it).

const NAMESPACES: NamespaceSeed[] = [
  // Enforces baseline and runs a host-network pod: its next rollout is rejected (at risk).
  { name: 'payments', labels: { enforce: 'baseline', enforceVersion: 'latest', audit: 'restricted' }, workloads: [{ name: 'ledger', template: 'hostNetwork', pods: 2 }] },
  // Unlabelled, passes baseline, fails restricted.
  { name: 'storefront', labels: {}, workloads: [{ name: 'frontend', template: 'plain', pods: 3 }] },
  // Hardened: ready for restricted.
  { name: 'secure-api', labels: { enforce: 'restricted' }, workloads: [{ name: 'api', template: 'hardened', pods: 1 }] },
];

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let clusterId: string;
let agentToken: string;
// Uncaught errors in the page fail the run at the end: a page that renders but throws is broken.
const pageErrors: string[] = [];

const bobEmail = `bob-${Date.now()}@example.com`;
let acceptPath: string;
const user = { name: 'Ada Admin', email: `ada-${Date.now()}@example.com`, password: 'correct horse battery staple', organizationName: 'Acme Platform' };

async function expectAccessible(name: string) {
  await screenshot(page, name);
  const violations = await seriousAxeViolations(page);
  expect({ page: name, violations }).toEqual({ page: name, violations: [] });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  context = await browser.newContext({ baseURL: stack.webUrl, viewport: { width: 1366, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.webUrl });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
}, 30_000);

describe('dashboard', () => {
  it('signs up through the /api forwarding, which sets the httpOnly session cookie', async () => {
    await page.goto('/signup');
    await expectAccessible('signup');
    await page.getByLabel('Your name').fill(user.name);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password (at least 12 characters)').fill(user.password);
    await page.getByLabel('Organization name').fill(user.organizationName);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Welcome to Ratchet' }).waitFor();
    const session = (await context.cookies()).find((cookie) => cookie.name === 'ratchet_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    await expectAccessible('overview-empty');
  });

  it('forwards Origin and X-Forwarded-For: a cookie POST from another origin is refused, the client address is recorded', async () => {
    const foreign = await context.request.post('/api/v1/clusters', { headers: { origin: 'https://evil.example' }, data: { name: 'nope' } });
    expect(foreign.status()).toBe(403);
    type Sessions = { items: { current: boolean; ipAddress: string | null }[] };
    const sessions = (await (await context.request.get('/api/v1/auth/sessions')).json()) as Sessions;
    expect(sessions.items.find((s) => s.current)?.ipAddress).toMatch(/127\.0\.0\.1/);
    // A client behind a proxy: the address the proxy reported reaches the API through the forwarding.
    const login = await context.request.post('/api/v1/auth/login', {
      headers: { origin: stack.webUrl, 'x-forwarded-for': '203.0.113.9' },
      data: { email: user.email, password: user.password },
    });
    expect(login.status()).toBe(200);
    const after = (await (await context.request.get('/api/v1/auth/sessions')).json()) as Sessions;
    expect(after.items.find((s) => s.current)?.ipAddress).toBe('203.0.113.9');
  });

  it('registers a cluster and shows the agent token and helm command once', async () => {
    await page.getByRole('link', { name: 'Register a cluster' }).click();
    await page.getByLabel(/New cluster name/).fill('prod-eu-1');
    await page.getByRole('button', { name: 'Register cluster' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('The agent token is shown this once').waitFor();
    await expectAccessible('settings-cluster-created');
    agentToken = (await dialog.locator('pre').first().innerText()).trim();
    expect(agentToken.length).toBeGreaterThanOrEqual(32);
    expect(await dialog.locator('pre').nth(1).innerText()).toMatch(/^helm upgrade --install/);
    await dialog.getByRole('button', { name: 'I have copied it' }).click();
    const clusters = (await (await context.request.get('/api/v1/clusters')).json()) as { items: { id: string; name: string }[] };
    clusterId = clusters.items.find((c) => c.name === 'prod-eu-1')!.id;
  });

  it('shows each cluster with namespaces by state, at-risk first, once the agent reported', async () => {
    await ingestCluster(stack.webUrl, agentToken, NAMESPACES);
    await ingestAuditViolation(stack.webUrl, agentToken, 'storefront', 'system:serviceaccount:ci:deployer');
    await waitFor('readiness of every namespace', async () => {
      const body = (await (await context.request.get(`/api/v1/namespaces?clusterId=${clusterId}`)).json()) as {
        items: { readiness: { baseline: { computedAt: string | null }; restricted: { computedAt: string | null } } }[];
      };
      return body.items.length === 3 && body.items.every((n) => n.readiness.baseline.computedAt && n.readiness.restricted.computedAt) ? true : undefined;
    });
    await page.goto('/');
    const cluster = page.getByRole('region', { name: 'prod-eu-1' });
    await cluster.getByText(/Agent connected/).waitFor();
    const attention = cluster.getByRole('listitem');
    expect(await attention.first().innerText()).toMatch(/payments[\s\S]*baseline: At risk/);
    await cluster.getByRole('link', { name: '1 namespaces at risk for baseline' }).waitFor();
    await expectAccessible('overview');
    // The dark theme (from the OS here) must hold the same contrast.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible('overview-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('sorts and filters the namespaces table, with the view in the URL', async () => {
    await page.goto(`/clusters/${clusterId}`);
    const names = (): Promise<(string | null)[]> =>
      page.locator('tbody tr[data-namespace]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-namespace')));
    expect(await names()).toEqual(['payments', 'secure-api', 'storefront']);
    await page.getByRole('button', { name: /^Namespace/ }).click();
    await page.getByRole('button', { name: /^Namespace/ }).click();
    await waitFor('descending sort', async () => ((await names()).join() === 'storefront,secure-api,payments' ? true : undefined));
    expect(page.url()).toMatch(/sort=name&order=desc/);
    await page.getByLabel('baseline readiness').selectOption('at-risk');
    await waitFor('baseline filter', async () => ((await names()).join() === 'payments' ? true : undefined));
    expect(page.url()).toMatch(/baseline=at-risk/);
    await page.reload();
    expect(await names()).toEqual(['payments']);
    await page.getByLabel('baseline readiness').selectOption('');
    await page.getByLabel('restricted readiness').selectOption('ready');
    await waitFor('restricted filter', async () => ((await names()).join() === 'secure-api' ? true : undefined));
    await page.getByLabel('restricted readiness').selectOption('');
    await page.getByLabel('Name contains').fill('pay');
    await waitFor('text filter', async () => ((await names()).join() === 'payments' ? true : undefined));
    expect(page.url()).toMatch(/q=pay/);
    const row = page.locator('tr[data-namespace="payments"]');
    expect(await row.getByRole('list').getAttribute('aria-label')).toBe('Enforces baseline, audits restricted, warns privileged; ready for privileged.');
    await expectAccessible('namespaces');
  });

  it('shows a blocked namespace: failing workloads by check with the upstream reason and a copyable fix', async () => {
    await page.locator('tr[data-namespace="payments"]').getByRole('link', { name: 'payments' }).click();
    await page.getByRole('heading', { name: /Namespace payments/ }).waitFor();
    const group = page.locator('details', { hasText: 'hostNamespaces' }).filter({ hasText: 'baseline' }).first();
    await group.getByRole('heading', { name: 'Deployment/ledger' }).waitFor();
    expect(await group.innerText()).toMatch(/host namespaces \(hostNetwork=true\)/);
    const fix = (await group.locator('pre').first().innerText()).trim();
    expect(fix).toMatch(/hostNetwork/);
    await group.getByRole('button', { name: 'Copy fix' }).first().click();
    await group.getByRole('status').filter({ hasText: 'Copied' }).first().waitFor();
    const copied: string = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied.trim()).toBe(fix);
    await expectAccessible('namespace-detail');
    await page.goto(`/clusters/${clusterId}/namespaces/storefront`);
    await page.getByText('system:serviceaccount:ci:deployer').waitFor();
  });

  it('explores findings with filters in the URL and exports them as CSV', async () => {
    await page.goto('/findings');
    await page.getByLabel('Level').selectOption('baseline');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/level=baseline/);
    const rows = await page.locator('tbody tr').allInnerTexts();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => /baseline:/.test(row))).toBe(true);
    await expectAccessible('findings');
    const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(href).toBe('/api/v1/findings/export.csv?level=baseline');
    const csv = await context.request.get(href!);
    expect(csv.headers()['content-type']).toMatch(/text\/csv/);
    const text = await csv.text();
    expect(text.split('\n')[0]).toMatch(/^cluster,namespace,kind,name,level/);
    expect(text).toMatch(/payments,Deployment,ledger,baseline/);
  });

  it('lists audit-mode violations with who made the request', async () => {
    await page.goto('/audit-events');
    await page.getByText('system:serviceaccount:ci:deployer').waitFor();
    await expectAccessible('audit-events');
  });

  it('creates an API token and an invitation in settings, each secret shown once', async () => {
    await page.goto('/settings');
    await page.getByLabel('Token name').fill('ci reader');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByText('Copy the token now').waitFor();
    await page.getByRole('cell', { name: 'ci reader', exact: true }).waitFor();
    await page.getByLabel('Invite by email').fill(bobEmail);
    await page.getByRole('button', { name: 'Invite' }).click();
    // No SMTP server is configured: the link is shown instead, once.
    const link = (await page.locator('#members pre').first().innerText()).trim();
    acceptPath = new URL(link).pathname;
    expect(acceptPath).toMatch(/^\/invite\/.{32,}/);
    await page.getByRole('cell', { name: bobEmail, exact: true }).waitFor();
    await expectAccessible('settings');
  });

  it('renders the 404 page for an unknown cluster', async () => {
    const response = await page.goto('/clusters/00000000-0000-4000-8000-000000000000');
    expect(response?.status()).toBe(404);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
  });

  it('logs out; a second user does not see the first organization until invited, then switches between both', async () => {
    await page.goto('/');
    await page.getByRole('button', { name: /Account:/ }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.waitForURL(/\/login$/);
    await expectAccessible('login');
    expect((await context.cookies()).find((cookie) => cookie.name === 'ratchet_session')).toBeUndefined();

    const other = await browser.newContext({ baseURL: stack.webUrl });
    const otherPage = await other.newPage();
    await otherPage.goto('/signup');
    await otherPage.getByLabel('Your name').fill('Bob');
    await otherPage.getByLabel('Email').fill(bobEmail);
    await otherPage.getByLabel('Password (at least 12 characters)').fill('another long passphrase');
    await otherPage.getByLabel('Organization name').fill('Other Co');
    await otherPage.getByRole('button', { name: 'Create account' }).click();
    await otherPage.getByRole('heading', { name: 'Welcome to Ratchet' }).waitFor();
    expect((await otherPage.goto(`/clusters/${clusterId}`))?.status()).toBe(404);
    expect((await otherPage.goto(`/clusters/${clusterId}/namespaces/payments`))?.status()).toBe(404);
    await otherPage.goto('/findings');
    await otherPage.getByText('No finding matches these filters.').waitFor();

    // Bob accepts Ada's invitation, then switches to her organization from the account menu.
    await otherPage.goto(acceptPath);
    await otherPage.getByText(`You are signed in as ${bobEmail}`).waitFor();
    await otherPage.getByRole('button', { name: 'Accept invitation' }).click();
    await otherPage.getByRole('region', { name: 'prod-eu-1' }).waitFor();
    await otherPage.getByRole('button', { name: /Account:/ }).click();
    await otherPage.getByRole('menuitemradio', { name: /Other Co/ }).click();
    await otherPage.getByRole('heading', { name: 'Welcome to Ratchet' }).waitFor();
    await otherPage.getByRole('button', { name: /Account:/ }).click();
    await otherPage.getByRole('menuitemradio', { name: /Acme Platform/ }).click();
    await otherPage.getByRole('region', { name: 'prod-eu-1' }).waitFor();
    expect((await otherPage.goto(`/clusters/${clusterId}`))?.status()).toBe(200);
    await other.close();
  });

  it('raised no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
