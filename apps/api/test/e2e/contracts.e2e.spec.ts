// Every answer of every route parses against the contract the route declares, generated from the application's
// own route table: a success against the route's response schema (or, for 204, no body at all), an error against
// ErrorResponse with the HTTP status its code maps to. A route without a scenario here fails the suite, so a new
// route cannot drift from its contract unseen.
import { createHash, randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ERROR_STATUS, ErrorResponse, IDEMPOTENCY_KEY_HEADER, INGEST_PATHS, InvitationCreated, UserSessionList, ValidationErrorResponse } from '@ratchet/contracts';
import request from 'supertest';
import type { Response } from 'supertest';

import type { Route } from '../../src/common/http/route-table.js';
import { signUp, testClientIp } from '../factories/account.factory.js';
import { createAlertChannel, createAlertHistory, createAlertRule } from '../factories/alert.factory.js';
import { createCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { auditEventBody, deltaBody, heartbeatBody, inventoryOf, projection, resyncChunkBody } from '../factories/ingest-body.factory.js';
import { createFinding, createNamespace, createPod, createWorkload } from '../factories/inventory.factory.js';
import { createAuditEvent } from '../factories/query-data.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant } from '../factories/tenant.factory.js';
import { createTrendRollup } from '../factories/trend.factory.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

interface Call {
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** What the scenarios share: one tenant with data of every kind, and its cluster's agent. */
interface World {
  sut: TestApp;
  tenant: TestTenant;
  cluster: TestCluster;
  ids: Record<string, string>;
  clientIp: string;
}

const agent = (world: World): Record<string, string> => ({ ...world.cluster.agentHeaders, 'Idempotency-Key': randomUUID() });
const owner = (world: World) => world.tenant.owner.headers;
const publicHeaders = (world: World) => ({ 'X-Forwarded-For': world.clientIp });

const unique = () => randomUUID().slice(0, 8);

async function invite(world: World, email = `invitee-${unique()}@example.test`): Promise<InvitationCreated> {
  const response = await request(world.sut.http)
    .post('/api/v1/invitations')
    .set(owner(world))
    .send({ email, role: 'viewer' })
    .expect(201);
  return InvitationCreated.parse(response.body);
}

/**
 * One successful call per route, keyed `METHOD path` as the route table spells it. Destructive calls act on
 * objects made for them, so the order the routes run in does not matter.
 */
const SCENARIOS: Record<string, (world: World) => Promise<Call> | Call> = {
  'GET /healthz': (world) => ({ path: '/healthz', headers: publicHeaders(world) }),
  'GET /readyz': (world) => ({ path: '/readyz', headers: publicHeaders(world) }),
  'GET /api/openapi.json': (world) => ({ path: '/api/openapi.json', headers: publicHeaders(world) }),
  'POST /api/v1/auth/signup': (world) => ({
    path: '/api/v1/auth/signup',
    headers: publicHeaders(world),
    body: { email: `new-${unique()}@example.test`, password: 'a long enough passphrase', name: 'New User', organizationName: 'New Org' },
  }),
  'POST /api/v1/auth/login': async (world) => {
    const user = await signUp(world.sut.http, world.clientIp);
    return { path: '/api/v1/auth/login', headers: publicHeaders(world), body: { email: user.email, password: user.password } };
  },
  'POST /api/v1/auth/logout': async (world) => ({ path: '/api/v1/auth/logout', headers: (await createMember(world.sut.database.url, world.tenant.orgId)).headers }),
  'GET /api/v1/me': (world) => ({ path: '/api/v1/me', headers: owner(world) }),
  'GET /api/v1/auth/sessions': (world) => ({ path: '/api/v1/auth/sessions', headers: owner(world) }),
  'DELETE /api/v1/auth/sessions/:sessionId': async (world) => {
    const member = await createMember(world.sut.database.url, world.tenant.orgId);
    const sessions = UserSessionList.parse((await request(world.sut.http).get('/api/v1/auth/sessions').set(member.headers).expect(200)).body);
    return { path: `/api/v1/auth/sessions/${sessions.items[0]!.id}`, headers: member.headers };
  },
  'GET /api/v1/api-tokens': (world) => ({ path: '/api/v1/api-tokens', headers: owner(world) }),
  'POST /api/v1/api-tokens': (world) => ({ path: '/api/v1/api-tokens', headers: owner(world), body: { name: `contract token ${unique()}`, access: 'read-only', expiresInDays: 30 } }),
  'DELETE /api/v1/api-tokens/:tokenId': async (world) => {
    const created = await request(world.sut.http).post('/api/v1/api-tokens').set(owner(world)).send({ name: `to revoke ${unique()}`, access: 'read-write' }).expect(201);
    return { path: `/api/v1/api-tokens/${(created.body as { apiToken: { id: string } }).apiToken.id}`, headers: owner(world) };
  },
  'GET /api/v1/clusters': (world) => ({ path: '/api/v1/clusters?limit=1', headers: owner(world) }),
  'POST /api/v1/clusters': (world) => ({ path: '/api/v1/clusters', headers: owner(world), body: { name: `c-${unique()}` } }),
  'GET /api/v1/clusters/:clusterId': (world) => ({ path: `/api/v1/clusters/${world.cluster.clusterId}`, headers: owner(world) }),
  'PATCH /api/v1/clusters/:clusterId': async (world) => {
    const other = await createCluster(world.sut.database.url, world.tenant.orgId);
    return { path: `/api/v1/clusters/${other.clusterId}`, headers: owner(world), body: { name: `renamed-${unique()}` } };
  },
  'DELETE /api/v1/clusters/:clusterId': async (world) => {
    const doomed = await createCluster(world.sut.database.url, world.tenant.orgId);
    return { path: `/api/v1/clusters/${doomed.clusterId}`, headers: owner(world) };
  },
  'GET /api/v1/clusters/:clusterId/coverage': (world) => ({ path: `/api/v1/clusters/${world.cluster.clusterId}/coverage`, headers: owner(world) }),
  'GET /api/v1/organization/settings': (world) => ({ path: '/api/v1/organization/settings', headers: owner(world) }),
  'PATCH /api/v1/organization/settings': (world) => ({
    path: '/api/v1/organization/settings',
    headers: owner(world),
    body: { readinessWindowDays: 14, privilegedNamespaceAllowlist: ['kube-system'], defaultPsaConfiguration: { defaults: { enforce: 'baseline' } } },
  }),
  'GET /api/v1/clusters/:clusterId/agent-tokens': (world) => ({ path: `/api/v1/clusters/${world.cluster.clusterId}/agent-tokens`, headers: owner(world) }),
  'POST /api/v1/clusters/:clusterId/agent-tokens': (world) => ({
    path: `/api/v1/clusters/${world.cluster.clusterId}/agent-tokens`,
    headers: owner(world),
    body: { name: `rotation ${unique()}` },
  }),
  'DELETE /api/v1/clusters/:clusterId/agent-tokens/:tokenId': async (world) => {
    const other = await createCluster(world.sut.database.url, world.tenant.orgId);
    const token = await ownerClient(world.sut.database.url).agentToken.findFirstOrThrow({ where: { clusterId: other.clusterId } });
    return { path: `/api/v1/clusters/${other.clusterId}/agent-tokens/${token.id}`, headers: owner(world) };
  },
  'POST /api/v1/clusters/:clusterId/what-if': (world) => ({
    path: `/api/v1/clusters/${world.cluster.clusterId}/what-if`,
    headers: owner(world),
    body: { level: 'restricted', version: 'v1.30', namespaces: 'all' },
  }),
  'GET /api/v1/clusters/:clusterId/gate': (world) => ({ path: `/api/v1/clusters/${world.cluster.clusterId}/gate?level=baseline&version=v1.30`, headers: owner(world) }),
  'GET /api/v1/clusters/:clusterId/drift': (world) => ({ path: `/api/v1/clusters/${world.cluster.clusterId}/drift`, headers: owner(world) }),
  'GET /api/v1/namespaces/:namespaceId/recommendation': (world) => ({ path: `/api/v1/namespaces/${world.ids.namespace}/recommendation`, headers: owner(world) }),
  'GET /api/v1/namespaces': (world) => ({ path: '/api/v1/namespaces?sort=openFindings&order=desc', headers: owner(world) }),
  'GET /api/v1/namespaces/:namespaceId': (world) => ({ path: `/api/v1/namespaces/${world.ids.namespace}`, headers: owner(world) }),
  'GET /api/v1/clusters/:clusterId/trends': (world) => ({ path: `/api/v1/clusters/${world.cluster.clusterId}/trends?granularity=day`, headers: owner(world) }),
  'GET /api/v1/namespaces/:namespaceId/trends': (world) => ({ path: `/api/v1/namespaces/${world.ids.namespace}/trends?level=restricted`, headers: owner(world) }),
  'GET /api/v1/workloads': (world) => ({ path: '/api/v1/workloads?sort=kind', headers: owner(world) }),
  'GET /api/v1/workloads/:workloadId': (world) => ({ path: `/api/v1/workloads/${world.ids.workload}`, headers: owner(world) }),
  'GET /api/v1/findings': (world) => ({ path: '/api/v1/findings', headers: owner(world) }),
  'GET /api/v1/findings/export.csv': (world) => ({ path: '/api/v1/findings/export.csv', headers: owner(world) }),
  'GET /api/v1/findings/:findingId': (world) => ({ path: `/api/v1/findings/${world.ids.finding}`, headers: owner(world) }),
  'GET /api/v1/audit-events': (world) => ({ path: '/api/v1/audit-events', headers: owner(world) }),
  'GET /api/v1/audit-events/export.csv': (world) => ({ path: '/api/v1/audit-events/export.csv', headers: owner(world) }),
  'GET /api/v1/audit-events/:auditEventId': (world) => ({ path: `/api/v1/audit-events/${world.ids.auditEvent}`, headers: owner(world) }),
  'GET /api/v1/members': (world) => ({ path: '/api/v1/members', headers: owner(world) }),
  'PATCH /api/v1/members/:membershipId': async (world) => ({ path: `/api/v1/members/${await membershipOf(world)}`, headers: owner(world), body: { role: 'admin' } }),
  'DELETE /api/v1/members/:membershipId': async (world) => ({ path: `/api/v1/members/${await membershipOf(world)}`, headers: owner(world) }),
  'GET /api/v1/invitations': (world) => ({ path: '/api/v1/invitations', headers: owner(world) }),
  'POST /api/v1/invitations': (world) => ({ path: '/api/v1/invitations', headers: owner(world), body: { email: `contract-${unique()}@example.test`, role: 'admin' } }),
  'DELETE /api/v1/invitations/:invitationId': async (world) => ({ path: `/api/v1/invitations/${(await invite(world)).invitation.id}`, headers: owner(world) }),
  'POST /api/v1/invitations/accept': async (world) => {
    const joiner = await createTenant(world.sut.database.url);
    const invited = await invite(world, joiner.owner.email);
    return {
      path: '/api/v1/invitations/accept',
      headers: { ...publicHeaders(world), Cookie: joiner.owner.cookie },
      body: { token: invited.acceptUrl.split('/invite/')[1]! },
    };
  },
  'POST /api/v1/ingest/inventory/resync': (world) => {
    const shop = inventoryOf('shop');
    return {
      path: INGEST_PATHS.inventoryResync,
      headers: agent(world),
      body: resyncChunkBody({ namespaces: [shop.namespace], workloads: [shop.workload], pods: shop.pods, observedAt: new Date(Date.now() - 60_000).toISOString() }),
    };
  },
  'POST /api/v1/ingest/inventory/delta': (world) => {
    const billing = inventoryOf('billing');
    return {
      path: INGEST_PATHS.inventoryDelta,
      headers: agent(world),
      body: deltaBody({
        upserts: { namespaces: [billing.namespace], workloads: [billing.workload], pods: billing.pods },
        projections: { [billing.projection.hash]: billing.projection.content },
        observedAt: new Date(Date.now() - 60_000).toISOString().replace('Z', '+00:00'),
      }),
    };
  },
  'POST /api/v1/ingest/audit-events': (world) => ({ path: INGEST_PATHS.auditEvents, headers: agent(world), body: { events: [auditEventBody()] } }),
  'POST /api/v1/ingest/heartbeat': (world) => ({ path: INGEST_PATHS.heartbeat, headers: agent(world), body: heartbeatBody() }),
  'GET /api/v1/alert-rules': (world) => ({ path: '/api/v1/alert-rules', headers: owner(world) }),
  'POST /api/v1/alert-rules': async (world) => ({
    path: '/api/v1/alert-rules',
    headers: owner(world),
    body: { name: `rule ${unique()}`, trigger: 'namespace_ready', level: 'restricted', scope: { includeNamespaces: ['team-*'] }, channelIds: [(await createAlertChannel(world.sut.database.url, world.tenant.orgId)).id] },
  }),
  'GET /api/v1/alert-rules/:ruleId': async (world) => ({ path: `/api/v1/alert-rules/${(await alertRuleOf(world)).id}`, headers: owner(world) }),
  'PATCH /api/v1/alert-rules/:ruleId': async (world) => ({ path: `/api/v1/alert-rules/${(await alertRuleOf(world)).id}`, headers: owner(world), body: { enabled: false, cooldownMinutes: 5 } }),
  'DELETE /api/v1/alert-rules/:ruleId': async (world) => ({ path: `/api/v1/alert-rules/${(await alertRuleOf(world)).id}`, headers: owner(world) }),
  'GET /api/v1/alert-channels': (world) => ({ path: '/api/v1/alert-channels', headers: owner(world) }),
  // A public IP literal passes the destination check without DNS (this machine has none).
  'POST /api/v1/alert-channels': (world) => ({ path: '/api/v1/alert-channels', headers: owner(world), body: { name: `hook ${unique()}`, type: 'webhook', config: { url: 'https://93.184.215.14/ratchet' } } }),
  'GET /api/v1/alert-channels/:channelId': async (world) => ({ path: `/api/v1/alert-channels/${(await createAlertChannel(world.sut.database.url, world.tenant.orgId)).id}`, headers: owner(world) }),
  'PATCH /api/v1/alert-channels/:channelId': async (world) => ({
    path: `/api/v1/alert-channels/${(await createAlertChannel(world.sut.database.url, world.tenant.orgId)).id}`,
    headers: owner(world),
    body: { name: `renamed ${unique()}`, enabled: false },
  }),
  'DELETE /api/v1/alert-channels/:channelId': async (world) => ({ path: `/api/v1/alert-channels/${(await createAlertChannel(world.sut.database.url, world.tenant.orgId)).id}`, headers: owner(world) }),
  // Its URL is loopback and no host is allowed here: the test is refused at send and answered as a failed delivery.
  'POST /api/v1/alert-channels/:channelId/test': async (world) => ({ path: `/api/v1/alert-channels/${(await createAlertChannel(world.sut.database.url, world.tenant.orgId)).id}/test`, headers: owner(world) }),
  'GET /api/v1/alerts': async (world) => {
    await alertHistoryOf(world);
    return { path: '/api/v1/alerts?limit=10', headers: owner(world) };
  },
  'GET /api/v1/alert-deliveries': async (world) => {
    await alertHistoryOf(world);
    return { path: '/api/v1/alert-deliveries?limit=10', headers: owner(world) };
  },
};

async function alertRuleOf(world: World): Promise<{ id: string; channelId: string }> {
  const channel = await createAlertChannel(world.sut.database.url, world.tenant.orgId);
  return { ...(await createAlertRule(world.sut.database.url, world.tenant.orgId, channel.id)), channelId: channel.id };
}

async function alertHistoryOf(world: World): Promise<void> {
  const rule = await alertRuleOf(world);
  await createAlertHistory(world.sut.database.url, { orgId: world.tenant.orgId, clusterId: world.cluster.clusterId, ruleId: rule.id, channelId: rule.channelId }, { namespace: `ns-${unique()}` });
}

async function membershipOf(world: World): Promise<string> {
  const member = await createMember(world.sut.database.url, world.tenant.orgId, 'viewer');
  return (await ownerClient(world.sut.database.url).membership.findFirstOrThrow({ where: { orgId: world.tenant.orgId, userId: member.userId } })).id;
}

const key = (route: Route) => `${route.method} ${route.path}`;

function send(world: World, route: Route, call: Call) {
  const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
  const pending = request(world.sut.http)[method](call.path).set(call.headers);
  return call.body === undefined ? pending : pending.send(call.body as object);
}

/** What is wrong with a success answer, measured against the route's declaration. */
function successProblems(route: Route, response: Response): string[] {
  const spec = route.spec!;
  const expected = spec.status ?? (route.method === 'POST' ? 201 : 200);
  const schema = response.status === expected ? spec.response : spec.responses?.[response.status];
  if (response.status !== expected && schema === undefined) return [`answered ${response.status}, declares ${expected}: ${response.text.slice(0, 300)}`];
  const produces = spec.produces ?? 'application/json';
  if (response.status === 204) return response.text === '' ? [] : ['answered 204 with a body'];
  const contentType = String(response.headers['content-type'] ?? '');
  if (!contentType.startsWith(produces)) return [`answered Content-Type ${contentType}, declares ${produces}`];
  if (produces !== 'application/json') return [];
  if (!schema) return ['answers a JSON body but declares no response schema'];
  const parsed = schema.safeParse(response.body);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `body.${issue.path.join('.')}: ${issue.message}`);
}

/** What is wrong with an error answer: it must be an ErrorResponse whose code maps to the status sent. */
function errorProblems(response: Response): string[] {
  if (response.status < 400) return [`answered ${response.status}, expected an error`];
  if (response.status >= 500) return [`answered ${response.status}: ${response.text.slice(0, 300)}`];
  const parsed = ErrorResponse.safeParse(response.body);
  if (!parsed.success) return [`error body ${JSON.stringify(response.body)} is not an ErrorResponse: ${parsed.error.message}`];
  const problems: string[] = [];
  if (ERROR_STATUS[parsed.data.code] !== response.status) problems.push(`code ${parsed.data.code} sent with status ${response.status}`);
  if (parsed.data.code === 'validation_failed' && !ValidationErrorResponse.safeParse(response.body).success) problems.push('validation_failed without details.issues');
  return problems;
}

/** Calls that must fail for every route, whatever it does: no credentials, a malformed or unknown id, an unknown field. */
function failingCalls(world: World, route: Route, valid: Call): { label: string; call: Call; status: number; path?: string }[] {
  const spec = route.spec!;
  const calls: { label: string; call: Call; status: number; path?: string }[] = [];
  if (spec.auth !== 'public') calls.push({ label: 'without credentials', call: { ...valid, headers: {} }, status: 401 });
  const params = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
  if (params.length > 0) {
    const last = params.at(-1)!;
    // The valid call's path with the segment of the last parameter replaced; its query kept (a route may require one).
    const pathWith = (value: string) => {
      const [pathname, query] = valid.path.split('?');
      const segments = pathname!.split('/');
      segments[route.path.split('/').indexOf(`:${last}`)] = value;
      return segments.join('/') + (query === undefined ? '' : `?${query}`);
    };
    calls.push({ label: `a malformed ${last}`, call: { ...valid, path: pathWith('not-an-id') }, status: 400, path: `params.${last}` });
    calls.push({ label: `an unknown ${last}`, call: { ...valid, path: pathWith(randomUUID()) }, status: 404 });
  }
  if (spec.query) {
    const separator = valid.path.includes('?') ? '&' : '?';
    calls.push({ label: 'an unknown query parameter', call: { ...valid, path: `${valid.path}${separator}notAFilter=1` }, status: 400, path: 'query.notAFilter' });
  }
  if (spec.body) {
    const body = typeof valid.body === 'object' && valid.body !== null ? valid.body : {};
    const headers = spec.auth === 'agent' ? agent(world) : valid.headers;
    calls.push({ label: 'an unknown body field', call: { ...valid, headers, body: { ...body, notAField: 1 } }, status: 400, path: 'body.notAField' });
  }
  if (route.path === INGEST_PATHS.inventoryResync || route.path === INGEST_PATHS.inventoryDelta) {
    // The observation time: checked by its contract (an offset is required), then against the API's clock.
    const body = valid.body as Record<string, unknown>;
    const observed = (observedAt: unknown) => ({ ...valid, headers: agent(world), body: { ...body, observedAt } });
    calls.push({ label: 'an observedAt without an offset', call: observed('2026-11-30T12:00:00'), status: 400, path: 'body.observedAt' });
    calls.push({ label: 'an observedAt an hour ahead', call: observed(new Date(Date.now() + 3_600_000).toISOString()), status: 400, path: 'body.observedAt' });
    calls.push({ label: 'an observedAt 15 days old', call: observed(new Date(Date.now() - 15 * 86_400_000).toISOString()), status: 400, path: 'body.observedAt' });
  }
  if (spec.auth === 'agent') {
    const { 'Idempotency-Key': _key, ...withoutKey } = valid.headers;
    calls.push({ label: 'no Idempotency-Key', call: { ...valid, headers: withoutKey }, status: 400, path: 'headers.idempotency-key' });
  }
  return calls;
}

describe('every route answers what its contract declares', () => {
  let world: World;

  beforeAll(async () => {
    const sut = await startTestApp({ RATCHET_LOGIN_RATE_PER_MINUTE: '1000' });
    const url = sut.database.url;
    const tenant = await createTenant(url, { name: 'Contract Org' });
    const cluster = await createCluster(url, tenant.orgId, { name: 'contract-cluster' });
    const ref = { orgId: tenant.orgId, clusterId: cluster.clusterId };
    const namespace = await createNamespace(url, ref, { name: 'shop' });
    const workload = await createWorkload(url, namespace, { name: 'web' });
    await createPod(url, workload);
    const finding = await createFinding(url, workload);
    const auditEvent = await createAuditEvent(url, ref, { namespace: 'shop', username: 'alice' });
    await createTrendRollup(url, namespace, new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000), {
      level: 'restricted',
      failingWorkloads: 1,
      byCheck: { runAsNonRoot: { failingWorkloads: 1, failingPods: 2, auditViolations: 0 } },
    });
    world = { sut, tenant, cluster, clientIp: testClientIp(), ids: { namespace: namespace.id, workload: workload.id, finding: finding.id, auditEvent: auditEvent.id } };
  });

  afterAll(async () => {
    await disconnectOwnerClients();
    await world.sut.close();
  });

  it('has a scenario for every route in the route table, and no scenario for a route that is gone', () => {
    const routes = world.sut.routes.map(key);
    expect(routes.filter((route) => !(route in SCENARIOS))).toEqual([]);
    expect(Object.keys(SCENARIOS).filter((scenario) => !routes.includes(scenario))).toEqual([]);
  });

  it('declares a response schema on every route that answers JSON with a body', () => {
    const undeclared = world.sut.routes
      .filter((route) => (route.spec?.produces ?? 'application/json') === 'application/json' && route.spec?.status !== 204 && !route.spec?.response)
      .map(key);
    expect(undeclared).toEqual([]);
  });

  it('answers every route with a body its response schema parses', async () => {
    const problems: string[] = [];
    for (const route of world.sut.routes) {
      const response = await send(world, route, await SCENARIOS[key(route)]!(world));
      problems.push(...successProblems(route, response).map((problem) => `${key(route)}: ${problem}`));
    }
    expect(problems).toEqual([]);
  });

  it('answers every failing call with an ErrorResponse whose code maps to its status', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const route of world.sut.routes) {
      const valid = await SCENARIOS[key(route)]!(world);
      for (const failing of failingCalls(world, route, valid)) {
        const response = await send(world, route, failing.call);
        checked += 1;
        const found = errorProblems(response);
        if (response.status !== failing.status) found.push(`answered ${response.status}, expected ${failing.status}: ${response.text.slice(0, 200)}`);
        if (failing.path && !(response.body as { details?: { issues?: { path: string }[] } }).details?.issues?.some((issue) => issue.path === failing.path)) {
          found.push(`does not name ${failing.path}: ${response.text.slice(0, 200)}`);
        }
        problems.push(...found.map((problem) => `${key(route)} with ${failing.label}: ${problem}`));
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(world.sut.routes.length);
  });

  it('answers errors outside any route in the same shape', async () => {
    const unknownRoute = await request(world.sut.http).get('/api/v1/nothing-here').set(owner(world));
    const brokenJson = await request(world.sut.http).post('/api/v1/clusters').set(owner(world)).set('Content-Type', 'application/json').send('{"name": ');
    for (const response of [unknownRoute, brokenJson]) expect(errorProblems(response)).toEqual([]);
    expect([unknownRoute.status, brokenJson.status]).toEqual([404, 400]);
  });
  describe('the OpenAPI document is enough to write an agent from', () => {
    interface Parameter {
      name: string;
      in: string;
      required?: boolean;
      description?: string;
      schema?: { enum?: string[] };
    }
    interface Operation {
      parameters: Parameter[];
      requestBody?: { description?: string };
    }
    let document: { info: { description: string }; paths: Record<string, Record<string, Operation>>; components: { schemas: { Error: Record<string, unknown> } } };

    beforeAll(async () => {
      document = (await request(world.sut.http).get('/api/openapi.json').expect(200)).body as typeof document;
    });

    const operations = (): [string, Operation][] =>
      Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]));

    it('declares the Idempotency-Key and Content-Encoding headers on every ingest operation', () => {
      const ingest = operations().filter(([name]) => name.includes('/api/v1/ingest/'));
      expect(ingest).toHaveLength(4);
      for (const [, operation] of ingest) {
        const header = (name: string) => operation.parameters.find((parameter) => parameter.in === 'header' && parameter.name === name);
        expect(header(IDEMPOTENCY_KEY_HEADER)).toMatchObject({ required: true, description: expect.stringContaining('retry') });
        expect(header('Content-Encoding')).toMatchObject({ required: false, schema: { enum: ['gzip', 'identity'] } });
        expect(operation.requestBody?.description).toContain('gzip');
      }
    });

    it('describes every path and query parameter', () => {
      const undescribed = operations().flatMap(([name, operation]) =>
        operation.parameters.filter((parameter) => !parameter.description).map((parameter) => `${name} ${parameter.in} ${parameter.name}`),
      );
      expect(undescribed).toEqual([]);
    });

    it('describes every property, at every depth, of the request body of every ingest operation', () => {
      type Schema = Record<string, unknown>;
      const resolve = (schema: Schema, root: Schema): Schema => {
        const ref = schema.$ref;
        if (typeof ref !== 'string') return schema;
        // '#/components/schemas/X' into the document, '#/$defs/X' (or '#/definitions/X') into the body schema.
        const [base, target] = ref.startsWith('#/components/') ? [document, ref] : [root, ref];
        const found = target
          .slice(2)
          .split('/')
          .reduce<unknown>((node, segment) => (node as Schema | undefined)?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')], base);
        if (!found) throw new Error(`unresolved $ref ${ref}`);
        return resolve(found as Schema, root);
      };
      const undescribed: string[] = [];
      let described = 0;
      const walk = (raw: Schema, root: Schema, path: string, seen: Set<Schema>) => {
        const schema = resolve(raw, root);
        if (seen.has(schema)) return;
        const inner = new Set(seen).add(schema);
        for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
          const description = (property as { description?: unknown }).description ?? resolve(property, root).description;
          if (typeof description === 'string' && description.trim() !== '') described += 1;
          else undescribed.push(`${path}.${name}`);
          walk(property, root, `${path}.${name}`, inner);
        }
        for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const) {
          ((schema[key] ?? []) as Schema[]).forEach((member) => walk(member, root, path, inner));
        }
        for (const key of ['items', 'additionalProperties'] as const) {
          const child = schema[key];
          if (child && typeof child === 'object') walk(child as Schema, root, `${path}${key === 'items' ? '[]' : '{}'}`, inner);
        }
      };
      const ingest = operations().filter(([name]) => name.includes('/api/v1/ingest/'));
      expect(ingest).toHaveLength(4);
      for (const [name, operation] of ingest) {
        const body = (operation.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content?.['application/json']?.schema;
        if (!body) {
          undescribed.push(`${name}: no JSON request body schema`);
          continue;
        }
        walk(body, body, `${name} body`, new Set());
      }
      expect(undescribed).toEqual([]);
      // The walk reached the depths an agent needs: projection specs, audit users, PSA configuration exemptions.
      expect(described).toBeGreaterThan(150);
    });

    it('gives the error schema every code, and details as a required object', () => {
      const error = document.components.schemas.Error as { required: string[]; properties: { code: { enum: string[] }; details: { type: string } } };
      expect(error.properties.code.enum.sort()).toEqual(Object.keys(ERROR_STATUS).sort());
      expect(error.required.sort()).toEqual(['code', 'details', 'message']);
      expect(error.properties.details.type).toBe('object');
    });

    it('explains projectionHash well enough to compute it: following the description gives the hash ingestion checks', () => {
      expect(document.info.description).toContain('projectionHash');
      // Written from the description alone: keys sorted at every level, JSON.stringify without whitespace, sha256 hex.
      const canonical = (value: unknown): unknown =>
        Array.isArray(value)
          ? value.map(canonical)
          : value !== null && typeof value === 'object'
            ? Object.fromEntries(Object.keys(value).sort().filter((name) => (value as Record<string, unknown>)[name] !== undefined).map((name) => [name, canonical((value as Record<string, unknown>)[name])]))
            : value;
      for (const sample of [projection('nginx:1.27'), projection('registry.example/app@sha256:1', false)]) {
        const content = { annotations: sample.content.metadata.annotations ?? {}, spec: sample.content.spec };
        expect(createHash('sha256').update(JSON.stringify(canonical(content)), 'utf8').digest('hex')).toBe(sample.hash);
      }
    });
  });
});
