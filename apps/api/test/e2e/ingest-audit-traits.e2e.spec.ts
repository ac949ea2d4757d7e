import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AUDIT_EVENTS_CSV_COLUMNS,
  AuditEventsPage,
  ClusterSummary,
  ClustersPage,
  INGEST_LIMITS,
  INGEST_PATHS,
  JOB_NAMES,
  batchJobId,
} from '@ratchet/contracts';
import type { AuditEvent, AuditEventSummary, PsaConfiguration } from '@ratchet/contracts';
import type { Queue } from 'bullmq';
import request from 'supertest';

import { createTenantCluster } from '../factories/cluster.factory.js';
import type { TestCluster } from '../factories/cluster.factory.js';
import { ownerClient } from '../factories/db.factory.js';
import { auditEventBody, heartbeatBody } from '../factories/ingest-body.factory.js';
import type { TestTenant } from '../factories/tenant.factory.js';
import { parseCsv } from '../support/csv.util.js';
import { expectAccepted, postIngest } from '../support/agent-ingest.util.js';
import { ingestState } from '../support/ingest-state.util.js';
import { startQueuedTestApp } from '../support/queued-test-app.js';
import type { QueuedTestApp } from '../support/queued-test-app.js';
import type { TestApp } from '../support/test-app.js';

// Issue 7 item 12 and issue 10: audit events as real apiservers emit them, carried from the ingest contract into
// storage and back out of the query API, and the cluster's audit source and PSA configuration from the heartbeat.

const EVENTS = '/api/v1/audit-events';
const CLUSTERS = '/api/v1/clusters';

// What a Pod Security violation annotation looks like once the apiserver truncated or an older one reworded it.
// A known reason whose detail never closes; an unknown reason alone would be kept as an unrecognised check.
const GARBLED = 'would violate PodSecurity "baseline:v1.29": hostPath volumes (volume "data" uses';
const NOT_PSA = 'policy says no';
const WEBHOOK_PREFIX = 'pod-security-webhook.kubernetes.io';
const DEPLOYMENT_VIOLATION =
  'would violate PodSecurity "restricted:latest": runAsNonRoot != true (pod or container "web" must set securityContext.runAsNonRoot=true)';

