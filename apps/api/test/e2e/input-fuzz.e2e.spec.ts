// Bad input is a 4xx everywhere, never a 500, and writes nothing. The named cases are the ones that answered
// 500 before the contracts refused them; the fuzzing covers the class: every query string, path parameter and
// non-ingest body of the route table (ingest has its own fuzz suite), with values Postgres cannot hold.
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ErrorResponse, INGEST_PATHS } from '@ratchet/contracts';
import fc from 'fast-check';
import request from 'supertest';
import type { Response } from 'supertest';
import { toJSONSchema } from 'zod';

import type { Route } from '../../src/common/http/route-table.js';
import { testClientIp } from '../factories/account.factory.js';
import { createAlertChannel, createAlertHistory, createAlertRule } from '../factories/alert.factory.js';
import { createCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { deltaBody, inventoryOf, workloadBody } from '../factories/ingest-body.factory.js';
import { createFinding, createNamespace, createPod, createWorkload } from '../factories/inventory.factory.js';
import { createAuditEvent } from '../factories/query-data.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant } from '../factories/tenant.factory.js';
import { databaseChecksums } from '../support/database-checksum.util.js';
import { tamperCursor } from '../support/pages.util.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const NUL = '\u0000';
const LONE_SURROGATE = '\ud800';
const INT32_OVERFLOW = 2_147_483_648;
const YEAR_ZERO = '0000-01-01T00:00:00Z';

// Bounded so the whole file stays well under a minute on a shared machine (each run is one HTTP request).
const QUERY_RUNS = 60;
const BODY_RUNS = 60;
const PARAM_RUNS = 30;
// A few hundred requests take seconds on an idle machine; the timeout of each sweep leaves room for a loaded one.
const SWEEP_TIMEOUT_MS = 120_000;

// No cursor key of any list takes these: not text Postgres stores, not an int4. Times out of range are added
// for the keys that are times (elsewhere `0000-01-01T00:00:00Z` is a fine name to sort after).
const BAD_CURSOR_KEYS: unknown[] = [`a${NUL}`, LONE_SURROGATE, INT32_OVERFLOW, 1.5, { $gt: '' }];
const BAD_CURSOR_TIMES = ['0000-01-01T00:00:00.000Z', '9999-12-31T23:30:00.000-01:00'];

/** A valid body per non-ingest route that takes one; the fuzzing poisons them. */
const SAMPLE_BODIES: Record<string, Record<string, unknown>> = {
  'POST /api/v1/auth/signup': { email: 'fuzz@example.test', password: 'a long enough passphrase', name: 'Fuzz', organizationName: 'Fuzz Org' },
  'POST /api/v1/auth/login': { email: 'nobody@example.test', password: 'a long enough passphrase' },
  'POST /api/v1/api-tokens': { name: 'fuzz token', access: 'read-only', expiresInDays: 30 },
  'POST /api/v1/clusters': { name: 'fuzz-cluster' },
  // psaConfiguration accepts objects, so an object poison is refused deeper than the field: its validation is in
  // readiness-configuration.e2e.spec.ts.
  'PATCH /api/v1/clusters/:clusterId': { name: 'fuzz-renamed' },
  'PATCH /api/v1/organization/settings': { readinessWindowDays: 14, privilegedNamespaceAllowlist: ['kube-system'], auditRetentionDays: 60 },
  'POST /api/v1/clusters/:clusterId/agent-tokens': { name: 'fuzz rotation' },
  'POST /api/v1/clusters/:clusterId/what-if': { level: 'baseline', version: 'v1.30', namespaces: ['fuzz-namespace'] },
  'POST /api/v1/invitations': { email: 'fuzz-invitee@example.test', role: 'viewer' },
  'PATCH /api/v1/members/:membershipId': { role: 'admin' },
  'POST /api/v1/invitations/accept': { token: 'x'.repeat(40), email: 'fuzz-joiner@example.test', name: 'Joiner', password: 'a long enough passphrase' },
  'POST /api/v1/alert-rules': { name: 'fuzz rule', trigger: 'namespace_ready', level: 'baseline', minSeverity: 'info', scope: { includeNamespaces: ['team-*'] }, cooldownMinutes: 30, channelIds: [randomUUID()] },
  'PATCH /api/v1/alert-rules/:ruleId': { name: 'fuzz rule renamed', enabled: false, cooldownMinutes: 10 },
  'POST /api/v1/alert-channels': { name: 'fuzz hook', type: 'webhook', config: { url: 'https://93.184.215.14/ratchet' } },
  'PATCH /api/v1/alert-channels/:channelId': { name: 'fuzz hook renamed', enabled: false },
};

const key = (route: Route) => `${route.method} ${route.path}`;

/** Percent-encodes like a client would; a lone surrogate cannot be UTF-8, so its replacement bytes go instead. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  }
}

function queryKeys(route: Route): string[] {
  if (!route.spec?.query) return [];
  const json = toJSONSchema(route.spec.query, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
  return Object.keys(json.properties ?? {});
}

function sortValues(route: Route): string[] {
  const json = toJSONSchema(route.spec!.query!, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { enum?: string[] }> };
  return json.properties?.sort?.enum ?? [];
}

const base64Json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Ordinary text with a character Postgres cannot store somewhere inside it. */
const unstorableText = fc
  .tuple(fc.string({ maxLength: 6 }), fc.constantFrom(NUL, LONE_SURROGATE, '\udfff'), fc.string({ maxLength: 6 }))
  .map(([before, bad, after]) => `${before}${bad}${after}`);

const forgedCursor = fc
  .record({ v: fc.constant(1), sort: fc.constantFrom('name', 'lastSeenAt', 'openFindings', 'time', 'kind', 'createdAt'), order: fc.constantFrom('asc', 'desc') })
  .chain((envelope) =>
    fc
      .array(fc.oneof(fc.constantFrom(YEAR_ZERO, `a${NUL}`, LONE_SURROGATE, INT32_OVERFLOW, -INT32_OVERFLOW - 1, 1e300, 1.5, null), fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 })
      .map((keys) => base64Json({ ...envelope, keys, id: randomUUID() })),
  );

/** Query and path values: unstorable text, times out of range, numbers past int4, forged cursors, noise. */
const hostileText = fc.oneof(
  { weight: 4, arbitrary: unstorableText },
  { weight: 3, arbitrary: fc.constantFrom(YEAR_ZERO, '0000-12-31T23:59:59Z', '0001-01-01T00:00:00+14:00', '9999-12-31T23:59:59-14:00', '+275760-09-13T00:00:00Z', '2026-02-30T00:00:00Z') },
  { weight: 2, arbitrary: fc.constantFrom(String(INT32_OVERFLOW), '-2147483649', '1e309', 'NaN', '-0', '', '1.5') },
  { weight: 2, arbitrary: forgedCursor },
  { weight: 1, arbitrary: fc.constantFrom('%', '%00', '%zz', 'x'.repeat(5000), "'; DROP TABLE clusters; --", '[]', '{}', 'true', 'null') },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

/** JSON values no field of a non-ingest body contract accepts: a body holding one is invalid, whatever else it holds. */
const POISONS: unknown[] = [`team${NUL}`, `x${LONE_SURROGATE}y`, INT32_OVERFLOW, { nested: [NUL] }, 'x'.repeat(100_000)];
const poison = fc.oneof({ weight: 3, arbitrary: unstorableText.map((text) => `${text}${NUL}`) }, { weight: 2, arbitrary: fc.constantFrom(...POISONS, -1.5, [NUL], true, null) });

function errorShapeProblems(response: Response): string[] {
  if (response.status >= 500) return [`${response.status} ${response.text.slice(0, 300)}`];
  if (response.status >= 400 && !ErrorResponse.safeParse(response.body).success) return [`error body is not an ErrorResponse: ${response.text.slice(0, 300)}`];
  return [];
}

describe('bad input is a 4xx everywhere, never a 500, and writes nothing', () => {
  let sut: TestApp;
  let tenant: TestTenant;
  let cluster: TestCluster;
  let ids: Record<string, string>;
  const clientIp = testClientIp();

  beforeAll(async () => {
    sut = await startTestApp({ RATCHET_LOGIN_RATE_PER_MINUTE: '100000' });
    const url = sut.database.url;
    tenant = await createTenant(url, { name: 'Fuzz Org' });
    cluster = await createCluster(url, tenant.orgId, { name: 'fuzz-a' });
    await createCluster(url, tenant.orgId, { name: 'fuzz-b' });
    const ref = { orgId: tenant.orgId, clusterId: cluster.clusterId };
    const member = await createMember(url, tenant.orgId, 'viewer');
    const membership = await ownerClient(url).membership.findFirstOrThrow({ where: { orgId: tenant.orgId, userId: member.userId } });
    ids = { clusterId: cluster.clusterId, membershipId: membership.id };
    // Two rows in every list, so each has a second page and a real cursor to tamper with.
    for (const name of ['shop', 'billing']) {
      const namespace = await createNamespace(url, ref, { name });
      const workload = await createWorkload(url, namespace, { name: `${name}-web` });
      await createPod(url, workload);
      await createFinding(url, workload);
      await createAuditEvent(url, ref, { namespace: name, username: `${name}-user` });
      const channel = await createAlertChannel(url, tenant.orgId, { name: `${name}-hook` });
      const rule = await createAlertRule(url, tenant.orgId, channel.id, { name: `${name}-rule` });
      await createAlertHistory(url, { ...ref, ruleId: rule.id, channelId: channel.id }, { namespace: name });
    }
  });

  afterAll(async () => {
    await disconnectOwnerClients();
    await sut.close();
  });

  const get = (path: string) => request(sut.http).get(path).set(tenant.owner.headers);
  const issuePaths = (response: Response) => ((response.body as { details?: { issues?: { path: string }[] } }).details?.issues ?? []).map((issue) => issue.path);
  const userRoutes = () => sut.routes.filter((route) => route.spec && route.spec.auth !== 'agent');

  describe('the cases that answered 500', () => {
    it.each([
      ['an API-token name', 'post', '/api/v1/api-tokens', { name: `ops${NUL}`, access: 'read-only' }, 'body.name'],
      ['an agent-token name', 'post', '/api/v1/clusters/:clusterId/agent-tokens', { name: `rotation${NUL}` }, 'body.name'],
      ['a sign-up name', 'post', '/api/v1/auth/signup', { ...SAMPLE_BODIES['POST /api/v1/auth/signup'], email: 'nul-name@example.test', name: `Ann${NUL}` }, 'body.name'],
      [
        'a sign-up organization name',
        'post',
        '/api/v1/auth/signup',
        { ...SAMPLE_BODIES['POST /api/v1/auth/signup'], email: 'nul-org@example.test', organizationName: `Org${NUL}` },
        'body.organizationName',
      ],
      ['a cluster rename', 'patch', '/api/v1/clusters/:clusterId', { name: `a${LONE_SURROGATE}` }, 'body.name'],
    ] as const)('refuses a NUL or lone surrogate in %s with a 400 naming the field, writing nothing', async (_name, method, path, body, field) => {
      const before = await databaseChecksums(sut.database.url);
      const response = await request(sut.http)[method](path.replace(':clusterId', ids.clusterId!)).set({ ...tenant.owner.headers, 'X-Forwarded-For': clientIp }).send(body);
      expect(response.status).toBe(400);
      expect(issuePaths(response)).toContain(field);
      expect(await databaseChecksums(sut.database.url)).toEqual(before);
    });

    it.each([
      ['/api/v1/audit-events?user=%00', 'query.user'],
      ['/api/v1/audit-events/export.csv?user=a%00b', 'query.user'],
      ['/api/v1/namespaces?namePrefix=%00', 'query.namePrefix'],
      [`/api/v1/audit-events?from=${YEAR_ZERO}&to=0000-01-02T00:00:00Z`, 'query.from'],
      [`/api/v1/audit-events/export.csv?from=${YEAR_ZERO}&to=0000-01-02T00:00:00Z`, 'query.from'],
      ['/api/v1/audit-events?from=0001-01-01T00:00:00%2B14:00&to=0001-01-02T00:00:00Z', 'query.from'],
      ['/api/v1/findings/export.csv?workloadName=%00', 'query.workloadName'],
    ])('answers %s with a 400 naming %s', async (path, field) => {
      const response = await get(path);
      expect(response.status).toBe(400);
      expect(issuePaths(response)).toContain(field);
    });

    it('refuses a hand-edited cursor (year 0000, a NUL, a number past int4) on every paginated list and sort', async () => {
      const lists = userRoutes().filter((route) => route.method === 'GET' && queryKeys(route).includes('cursor'));
      expect(lists.map((route) => route.path).sort()).toEqual([
        '/api/v1/alert-deliveries',
        '/api/v1/alerts',
        '/api/v1/audit-events',
        '/api/v1/clusters',
        '/api/v1/findings',
        '/api/v1/namespaces',
        '/api/v1/workloads',
      ]);
      const problems: string[] = [];
      let tampered = 0;
      for (const route of lists) {
        for (const sort of [undefined, ...sortValues(route)]) {
          const first = await get(`${route.path}?limit=1${sort ? `&sort=${sort}` : ''}`);
          const cursor = (first.body as { nextCursor: string | null }).nextCursor;
          if (cursor === null) {
            problems.push(`${route.path} sort=${sort}: no second page to tamper with`);
            continue;
          }
          const keys = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { keys: unknown[] }).keys;
          for (const [index, original] of keys.entries()) {
            const isTime = typeof original === 'string' && /^\d{4}-\d\d-\d\dT/.test(original);
            for (const bad of [...BAD_CURSOR_KEYS, ...(isTime ? BAD_CURSOR_TIMES : [])]) {
              const forged = tamperCursor(cursor, (content) => ((content.keys as unknown[])[index] = bad));
              const response = await get(`${route.path}?limit=1${sort ? `&sort=${sort}` : ''}&cursor=${forged}`);
              tampered += 1;
              if (response.status !== 400 || !issuePaths(response).includes('query.cursor')) {
                problems.push(`${route.path} sort=${sort} keys[${index}]=${JSON.stringify(bad)} → ${response.status} ${response.text.slice(0, 200)}`);
              }
            }
          }
        }
      }
      expect(problems).toEqual([]);
      expect(tampered).toBeGreaterThan(40);
    }, SWEEP_TIMEOUT_MS);

    it('refuses "replicas": 2147483648 in an inventory delta by its contract, with its path', async () => {
      const shop = inventoryOf('shop');
      const before = await databaseChecksums(sut.database.url);
      const response = await request(sut.http)
        .post(INGEST_PATHS.inventoryDelta)
        .set({ ...cluster.agentHeaders, 'Idempotency-Key': randomUUID() })
        .send(
          deltaBody({
            upserts: { namespaces: [shop.namespace], workloads: [workloadBody('shop', 'web', shop.projection.hash, { replicas: INT32_OVERFLOW })] },
            projections: { [shop.projection.hash]: shop.projection.content },
          }),
        );
      expect(response.status).toBe(400);
      expect(issuePaths(response)).toEqual(['body.upserts.workloads[0].replicas']);
      expect(await databaseChecksums(sut.database.url)).toEqual(before);
    });

    it('refuses a bad observedAt in an inventory delta and resync chunk, by its contract or the API clock, with its path', async () => {
      const shop = inventoryOf('shop');
      const before = await databaseChecksums(sut.database.url);
      const minute = 60_000;
      const bad: unknown[] = [
        `2026-11-30T12:00:00${NUL}Z`,
        '2026-11-30T12:00:00',
        '0000-12-31T23:59:59Z',
        INT32_OVERFLOW,
        { at: 'now' },
        new Date(Date.now() + 6 * minute).toISOString(),
        new Date(Date.now() - 15 * 24 * 60 * minute).toISOString(),
      ];
      const problems: string[] = [];
      for (const observedAt of bad) {
        const bodies = {
          [INGEST_PATHS.inventoryDelta]: deltaBody({ upserts: { namespaces: [shop.namespace] }, observedAt: observedAt as string }),
          [INGEST_PATHS.inventoryResync]: { syncId: randomUUID(), chunk: 1, totalChunks: 1, namespaces: [shop.namespace], observedAt },
        };
        for (const [path, body] of Object.entries(bodies)) {
          const response = await request(sut.http).post(path).set({ ...cluster.agentHeaders, 'Idempotency-Key': randomUUID() }).send(body);
          if (response.status !== 400 || JSON.stringify(issuePaths(response)) !== JSON.stringify(['body.observedAt'])) {
            problems.push(`${path} observedAt=${JSON.stringify(observedAt)}: ${response.status} ${response.text.slice(0, 200)}`);
          }
        }
      }
      expect(problems).toEqual([]);
      expect(await databaseChecksums(sut.database.url)).toEqual(before);
    });
  });

  describe('fuzzing from the route table', () => {
    let before: Record<string, string>;
    beforeAll(async () => {
      before = await databaseChecksums(sut.database.url);
    });

    const fillPath = (route: Route) => route.path.replace(/:([A-Za-z0-9_]+)/g, (_, param: string) => ids[param] ?? randomUUID());

    it('refuses a NUL in every declared query parameter of every route with a 400 naming it', async () => {
      const routes = userRoutes().filter((route) => route.method === 'GET' && route.spec?.query);
      const problems: string[] = [];
      let swept = 0;
      for (const route of routes) {
        for (const name of queryKeys(route)) {
          for (const value of [`a${NUL}b`]) {
            const response = await get(`${fillPath(route)}?${name}=${encode(value)}`);
            swept += 1;
            problems.push(...errorShapeProblems(response).map((problem) => `${route.path}?${name}=${JSON.stringify(value)}: ${problem}`));
            if (value.includes(NUL) && (response.status !== 400 || !issuePaths(response).includes(`query.${name}`))) {
              problems.push(`${route.path}?${name}=${JSON.stringify(value)}: ${response.status}, not a 400 naming query.${name}`);
            }
          }
        }
      }
      expect(problems).toEqual([]);
      expect(swept).toBeGreaterThan(40);
    }, SWEEP_TIMEOUT_MS);

    it('refuses unstorable text, numbers past int4 and objects in every field of every non-ingest body, naming the field', async () => {
      const problems: string[] = [];
      for (const route of userRoutes().filter((candidate) => key(candidate) in SAMPLE_BODIES)) {
        const sample = SAMPLE_BODIES[key(route)]!;
        for (const field of Object.keys(sample)) {
          for (const value of POISONS.slice(0, 4)) {
            const method = route.method.toLowerCase() as 'post' | 'patch';
            const response = await request(sut.http)[method](fillPath(route)).set({ ...tenant.owner.headers, 'X-Forwarded-For': clientIp }).send({ ...sample, [field]: value });
            // An object-typed field (a channel's config, a rule's scope) is named by an issue at or inside it.
            const named = issuePaths(response).some((path) => path === `body.${field}` || path.startsWith(`body.${field}.`));
            if (response.status !== 400 || !named) {
              problems.push(`${key(route)} ${field}=${JSON.stringify(value).slice(0, 40)}: ${response.status} ${response.text.slice(0, 200)}`);
            }
          }
        }
      }
      expect(problems).toEqual([]);
    }, SWEEP_TIMEOUT_MS);

    it('answers every fuzzed query string of every route without a 5xx, in the error shape', async () => {
      const routes = userRoutes().filter((route) => route.method === 'GET' && route.spec?.query);
      expect(routes.length).toBeGreaterThanOrEqual(7);
      const problems: string[] = [];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...routes),
          fc.array(fc.tuple(fc.oneof(fc.constantFrom('cursor', 'limit', 'sort', 'order', 'from', 'to'), fc.string({ maxLength: 12 })), hostileText), { minLength: 1, maxLength: 4 }),
          async (route, pairs) => {
            const query = pairs.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
            const response = await get(`${fillPath(route)}?${query}`);
            problems.push(...errorShapeProblems(response).map((problem) => `${route.path}?${query}: ${problem}`));
          },
        ),
        { numRuns: QUERY_RUNS },
      );
      expect(problems).toEqual([]);
    }, SWEEP_TIMEOUT_MS);

    it('answers every fuzzed query value of every declared filter without a 5xx', async () => {
      const routes = userRoutes().filter((route) => route.method === 'GET' && route.spec?.query);
      const problems: string[] = [];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...routes).chain((route) => fc.tuple(fc.constant(route), fc.subarray(queryKeys(route), { minLength: 1 }), fc.array(hostileText, { minLength: 4, maxLength: 4 }))),
          async ([route, names, values]) => {
            const query = names.map((name, index) => `${name}=${encode(values[index % values.length]!)}`).join('&');
            const response = await get(`${fillPath(route)}?${query}`);
            if (response.status >= 300 && response.status < 400) problems.push(`${route.path}?${query}: ${response.status}`);
            problems.push(...errorShapeProblems(response).map((problem) => `${route.path}?${query}: ${problem}`));
          },
        ),
        { numRuns: QUERY_RUNS },
      );
      expect(problems).toEqual([]);
    }, SWEEP_TIMEOUT_MS);

    it('answers every fuzzed path parameter without a 5xx', async () => {
      const routes = userRoutes().filter((route) => route.path.includes(':'));
      const problems: string[] = [];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), hostileText, async (route, value) => {
          const path = route.path.replace(/:([A-Za-z0-9_]+)/g, () => encode(value) || '%20');
          const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
          const response = await request(sut.http)[method](path).set(tenant.owner.headers).send(SAMPLE_BODIES[key(route)] ?? {});
          if (response.status < 400) problems.push(`${route.method} ${path}: ${response.status}`);
          problems.push(...errorShapeProblems(response).map((problem) => `${route.method} ${path}: ${problem}`));
        }),
        { numRuns: PARAM_RUNS },
      );
      expect(problems).toEqual([]);
    }, SWEEP_TIMEOUT_MS);

    it('has a sample body for every non-ingest route that takes one', () => {
      const missing = userRoutes()
        .filter((route) => route.spec?.body && !(key(route) in SAMPLE_BODIES))
        .map(key);
      expect(missing).toEqual([]);
    });

    it('answers every poisoned body of every non-ingest route with a 4xx in the error shape', async () => {
      const routes = userRoutes().filter((route) => key(route) in SAMPLE_BODIES);
      const problems: string[] = [];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...routes).chain((route) => {
            const sample = SAMPLE_BODIES[key(route)]!;
            const fields = [...Object.keys(sample), 'notAField'];
            return fc.tuple(
              fc.constant(route),
              // Some fields take arbitrary JSON, and at least one takes a poison no field accepts.
              fc.option(fc.dictionary(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }), { nil: undefined }),
              fc.constantFrom(...fields),
              poison,
            );
          }),
          async ([route, noise, poisoned, value]) => {
            const body = { ...SAMPLE_BODIES[key(route)], ...(noise ?? {}), [poisoned]: value };
            const method = route.method.toLowerCase() as 'post' | 'patch';
            const response = await request(sut.http)[method](fillPath(route)).set({ ...tenant.owner.headers, 'X-Forwarded-For': clientIp }).send(body);
            const label = `${key(route)} ${JSON.stringify(body).slice(0, 200)}`;
            if (response.status < 400) problems.push(`${label}: ${response.status}`);
            problems.push(...errorShapeProblems(response).map((problem) => `${label}: ${problem}`));
          },
        ),
        { numRuns: BODY_RUNS },
      );
      expect(problems).toEqual([]);
    }, SWEEP_TIMEOUT_MS);

    it('left every table as it was', async () => {
      expect(await databaseChecksums(sut.database.url)).toEqual(before);
    });
  });
});
