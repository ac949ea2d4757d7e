// The tenant-isolation matrix, generated from the application's own route table: every route that acts for a
// tenant is called by a second tenant with the first tenant's ids, and must answer 404 (routes with ids) or
// return none of the first tenant's rows (lists and exports). A new route without an entry here fails the suite.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Prisma } from '@ratchet/db';
import request from 'supertest';

import type { Route } from '../../src/common/http/route-table.js';
import { createAlertChannel, createAlertHistory, createAlertRule } from '../factories/alert.factory.js';
import { createCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { createFinding, createNamespace, createPod, createWorkload } from '../factories/inventory.factory.js';
import { createAuditEvent } from '../factories/query-data.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant } from '../factories/tenant.factory.js';
import { createTrendRollup } from '../factories/trend.factory.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

/** Tenant A's ids, by the route parameter (qualified by the path segment before it) that names them. */
type ParamIds = Record<string, string>;

/** A valid body per mutating route, so the answer is about tenancy, not validation. */
const SAMPLE_BODIES: Record<string, unknown> = {
  'POST /api/v1/api-tokens': { name: 'matrix token', access: 'read-only' },
  'POST /api/v1/clusters': { name: 'matrix-cluster' },
  'PATCH /api/v1/clusters/:clusterId': { name: 'stolen-name', psaConfiguration: { defaults: { enforce: 'restricted' } } },
  'PATCH /api/v1/organization/settings': { readinessWindowDays: 3 },
  'POST /api/v1/clusters/:clusterId/agent-tokens': {},
  'POST /api/v1/invitations': { email: 'matrix@example.test', role: 'viewer' },
  'PATCH /api/v1/members/:membershipId': { role: 'admin' },
  'POST /api/v1/clusters/:clusterId/what-if': { level: 'baseline', version: 'v1.30', namespaces: 'all' },
  'POST /api/v1/alert-rules': { name: 'matrix rule', trigger: 'namespace_at_risk', channelIds: ['00000000-0000-4000-8000-000000000000'] },
  'PATCH /api/v1/alert-rules/:ruleId': { name: 'stolen-rule', enabled: false },
  'POST /api/v1/alert-channels': { name: 'matrix hook', type: 'webhook', config: { url: 'https://93.184.215.14/ratchet' } },
  'PATCH /api/v1/alert-channels/:channelId': { name: 'stolen-channel', enabled: false },
};

/** A valid query per route that requires one, for the same reason. */
const SAMPLE_QUERIES: Record<string, Record<string, string>> = {
  'GET /api/v1/clusters/:clusterId/gate': { level: 'baseline', version: 'v1.30' },
};

function paramKey(route: Route, param: string): string {
  const segments = route.path.split('/');
  const index = segments.indexOf(`:${param}`);
  return `${segments[index - 1]}/:${param}`;
}

function fillPath(route: Route, ids: ParamIds): { path: string; missing: string[] } {
  const missing: string[] = [];
  const path = route.path.replace(/:([A-Za-z0-9_]+)/g, (_, param: string) => {
    const key = paramKey(route, param);
    const id = ids[key];
    if (id === undefined) missing.push(key);
    return id ?? 'missing';
  });
  return { path, missing };
}

function send(sut: TestApp, route: Route, path: string, headers: Record<string, string>) {
  const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
  let call = request(sut.http)[method](path).set(headers);
  const body = SAMPLE_BODIES[`${route.method} ${route.path}`];
  if (body !== undefined) call = call.send(body as object);
  const query = SAMPLE_QUERIES[`${route.method} ${route.path}`];
  if (query !== undefined) call = call.query(query);
  return call;
}

describe('tenant isolation, for every route in the route table', () => {
  let sut: TestApp;
  let tenantA: TestTenant;
  let tenantB: TestTenant;
  let idsOfA: ParamIds;
  /** Strings that appear only in tenant A's data: none may leak into tenant B's answers. */
  let secretsOfA: string[];
  let agentHeadersOfA: Record<string, string>;

  beforeAll(async () => {
    sut = await startTestApp();
    const url = sut.database.url;
    tenantA = await createTenant(url, { name: 'Tenant A' });
    tenantB = await createTenant(url, { name: 'Tenant B' });
    const clusterA = await createCluster(url, tenantA.orgId, { name: 'a-secret-cluster' });
    await createCluster(url, tenantB.orgId, { name: 'b-cluster' });
    agentHeadersOfA = clusterA.agentHeaders;
    const ref = { orgId: tenantA.orgId, clusterId: clusterA.clusterId };
    const namespace = await createNamespace(url, ref, { name: 'a-secret-namespace' });
    const workload = await createWorkload(url, namespace, { name: 'a-secret-workload' });
    await createPod(url, workload);
    const finding = await createFinding(url, workload);
    await createTrendRollup(url, namespace, new Date(Date.now() - 3_600_000), { failingWorkloads: 1 });
    const auditEvent = await createAuditEvent(url, ref, { namespace: 'a-secret-namespace', username: 'a-secret-user' });
    const viewer = await createMember(url, tenantA.orgId, 'viewer');
    // Tenant A's settings carry a secret too: tenant B's settings and coverage must never show it.
    await request(sut.http)
      .patch('/api/v1/organization/settings')
      .set(tenantA.owner.headers)
      .send({ privilegedNamespaceAllowlist: ['kube-system', 'kube-public', 'kube-node-lease', 'a-secret-allowlisted'] })
      .expect(200);
    const alertChannel = await createAlertChannel(url, tenantA.orgId, { name: 'a-secret-channel' });
    const alertRule = await createAlertRule(url, tenantA.orgId, alertChannel.id, { name: 'a-secret-rule' });
    await createAlertHistory(url, { ...ref, ruleId: alertRule.id, channelId: alertChannel.id }, { namespace: 'a-secret-alerted' });

    const db = ownerClient(url);
    const membership = await db.membership.findFirstOrThrow({ where: { orgId: tenantA.orgId, userId: viewer.userId } });
    const session = await db.session.findFirstOrThrow({ where: { userId: tenantA.owner.userId } });
    const agentToken = await db.agentToken.findFirstOrThrow({ where: { orgId: tenantA.orgId } });
    const apiToken = await request(sut.http)
      .post('/api/v1/api-tokens')
      .set(tenantA.owner.headers)
      .send({ name: 'a-secret-token', access: 'read-only' })
      .expect(201);
    const invitation = await request(sut.http)
      .post('/api/v1/invitations')
      .set(tenantA.owner.headers)
      .send({ email: 'a-secret-invitee@example.test', role: 'viewer' })
      .expect(201);

    idsOfA = {
      'clusters/:clusterId': clusterA.clusterId,
      'agent-tokens/:tokenId': agentToken.id,
      'api-tokens/:tokenId': (apiToken.body as { apiToken: { id: string } }).apiToken.id,
      'namespaces/:namespaceId': namespace.id,
      'workloads/:workloadId': workload.id,
      'findings/:findingId': finding.id,
      'audit-events/:auditEventId': auditEvent.id,
      'members/:membershipId': membership.id,
      'invitations/:invitationId': (invitation.body as { invitation: { id: string } }).invitation.id,
      'sessions/:sessionId': session.id,
      'alert-rules/:ruleId': alertRule.id,
      'alert-channels/:channelId': alertChannel.id,
    };
    secretsOfA = [...Object.values(idsOfA), tenantA.orgId, 'a-secret-allowlisted', 'a-secret-cluster', 'a-secret-namespace', 'a-secret-workload', 'a-secret-user', 'a-secret-token', 'a-secret-invitee', 'a-secret-channel', 'a-secret-rule', 'a-secret-alerted'];
  });

  afterAll(async () => {
    await disconnectOwnerClients();
    await sut.close();
  });

  const tenantRoutes = () => sut.routes.filter((route) => route.spec?.auth === 'user' || route.spec?.auth === 'account');

  it('knows an id of tenant A for every route parameter', () => {
    const missing = tenantRoutes().flatMap((route) => fillPath(route, idsOfA).missing.map((key) => `${route.method} ${route.path}: ${key}`));
    expect(missing).toEqual([]);
  });

  it('has a sample body for every tenant route that takes one', () => {
    const missing = tenantRoutes()
      .filter((route) => route.spec?.body && route.path.startsWith('/api/v1/') && !(`${route.method} ${route.path}` in SAMPLE_BODIES))
      .filter((route) => route.spec?.auth === 'user')
      .map((route) => `${route.method} ${route.path}`);
    expect(missing).toEqual([]);
  });

  it("answers 404 to tenant B for every one of tenant A's ids", async () => {
    const leaks: string[] = [];
    for (const route of tenantRoutes().filter((r) => r.path.includes(':'))) {
      const { path } = fillPath(route, idsOfA);
      const response = await send(sut, route, path, tenantB.owner.headers);
      if (response.status !== 404) leaks.push(`${route.method} ${path} → ${response.status} ${JSON.stringify(response.body)}`);
    }
    expect(leaks).toEqual([]);
  });

  it("shows tenant B none of tenant A's rows in lists, counts and exports", async () => {
    const leaks: string[] = [];
    for (const route of tenantRoutes().filter((r) => r.method === 'GET' && !r.path.includes(':'))) {
      const response = await send(sut, route, route.path, tenantB.owner.headers);
      expect(response.status).toBe(200);
      const text = response.text;
      for (const secret of secretsOfA) {
        if (text.includes(secret)) leaks.push(`${route.path} shows ${secret}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  // Controls: the same calls made by tenant A succeed and show its data, so the 404s and empty lists above
  // are about tenancy, not about routes that answer nothing to anyone.
  it("answers tenant A's own reads of its ids with 200", async () => {
    const failed: string[] = [];
    for (const route of tenantRoutes().filter((r) => r.method === 'GET' && r.path.includes(':'))) {
      const { path } = fillPath(route, idsOfA);
      const response = await send(sut, route, path, tenantA.owner.headers);
      if (response.status !== 200) failed.push(`${path} → ${response.status}`);
    }
    expect(failed).toEqual([]);
  });

  it("shows tenant A its own rows through the same lists", async () => {
    let seen = '';
    for (const route of tenantRoutes().filter((r) => r.method === 'GET')) {
      const response = await send(sut, route, fillPath(route, idsOfA).path, tenantA.owner.headers);
      seen += response.text;
    }
    expect(secretsOfA.filter((secret) => !seen.includes(secret))).toEqual([]);
  });

  it("answers 404 when tenant B names tenant A's organization", async () => {
    const answers: string[] = [];
    for (const route of tenantRoutes().filter((r) => r.spec?.auth === 'user' && r.method === 'GET' && !r.path.includes(':'))) {
      const response = await send(sut, route, route.path, { ...tenantB.owner.headers, 'X-Ratchet-Org': tenantA.orgId });
      if (response.status !== 404) answers.push(`${route.path} → ${response.status}`);
    }
    expect(answers).toEqual([]);
  });

  it('refuses an agent token on every user route, and every route without credentials', async () => {
    const wrong: string[] = [];
    for (const route of tenantRoutes()) {
      const { path } = fillPath(route, idsOfA);
      const asAgent = await send(sut, route, path, agentHeadersOfA);
      if (asAgent.status !== 403 && asAgent.status !== 401) wrong.push(`agent ${route.method} ${path} → ${asAgent.status}`);
      const anonymous = await send(sut, route, path, {});
      if (anonymous.status !== 401) wrong.push(`anonymous ${route.method} ${path} → ${anonymous.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it("left every one of tenant A's rows in place", async () => {
    const db = ownerClient(sut.database.url);
    const where = { orgId: tenantA.orgId };
    expect(await db.cluster.count({ where: { ...where, name: 'a-secret-cluster' } })).toBe(1);
    expect(await db.agentToken.count({ where: { ...where, revokedAt: null } })).toBe(1);
    expect(await db.apiToken.count({ where: { ...where, revokedAt: null } })).toBe(1);
    expect(await db.invitation.count({ where: { ...where, revokedAt: null } })).toBe(1);
    expect(await db.membership.count({ where })).toBe(2);
    expect(await db.session.count({ where: { userId: tenantA.owner.userId, revokedAt: null } })).toBe(1);
    expect(await db.finding.count({ where })).toBe(1);
    const org = await db.organization.findUniqueOrThrow({ where: { id: tenantA.orgId } });
    expect([org.readinessWindowDays, org.privilegedNamespaceAllowlist]).toEqual([7, ['kube-system', 'kube-public', 'kube-node-lease', 'a-secret-allowlisted']]);
    expect(await db.cluster.count({ where: { ...where, psaConfigurationOverride: { equals: Prisma.DbNull } } })).toBe(1);
    expect(await db.alertRule.count({ where: { ...where, name: 'a-secret-rule', enabled: true } })).toBe(1);
    expect(await db.alertChannel.count({ where: { ...where, name: 'a-secret-channel', enabled: true } })).toBe(1);
    expect(await db.alertDelivery.count({ where: { ...where, kind: 'notification' } })).toBe(1);
    expect(await db.alertDelivery.count({ where: { ...where, kind: 'test' } })).toBe(0);
  });
});