describe('ingest: audit event traits of real apiservers', () => {
  let stack: QueuedTestApp;
  let sut: TestApp;
  let queue: Queue;

  beforeAll(async () => {
    stack = await startQueuedTestApp();
    ({ sut, queue } = stack);
  });
  afterAll(() => stack.close());

  const db = () => ownerClient(sut.database.url);

  const newCluster = () => createTenantCluster(sut.database.url);

  const post = (cluster: TestCluster, path: string, body: unknown, key?: string) => postIngest(sut.http, cluster, path, body, key);

  const accepted = (cluster: TestCluster, path: string, body: unknown, key?: string) => expectAccepted(sut.http, cluster, path, body, key);

  async function listEvents(cluster: TestCluster & { tenant: TestTenant }, query: Record<string, string> = {}): Promise<AuditEventSummary[]> {
    const response = await request(sut.http).get(EVENTS).set(cluster.tenant.owner.headers).query({ clusterId: cluster.clusterId, ...query }).expect(200);
    return AuditEventsPage.parse(response.body).items;
  }

  const byAuditId = (items: readonly AuditEventSummary[]) => Object.fromEntries(items.map((item) => [item.auditId, item]));

  // An event as an agent that does not parse the annotation sends it.
  function withoutParse(overrides: Partial<AuditEvent> = {}): AuditEvent {
    const { violations: _sent, ...event } = auditEventBody();
    return { ...event, ...overrides };
  }

  describe('unparseable annotations', () => {
    it('stores the whole batch, marks the event it cannot parse unparsed and counts it in the answer', async () => {
      const cluster = await newCluster();
      const good = auditEventBody();
      // The agent's parse of text the API cannot read is not checked: the event is stored unparsed regardless.
      const garbled = auditEventBody({ namespace: 'legacy', objectRef: { resource: 'pods', namespace: 'legacy' }, annotations: { auditViolations: GARBLED } });
      const foreign = withoutParse({ annotations: { auditViolations: NOT_PSA } });
      const parsedHere = withoutParse();

      const answer = await accepted(cluster, INGEST_PATHS.auditEvents, { events: [good, garbled, foreign, parsedHere] });

      expect(answer.accepted.auditEvents).toBe(4);
      expect(answer.unparsedAuditEvents).toBe(2);
      const rows = await db().auditEvent.findMany({ where: { clusterId: cluster.clusterId } });
      const row = Object.fromEntries(rows.map((stored) => [stored.auditId, stored]));
      expect(row[garbled.auditId]).toMatchObject({
        unparsed: true,
        parseError: expect.stringMatching(/.+/),
        auditViolations: GARBLED,
        // The `"<level>:<version>"` prefix is readable, so the event counts at that level.
        level: 'baseline',
        version: 'v1.29',
        checks: [],
      });
      expect(row[foreign.auditId]).toMatchObject({ unparsed: true, level: null, version: null, checks: [], auditViolations: NOT_PSA });
      expect(row[good.auditId]).toMatchObject({ unparsed: false, parseError: null, level: 'restricted', checks: good.violations.checks });
      // Without the agent's parse, the API's own parse is stored.
      expect(row[parsedHere.auditId]).toMatchObject({ unparsed: false, level: 'restricted', version: 'latest', checks: good.violations.checks });

      // An unparsed event is a violation to look at: its namespace goes to the worker like any other.
      const job = await queue.getJob(batchJobId(JOB_NAMES.ingestAuditEvents, answer.batchId));
      expect(job?.data.namespaces).toEqual(['legacy', 'shop']);

      const listed = byAuditId(await listEvents(cluster));
      expect(listed[garbled.auditId]).toMatchObject({ unparsed: true, parseError: expect.any(String), level: 'baseline', version: 'v1.29', checks: [], auditViolations: GARBLED });
      expect(listed[foreign.auditId]).toMatchObject({ unparsed: true, level: null, version: null });
      expect((await listEvents(cluster, { unparsed: 'true' })).map((item) => item.auditId).sort()).toEqual([garbled.auditId, foreign.auditId].sort());
      expect((await listEvents(cluster, { unparsed: 'false' })).map((item) => item.auditId).sort()).toEqual([good.auditId, parsedHere.auditId].sort());
    });

    it('does not let one bad annotation cost a full batch of 500', async () => {
      const cluster = await newCluster();
      const events: AuditEvent[] = Array.from({ length: INGEST_LIMITS.auditEvents }, () => auditEventBody());
      events[137] = withoutParse({ annotations: { auditViolations: GARBLED } });
      const answer = await accepted(cluster, INGEST_PATHS.auditEvents, { events });
      expect(answer).toMatchObject({ accepted: { auditEvents: INGEST_LIMITS.auditEvents }, unparsedAuditEvents: 1 });
      expect(await db().auditEvent.count({ where: { clusterId: cluster.clusterId, unparsed: true } })).toBe(1);
      expect(await db().auditEvent.count({ where: { clusterId: cluster.clusterId, unparsed: false } })).toBe(INGEST_LIMITS.auditEvents - 1);
    });

    it('still refuses, naming the event, violations that contradict an annotation it can parse, and stores nothing', async () => {
      const cluster = await newCluster();
      const good = auditEventBody();
      const lying = auditEventBody({ violations: { ...good.violations, version: 'v1.25' } });
      const before = await ingestState(sut.database.url, cluster.tenant.orgId);
      const response = await post(cluster, INGEST_PATHS.auditEvents, { events: [withoutParse({ annotations: { auditViolations: NOT_PSA } }), lying] }).expect(400);
      expect(response.body.details.issues).toEqual([{ path: 'body.events[1].violations', message: expect.stringContaining('the annotation says restricted:latest') }]);
      expect(await ingestState(sut.database.url, cluster.tenant.orgId)).toEqual(before);
    });
  });

  describe('traits', () => {
    it('stores and returns the impersonated user, and filters by it', async () => {
      const cluster = await newCluster();
      const impersonated = auditEventBody({
        user: { username: 'alice@example.com', groups: ['system:authenticated'] },
        impersonatedUser: { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci'] },
      });
      const plain = auditEventBody();
      await accepted(cluster, INGEST_PATHS.auditEvents, { events: [impersonated, plain] });

      const row = await db().auditEvent.findFirstOrThrow({ where: { auditId: impersonated.auditId } });
      expect(row).toMatchObject({
        username: 'alice@example.com',
        impersonatedUsername: 'system:serviceaccount:ci:deployer',
        impersonatedUserGroups: ['system:serviceaccounts', 'system:serviceaccounts:ci'],
      });
      const listed = byAuditId(await listEvents(cluster));
      expect(listed[impersonated.auditId]!.user).toEqual({ username: 'alice@example.com', groups: ['system:authenticated'] });
      expect(listed[impersonated.auditId]!.impersonatedUser).toEqual(impersonated.impersonatedUser);
      expect(listed[plain.auditId]!.impersonatedUser).toBeNull();
      const filtered = await listEvents(cluster, { impersonatedUser: 'system:serviceaccount:ci:deployer' });
      expect(filtered.map((item) => item.auditId)).toEqual([impersonated.auditId]);
    });

    it('keeps server-side dry runs, marked, and filters by them', async () => {
      const cluster = await newCluster();
      const dryRun = auditEventBody({ dryRun: true });
      const real = auditEventBody();
      const olderAgent = auditEventBody();
      await accepted(cluster, INGEST_PATHS.auditEvents, { events: [dryRun, real, { ...olderAgent, dryRun: false }] });

      expect((await db().auditEvent.findFirstOrThrow({ where: { auditId: dryRun.auditId } })).dryRun).toBe(true);
      expect((await listEvents(cluster, { dryRun: 'true' })).map((item) => [item.auditId, item.dryRun])).toEqual([[dryRun.auditId, true]]);
      expect((await listEvents(cluster, { dryRun: 'false' })).map((item) => item.auditId).sort()).toEqual([real.auditId, olderAgent.auditId].sort());
      const bad = await request(sut.http).get(EVENTS).set(cluster.tenant.owner.headers).query({ dryRun: 'All' }).expect(400);
      expect(bad.body.details.issues[0].path).toBe('query.dryRun');
    });

    it("accepts a controller's violation, stored with its resource for the workload, and filters by resource", async () => {
      const cluster = await newCluster();
      const deployment = withoutParse({
        objectRef: { resource: 'deployments', namespace: 'shop', name: 'web', apiGroup: 'apps', apiVersion: 'v1' },
        user: { username: 'alice', groups: ['system:authenticated'] },
        annotations: { auditViolations: DEPLOYMENT_VIOLATION },
        verb: 'update',
      });
      const cronJob = withoutParse({ objectRef: { resource: 'cronjobs', namespace: 'shop', name: 'nightly', apiGroup: 'batch', apiVersion: 'v1' } });
      await accepted(cluster, INGEST_PATHS.auditEvents, { events: [deployment, cronJob, auditEventBody()] });

      const [listed] = await listEvents(cluster, { resource: 'deployments' });
      expect(listed).toMatchObject({
        auditId: deployment.auditId,
        objectRef: { resource: 'deployments', namespace: 'shop', name: 'web', apiGroup: 'apps', apiVersion: 'v1' },
        verb: 'update',
        level: 'restricted',
        checks: [{ id: 'runAsNonRoot', reason: 'runAsNonRoot != true', detail: 'pod or container "web" must set securityContext.runAsNonRoot=true' }],
      });
      expect((await listEvents(cluster, { resource: 'cronjobs' })).map((item) => item.auditId)).toEqual([cronJob.auditId]);
    });

    it('accepts the webhook build, whose annotation keys carry the webhook name, and keeps the prefix', async () => {
      const cluster = await newCluster();
      const webhook = auditEventBody();
      webhook.annotations = { ...webhook.annotations, keyPrefix: WEBHOOK_PREFIX };
      const builtIn = auditEventBody();
      await accepted(cluster, INGEST_PATHS.auditEvents, { events: [webhook, builtIn] });
      const listed = byAuditId(await listEvents(cluster));
      expect(listed[webhook.auditId]).toMatchObject({ annotationKeyPrefix: WEBHOOK_PREFIX, unparsed: false, level: 'restricted' });
      expect(listed[builtIn.auditId]!.annotationKeyPrefix).toBeNull();
      const bad = await post(cluster, INGEST_PATHS.auditEvents, { events: [{ ...webhook, annotations: { ...webhook.annotations, keyPrefix: 'Pod Security' } }] }).expect(400);
      expect(bad.body.details.issues[0].path).toBe('body.events[0].annotations.keyPrefix');
    });

    it('accepts a pod created with generateName, which has no name at the Metadata level', async () => {
      const cluster = await newCluster();
      const generated = auditEventBody({ objectRef: { resource: 'pods', namespace: 'shop', apiVersion: 'v1' } });
      await accepted(cluster, INGEST_PATHS.auditEvents, { events: [generated] });
      expect((await db().auditEvent.findFirstOrThrow({ where: { auditId: generated.auditId } })).objectName).toBeNull();
      const [listed] = await listEvents(cluster);
      expect(listed!.objectRef).toEqual({ resource: 'pods', namespace: 'shop', apiVersion: 'v1' });
    });

    it('stores a request refused by enforce with its 403, annotation included', async () => {
      const cluster = await newCluster();
      const refused = auditEventBody({ responseCode: 403, annotations: { ...auditEventBody().annotations, enforcePolicy: 'restricted:latest' } });
      await accepted(cluster, INGEST_PATHS.auditEvents, { events: [refused] });
      const [listed] = await listEvents(cluster);
      expect(listed).toMatchObject({ auditId: refused.auditId, responseCode: 403, enforcePolicy: 'restricted:latest', level: 'restricted', unparsed: false });
    });
  });

  describe('one request, several stages', () => {
    it('stores a request seen at RequestReceived and ResponseComplete once, with the facts of the later stage', async () => {
      const cluster = await newCluster();
      const complete = auditEventBody({ responseCode: 403 });
      const { responseCode: _none, ...received } = { ...complete, stage: 'RequestReceived' as const };

      // Both stages in one batch, in either order.
      const answer = await accepted(cluster, INGEST_PATHS.auditEvents, { events: [received, complete] });
      expect(answer.accepted.auditEvents).toBe(1);
      expect(answer.duplicates.auditEvents).toBe(1);
      const reversed = { ...auditEventBody({ responseCode: 201 }) };
      const reversedReceived = { ...reversed, stage: 'RequestReceived' as const, responseCode: undefined };
      await accepted(cluster, INGEST_PATHS.auditEvents, { events: [reversed, reversedReceived] });
      const rows = await db().auditEvent.findMany({ where: { clusterId: cluster.clusterId }, orderBy: { auditId: 'asc' } });
      expect(rows.map((row) => [row.auditId, row.stage, row.responseCode]).sort()).toEqual(
        [
          [complete.auditId, 'ResponseComplete', 403],
          [reversed.auditId, 'ResponseComplete', 201],
        ].sort(),
      );
    });

    it('brings a stored early stage to the later one a later batch carries, and never back', async () => {
      const cluster = await newCluster();
      const complete = auditEventBody({ responseCode: 403, dryRun: true });
      const received = { ...complete, stage: 'RequestReceived' as const, responseCode: undefined, dryRun: undefined };

      const first = await accepted(cluster, INGEST_PATHS.auditEvents, { events: [received] });
      expect(first.accepted.auditEvents).toBe(1);
      const later = await accepted(cluster, INGEST_PATHS.auditEvents, { events: [complete] });
      expect(later).toMatchObject({ accepted: { auditEvents: 0 }, duplicates: { auditEvents: 1 } });
      // The upgraded row changes what the worker reads, so its namespace is recomputed.
      expect((await queue.getJob(batchJobId(JOB_NAMES.ingestAuditEvents, later.batchId)))?.data.namespaces).toEqual(['shop']);
      const again = await accepted(cluster, INGEST_PATHS.auditEvents, { events: [received] });
      expect(again.duplicates.auditEvents).toBe(1);
      expect(await queue.getJob(batchJobId(JOB_NAMES.ingestAuditEvents, again.batchId))).toBeUndefined();

      const rows = await db().auditEvent.findMany({ where: { clusterId: cluster.clusterId } });
      expect(rows.map((row) => ({ stage: row.stage, responseCode: row.responseCode, dryRun: row.dryRun }))).toEqual([
        { stage: 'ResponseComplete', responseCode: 403, dryRun: true },
      ]);
      const [listed] = await listEvents(cluster);
      expect(listed).toMatchObject({ stage: 'ResponseComplete', responseCode: 403, dryRun: true });
    });
  });

  describe('CSV export', () => {
    it('exports the impersonated user, dry-run and unparsed columns', async () => {
      const cluster = await newCluster();
      const event = auditEventBody({ dryRun: true, impersonatedUser: { username: 'bob', groups: [] } });
      const unparsed = withoutParse({ annotations: { auditViolations: NOT_PSA } });
      await accepted(cluster, INGEST_PATHS.auditEvents, { events: [event, unparsed] });
      const response = await request(sut.http).get(`${EVENTS}/export.csv`).set(cluster.tenant.owner.headers).query({ order: 'asc' }).expect(200);
      const [header, ...rows] = parseCsv(response.text);
      expect(header).toEqual([...AUDIT_EVENTS_CSV_COLUMNS]);
      const column = (name: (typeof AUDIT_EVENTS_CSV_COLUMNS)[number]) => AUDIT_EVENTS_CSV_COLUMNS.indexOf(name);
      const row: Record<string, string[]> = Object.fromEntries(rows.map((cells: string[]) => [cells[column('auditId')]!, cells]));
      expect([column('impersonatedUser'), column('dryRun'), column('unparsed')].map((index) => row[event.auditId]![index])).toEqual(['bob', 'true', 'false']);
      expect(row[unparsed.auditId]![column('unparsed')]).toBe('true');
      expect(row[unparsed.auditId]![column('parseError')]).not.toBe('');
      expect(row[unparsed.auditId]![column('level')]).toBe('');
    });
  });

  describe('heartbeat', () => {
    const psaConfiguration: PsaConfiguration = {
      defaults: { enforce: 'baseline', 'enforce-version': 'v1.30', audit: 'restricted', 'audit-version': 'latest', warn: 'restricted', 'warn-version': 'latest' },
      exemptions: { usernames: ['system:serviceaccount:kube-system:replicaset-controller'], runtimeClasses: ['kata'], namespaces: ['kube-system'] },
    };

    async function getCluster(cluster: TestCluster & { tenant: TestTenant }): Promise<ClusterSummary> {
      const response = await request(sut.http).get(`${CLUSTERS}/${cluster.clusterId}`).set(cluster.tenant.owner.headers).expect(200);
      return ClusterSummary.parse(response.body);
    }

    it('stores the audit source and PSA configuration and returns them on the cluster endpoints', async () => {
      const cluster = await newCluster();
      expect(await getCluster(cluster)).toMatchObject({ agent: { auditSource: null }, psaConfiguration: null });

      await accepted(cluster, INGEST_PATHS.heartbeat, heartbeatBody({ auditSource: 'webhook', psaConfiguration }));

      const row = await db().cluster.findUniqueOrThrow({ where: { orgId_id: { orgId: cluster.tenant.orgId, id: cluster.clusterId } } });
      expect(row).toMatchObject({ auditSource: 'webhook', psaConfiguration });
      expect(await getCluster(cluster)).toMatchObject({ agent: { auditSource: 'webhook' }, psaConfiguration });
      const list = await request(sut.http).get(CLUSTERS).set(cluster.tenant.owner.headers).expect(200);
      expect(ClustersPage.parse(list.body).items).toEqual([expect.objectContaining({ id: cluster.clusterId, psaConfiguration })]);

      // Left out, upstream's defaults are stored, as PSA applies them.
      await accepted(cluster, INGEST_PATHS.heartbeat, heartbeatBody({ auditSource: 'file', psaConfiguration: { exemptions: { namespaces: ['kube-system'] } } }));
      expect(await getCluster(cluster)).toMatchObject({
        agent: { auditSource: 'file' },
        psaConfiguration: {
          defaults: { enforce: 'privileged', 'enforce-version': 'latest', audit: 'privileged', 'audit-version': 'latest', warn: 'privileged', 'warn-version': 'latest' },
          exemptions: { usernames: [], runtimeClasses: [], namespaces: ['kube-system'] },
        },
      });

      // A heartbeat that says nothing of them (an older agent) makes them unknown again.
      await accepted(cluster, INGEST_PATHS.heartbeat, heartbeatBody());
      expect(await getCluster(cluster)).toMatchObject({ agent: { auditSource: null }, psaConfiguration: null });
    });

    it('refuses a bad PSA configuration with the path of each field, storing nothing', async () => {
      const cluster = await newCluster();
      await accepted(cluster, INGEST_PATHS.heartbeat, heartbeatBody({ auditSource: 'none', psaConfiguration }));
      const before = await db().cluster.findUniqueOrThrow({ where: { orgId_id: { orgId: cluster.tenant.orgId, id: cluster.clusterId } } });

      const response = await post(cluster, INGEST_PATHS.heartbeat, {
        ...heartbeatBody(),
        auditSource: 'journald',
        psaConfiguration: {
          defaults: { ...psaConfiguration.defaults, enforce: 'strict', 'warn-version': '1.30' },
          exemptions: { ...psaConfiguration.exemptions, namespaces: ['Kube_System'], usernames: ['ci', 'ci'] },
        },
      }).expect(400);

      expect(response.body.code).toBe('validation_failed');
      expect(response.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual([
        'body.auditSource',
        'body.psaConfiguration.defaults.enforce',
        'body.psaConfiguration.defaults["warn-version"]',
        'body.psaConfiguration.exemptions.usernames[1]',
        'body.psaConfiguration.exemptions.namespaces[0]',
      ]);
      const after = await db().cluster.findUniqueOrThrow({ where: { orgId_id: { orgId: cluster.tenant.orgId, id: cluster.clusterId } } });
      expect(after).toEqual(before);
    });
  });
});
