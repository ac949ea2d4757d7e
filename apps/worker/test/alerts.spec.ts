// Alerts end to end inside the worker: rules as data, evaluation on the alert queue (real Redis, private prefix),
// deliveries to real local receivers (signed webhook, Slack- and Teams-shaped HTTP servers, an SMTP server), the
// lifecycle (dedupe, grouping, cooldown, resolve, retries, channel health) on an injected clock.
import { randomUUID } from 'node:crypto';

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { AlertMessage } from '@ratchet/contracts';
import type { ClusterScope, Prisma, PrismaClient } from '@ratchet/db';
import { createPrismaClient, withTenant } from '@ratchet/db';
import { ALERT_AGENT_SILENCE_SCHEDULER_ID, JOB_NAMES, JOB_QUEUE, JobProducer } from '@ratchet/jobs';
import { outboundPolicy, pinOutboundHost } from '@ratchet/alerts';
import type { HostResolver } from '@ratchet/alerts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';

import { startAlertRuntime } from '../src/alerts/alert.runtime.js';
import type { AlertRuntime } from '../src/alerts/alert.runtime.js';
import { WorkerMetrics } from '../src/infra/metrics.js';
import { startWorkerRuntime } from '../src/worker.runtime.js';
import { slackShape, startHttpReceiver, startSmtpReceiver, teamsShape, verifyRatchetSignature } from './support/alert-receivers.js';
import type { HttpReceiver, SmtpReceiver } from './support/alert-receivers.js';
import { alertQueue, createAlertCluster, createChannel, createRule, newPrefix, setReadiness } from './support/alert-world.js';
import { createTestDatabase } from './support/test-database.js';
import type { TestDatabase } from './support/test-database.js';

const REDIS_URL = process.env['RATCHET_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const START = new Date('2026-11-30T12:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SECRET = 'whsec_test_0123456789abcdef0123456789abcdef';

let database: TestDatabase;
let prisma: PrismaClient;
let redis: Redis;
/** The injected clock of the runtime and of the receivers' replay-window checks. */
let clock = START;
const now = () => clock;
const logger = pino({ level: 'silent' });
const queues: Queue[] = [];
const closers: (() => Promise<void>)[] = [];

/** What the injected resolver answers, per host name (tests change it to play DNS rebinding). */
const dns = new Map<string, string>();
const resolver: HostResolver = (host) => {
  const address = dns.get(host);
  return address ? Promise.resolve([{ address, family: 4 }]) : Promise.reject(new Error(`ENOTFOUND ${host}`));
};

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ connectionString: database.url, poolSize: 6 });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  clock = START;
});

afterAll(async () => {
  for (const queue of queues) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await redis?.quit();
  await prisma?.$disconnect();
  await database?.drop();
});

interface Harness {
  runtime: AlertRuntime;
  settle(): Promise<void>;
  evaluate(scope: ClusterScope): Promise<void>;
}

async function startHarness(options: { deliveryAttempts?: number } = {}): Promise<Harness> {
  const prefix = newPrefix();
  const runtime = await startAlertRuntime({
    prisma,
    connection: redis,
    logger,
    concurrency: 4,
    allowedHosts: ['127.0.0.1'],
    prefix,
    now,
    resolver,
    deliveryBackoffMs: 10,
    ...(options.deliveryAttempts === undefined ? {} : { deliveryAttempts: options.deliveryAttempts }),
    scheduleSilenceCheck: false,
  });
  const { queue, settle } = alertQueue(redis, prefix);
  queues.push(queue);
  closers.push(() => runtime.close());
  return {
    runtime,
    settle: () => settle(),
    async evaluate(scope) {
      await runtime.producer.evaluate(scope.orgId, scope.clusterId);
      await settle();
    },
  };
}

async function receiver(options: Parameters<typeof startHttpReceiver>[0] = {}): Promise<HttpReceiver> {
  const started = await startHttpReceiver({ now, ...options });
  closers.push(() => started.close());
  return started;
}

function messages(received: HttpReceiver): AlertMessage[] {
  return received.received.filter((r) => r.status < 300).map((r) => AlertMessage.parse(r.json));
}

const namespaces = (...names: string[]) => names.map((name) => ({ name, workloads: [] }));

async function deliveriesOf(orgId: string) {
  return withTenant(prisma, orgId, (tx) => tx.alertDelivery.findMany({ where: { orgId }, orderBy: { createdAt: 'asc' } }));
}

describe('alert lifecycle on a signed webhook', () => {
  it('sends one signed message per rule and cluster listing every namespace that became ready, with its kubectl command, and nothing again while they stay ready', async () => {
    const harness = await startHarness();
    const hook = await receiver({ secret: SECRET });
    const { scope, ids } = await createAlertCluster(prisma, namespaces('shop', 'billing', 'search', 'fresh'));
    // First seen 6 days ago: not yet clean for the whole 7-day window, however old the namespace itself is.
    await withTenant(prisma, scope.orgId, (tx) => tx.namespace.update({ where: { orgId_id: { orgId: scope.orgId, id: ids.get('fresh')! } }, data: { firstSeenAt: new Date(START.getTime() - 6 * 24 * HOUR) } }));
    const channel = await createChannel(prisma, scope.orgId, 'webhook', { url: `${hook.url}/ratchet`, secret: SECRET });
    await createRule(prisma, scope.orgId, { trigger: 'namespace_ready', level: 'restricted', channelIds: [channel] });

    await setReadiness(prisma, scope, ids, 'restricted', { shop: { status: 'ready' }, billing: { status: 'ready' }, search: { status: 'blocked' }, fresh: { status: 'ready' } }, clock);
    await harness.evaluate(scope);

    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.signatureProblem).toBeNull();
    expect(hook.received[0]!.headers['x-ratchet-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    const [message] = messages(hook);
    expect(message!.cluster?.name).toBe('prod-eu');
    expect(message!.firing.map((a) => a.namespace).sort()).toEqual(['billing', 'shop']);
    expect(message!.firing.find((a) => a.namespace === 'shop')!.kubectlCommand).toBe(
      'kubectl label --overwrite namespace shop pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=latest',
    );
    expect(message!.resolved).toEqual([]);

    // The same readiness evaluated again: deduplicated by fingerprint, nothing sent.
    clock = new Date(START.getTime() + 5 * MINUTE);
    await harness.evaluate(scope);
    expect(hook.received).toHaveLength(1);

    const [delivery] = await deliveriesOf(scope.orgId);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, responseCode: 200, responseExcerpt: 'ok', firingCount: 2, resolvedCount: 0 });
  });

  it('refuses a replayed request outside the window, as the documented verification does', async () => {
    const harness = await startHarness();
    const hook = await receiver({ secret: SECRET });
    const { scope, ids } = await createAlertCluster(prisma, namespaces('shop'));
    const channel = await createChannel(prisma, scope.orgId, 'webhook', { url: hook.url, secret: SECRET });
    await createRule(prisma, scope.orgId, { trigger: 'namespace_ready', channelIds: [channel] });
    await setReadiness(prisma, scope, ids, 'baseline', { shop: { status: 'ready' } }, clock);
    await harness.evaluate(scope);

    const request = hook.received[0]!;
    const at = (ms: number) => Math.floor((START.getTime() + ms) / 1000);
    expect(verifyRatchetSignature(SECRET, request.headers, request.body, at(4 * MINUTE), 300)).toBeNull();
    expect(verifyRatchetSignature(SECRET, request.headers, request.body, at(6 * MINUTE), 300)).toBe('timestamp outside the replay window');
    expect(verifyRatchetSignature(SECRET, request.headers, request.body.replace('shop', 'shoq'), at(0), 300)).toBe('bad signature');
    expect(verifyRatchetSignature('another secret of enough length 0123456789', request.headers, request.body, at(0), 300)).toBe('bad signature');
  });

  it('sends resolved alerts when the condition ends, and keeps a namespace that flaps back inside the cooldown quiet', async () => {
    const harness = await startHarness();
    const hook = await receiver({ secret: SECRET });
    const { scope, ids } = await createAlertCluster(prisma, namespaces('shop', 'billing'));
    const channel = await createChannel(prisma, scope.orgId, 'webhook', { url: hook.url, secret: SECRET });
    await createRule(prisma, scope.orgId, { trigger: 'namespace_at_risk', level: 'baseline', cooldownMinutes: 30, channelIds: [channel] });

    await setReadiness(prisma, scope, ids, 'baseline', { shop: { status: 'blocked', atRisk: true }, billing: { status: 'blocked', atRisk: true } }, clock);
    await harness.evaluate(scope);
    expect(messages(hook).map((m) => [m.severity, m.firing.length, m.resolved.length])).toEqual([['critical', 2, 0]]);

    clock = new Date(START.getTime() + 10 * MINUTE);
    await setReadiness(prisma, scope, ids, 'baseline', { shop: { status: 'ready' } }, clock);
    await harness.evaluate(scope);
    expect(messages(hook)[1]!.resolved.map((a) => [a.namespace, a.resolvedAt])).toEqual([['shop', clock.toISOString()]]);
    expect(messages(hook)[1]!.firing).toEqual([]);

    // shop fails again 20 minutes after it was sent: inside the 30-minute cooldown, so nothing is sent.
    clock = new Date(START.getTime() + 20 * MINUTE);
    await setReadiness(prisma, scope, ids, 'baseline', { shop: { status: 'blocked', atRisk: true } }, clock);
    await harness.evaluate(scope);
    expect(hook.received).toHaveLength(2);
    // Its quiet firing resolves quietly too: a resolve is only sent for a firing that was.
    clock = new Date(START.getTime() + 25 * MINUTE);
    await setReadiness(prisma, scope, ids, 'baseline', { shop: { status: 'ready' } }, clock);
    await harness.evaluate(scope);
    expect(hook.received).toHaveLength(2);

    // After the cooldown it is sent again.
    clock = new Date(START.getTime() + 45 * MINUTE);
    await setReadiness(prisma, scope, ids, 'baseline', { shop: { status: 'blocked', atRisk: true } }, clock);
    await harness.evaluate(scope);
    expect(messages(hook).map((m) => m.firing.map((a) => a.namespace))).toEqual([['billing', 'shop'], [], ['shop']]);
    const states = await withTenant(prisma, scope.orgId, (tx) => tx.alertState.findMany({ where: { orgId: scope.orgId }, orderBy: { namespaceName: 'asc' } }));
    expect(states.map((s) => [s.namespaceName, s.status, s.lastNotifiedAt?.toISOString()])).toEqual([
      ['billing', 'firing', START.toISOString()],
      ['shop', 'firing', clock.toISOString()],
    ]);
  });

  it('retries after the receiver fails twice, logging every attempt, and delivers on the third', async () => {
    const harness = await startHarness();
    const hook = await receiver({ secret: SECRET });
    hook.failNext(2, 503);
    const { scope, ids } = await createAlertCluster(prisma, namespaces('shop'));
    const channel = await createChannel(prisma, scope.orgId, 'webhook', { url: hook.url, secret: SECRET });
    await createRule(prisma, scope.orgId, { trigger: 'readiness_regressed', channelIds: [channel] });

    await setReadiness(prisma, scope, ids, 'restricted', { shop: { status: 'ready' } }, clock);
    await harness.evaluate(scope);
    expect(hook.received).toHaveLength(0);
    await setReadiness(prisma, scope, ids, 'restricted', { shop: { status: 'blocked' } }, clock);
    await harness.evaluate(scope);

    expect(hook.received.map((r) => r.status)).toEqual([503, 503, 200]);
    // The same signed body each time, and the same delivery id for the receiver to drop duplicates by.
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1);
    expect(new Set(hook.received.map((r) => r.headers['x-ratchet-delivery'])).size).toBe(1);
    const [delivery] = await deliveriesOf(scope.orgId);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, responseCode: 200, lastError: null });
    expect(messages(hook)[0]!.firing.map((a) => [a.trigger, a.namespace, a.level, a.severity])).toEqual([['readiness_regressed', 'shop', 'restricted', 'warning']]);
  });

  it('marks a channel failing for a day unhealthy (injected clock), and healthy again after a success', async () => {
    const harness = await startHarness({ deliveryAttempts: 1 });
    const hook = await receiver({ secret: SECRET });
    hook.failAlways(500);
    const { scope, ids } = await createAlertCluster(prisma, namespaces('a', 'b', 'c'));
    const channel = await createChannel(prisma, scope.orgId, 'webhook', { url: hook.url, secret: SECRET });
    await createRule(prisma, scope.orgId, { trigger: 'namespace_ready', level: 'baseline', cooldownMinutes: 0, channelIds: [channel] });
    const health = () => withTenant(prisma, scope.orgId, (tx) => tx.alertChannel.findUniqueOrThrow({ where: { orgId_id: { orgId: scope.orgId, id: channel } } }));

    await setReadiness(prisma, scope, ids, 'baseline', { a: { status: 'ready' } }, clock);
    await harness.evaluate(scope);
    expect(await health()).toMatchObject({ healthy: true, failingSince: START, lastError: 'the receiver answered 500' });

    clock = new Date(START.getTime() + 23 * HOUR);
    await setReadiness(prisma, scope, ids, 'baseline', { b: { status: 'ready' } }, clock);
    await harness.evaluate(scope);
    expect((await health()).healthy).toBe(true);

    clock = new Date(START.getTime() + 24 * HOUR);
    await setReadiness(prisma, scope, ids, 'baseline', { c: { status: 'ready' } }, clock);
    await harness.evaluate(scope);
    expect(await health()).toMatchObject({ healthy: false, failingSince: START, unhealthySince: clock });
    expect((await deliveriesOf(scope.orgId)).map((d) => [d.status, d.attempts, d.responseCode])).toEqual([
      ['failed', 1, 500],
      ['failed', 1, 500],
      ['failed', 1, 500],
    ]);

    hook.failAlways(null);
    clock = new Date(START.getTime() + 25 * HOUR);
    await setReadiness(prisma, scope, ids, 'baseline', { a: { status: 'blocked' } }, clock);
    await harness.evaluate(scope);
    expect(await health()).toMatchObject({ healthy: true, failingSince: null, unhealthySince: null, lastSuccessAt: clock });
  });
});

describe('grouping, scope and triggers', () => {
  it('groups 300 namespaces changing at once into one message per rule and cluster', async () => {
    const harness = await startHarness();
    const hook = await receiver({ secret: SECRET });
    const names = Array.from({ length: 300 }, (_, i) => `team-${String(i).padStart(3, '0')}`);
    const { scope, ids } = await createAlertCluster(prisma, namespaces(...names));
    const other = await createAlertCluster(prisma, namespaces('elsewhere'));
    const channel = await createChannel(prisma, scope.orgId, 'webhook', { url: hook.url, secret: SECRET });
    await createRule(prisma, scope.orgId, { trigger: 'namespace_at_risk', channelIds: [channel] });
    await createRule(prisma, scope.orgId, { trigger: 'readiness_regressed', channelIds: [channel] });
    await setReadiness(prisma, scope, ids, 'baseline', Object.fromEntries(names.map((n) => [n, { status: 'ready' }])), clock);
    await harness.evaluate(scope);
    await setReadiness(prisma, scope, ids, 'baseline', Object.fromEntries(names.map((n) => [n, { status: 'blocked', atRisk: true }])), clock);
    await harness.evaluate(scope);

    const sent = messages(hook);
    expect(sent).toHaveLength(2);
    expect(sent.map((m) => [m.rule?.trigger, m.firing.length]).sort()).toEqual([
      ['namespace_at_risk', 300],
      ['readiness_regressed', 300],
    ]);
    // Another organization's cluster is not touched by these rules.
    expect(await withTenant(prisma, other.scope.orgId, (tx) => tx.alertState.count())).toBe(0);
  });

  it('applies include/exclude globs, label selectors, cluster scope and minimum severity', async () => {
    const harness = await startHarness();
    const hook = await receiver({ secret: SECRET });
    const { scope, ids } = await createAlertCluster(prisma, [
      { name: 'team-a', labels: { enforce: 'baseline' }, workloads: [] },
      { name: 'team-b', labels: { enforce: 'baseline' }, workloads: [] },
      { name: 'team-b-canary', labels: { enforce: 'baseline' }, workloads: [] },
      { name: 'team-c', labels: {}, workloads: [] },
      { name: 'infra', labels: { enforce: 'baseline' }, workloads: [] },
    ]);
    const channel = await createChannel(prisma, scope.orgId, 'webhook', { url: hook.url, secret: SECRET });
    await createRule(prisma, scope.orgId, {
      trigger: 'namespace_ready',
      level: 'restricted',
      includeNamespaces: ['team-*'],
      excludeNamespaces: ['*-canary'],
      labelSelector: { matchLabels: { 'pod-security.kubernetes.io/enforce': 'baseline' }, matchExpressions: [{ key: 'pod-security.kubernetes.io/audit', operator: 'DoesNotExist', values: [] }] },
      channelIds: [channel],
    });
    // Ready alerts are info: a rule asking for warning or worse never sends them.
    await createRule(prisma, scope.orgId, { trigger: 'namespace_ready', minSeverity: 'warning', channelIds: [channel] });
    // A rule scoped to another cluster.
    await createRule(prisma, scope.orgId, { trigger: 'namespace_ready', clusterIds: [randomUUID()], channelIds: [channel] });
    const all = Object.fromEntries(['team-a', 'team-b', 'team-b-canary', 'team-c', 'infra'].map((n) => [n, { status: 'ready' as const }]));
    await setReadiness(prisma, scope, ids, 'restricted', all, clock);
    await harness.evaluate(scope);

    expect(messages(hook).map((m) => m.firing.map((a) => a.namespace).sort())).toEqual([['team-a', 'team-b']]);
  });

  it('fires for privileged namespaces outside the default allowlist and for new violations a namespace audits, not for older ones', async () => {
    const harness = await startHarness();
    const hook = await receiver({ secret: SECRET });
    const { scope } = await createAlertCluster(prisma, [
      { name: 'kube-system', workloads: [] },
      { name: 'legacy', labels: { enforce: 'privileged' }, workloads: [] },
      { name: 'unlabeled', workloads: [] },
      { name: 'locked', labels: { enforce: 'restricted' }, workloads: [] },
      { name: 'audited', labels: { enforce: 'baseline', audit: 'restricted' }, workloads: [{ kind: 'Deployment', name: 'web', template: 'plain', pods: ['plain'] }] },
      { name: 'warned', labels: { enforce: 'baseline', warn: 'baseline' }, workloads: [{ kind: 'Deployment', name: 'web', template: 'plain', pods: ['plain'] }] },
    ]);
    const channel = await createChannel(prisma, scope.orgId, 'webhook', { url: hook.url, secret: SECRET });
    await createRule(prisma, scope.orgId, { trigger: 'privileged_namespace', channelIds: [channel] });
    const ruleCreated = new Date(START.getTime() - HOUR);
    await createRule(prisma, scope.orgId, { trigger: 'new_violation', channelIds: [channel], createdAt: ruleCreated });
    const workloads = await withTenant(prisma, scope.orgId, (tx) => tx.workload.findMany({ where: { orgId: scope.orgId }, include: { namespace: true } }));
    await withTenant(prisma, scope.orgId, async (tx) => {
      for (const w of workloads) {
        // audited: a restricted finding first seen after the rule (new) and one from before it (old).
        for (const [checkId, firstSeenAt] of [
          ['runAsNonRoot', START],
          ['seccompProfile_restricted', new Date(ruleCreated.getTime() - HOUR)],
        ] as const) {
          await tx.finding.create({
            data: {
              orgId: scope.orgId,
              clusterId: scope.clusterId,
              namespaceId: w.namespaceId,
              workloadId: w.id,
              fingerprint: `${w.namespace.name}:${checkId}`,
              namespaceName: w.namespace.name,
              workloadKind: w.kind,
              workloadName: w.name,
              level: 'restricted',
              version: 'latest',
              checkId,
              message: `${checkId} fails`,
              firstSeenAt,
            },
          });
        }
      }
    });
    await harness.evaluate(scope);

    const sent = messages(hook);
    const byTrigger = new Map(sent.map((m) => [m.rule!.trigger, m]));
    expect(byTrigger.get('privileged_namespace')!.firing.map((a) => a.namespace).sort()).toEqual(['legacy', 'unlabeled']);
    // warned: warn=baseline does not report a restricted violation; the old finding predates the rule.
    expect(byTrigger.get('new_violation')!.firing.map((a) => [a.namespace, a.detail['checkId'], a.severity])).toEqual([['audited', 'runAsNonRoot', 'info']]);
  });

  it('evaluates after the readiness job recomputes readiness (the hook in the worker)', async () => {
    const harness = await startHarness();
    const hook = await receiver({ secret: SECRET });
    const { scope } = await createAlertCluster(prisma, [{ name: 'edge', labels: { enforce: 'baseline' }, workloads: [{ kind: 'DaemonSet', name: 'node-agent', template: 'hostNetwork', pods: ['hostNetwork'] }] }]);
    const channel = await createChannel(prisma, scope.orgId, 'webhook', { url: hook.url, secret: SECRET });
    await createRule(prisma, scope.orgId, { trigger: 'namespace_at_risk', channelIds: [channel] });

    const prefix = newPrefix();
    const producerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
    await producerConnection.connect();
    const producer = new JobProducer(producerConnection, { prefix });
    const queue = new Queue(JOB_QUEUE, { connection: redis, prefix });
    queues.push(queue);
    const worker = startWorkerRuntime({
      prisma,
      connection: redis,
      logger,
      metrics: new WorkerMetrics({ defaultMetrics: false }),
      concurrency: 1,
      prefix,
      now,
      onClusterChanged: (changed) => harness.runtime.producer.evaluate(changed.orgId, changed.clusterId),
    });
    try {
      const payload = { version: 2 as const, orgId: scope.orgId, clusterId: scope.clusterId };
      await producer.enqueue(JOB_NAMES.evaluateProjections, payload);
      await producer.enqueue(JOB_NAMES.recomputeReadiness, payload);
      const deadline = Date.now() + 10_000;
      while (hook.received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    } finally {
      await worker.close();
      await producer.close();
    }
    await harness.settle();
    const sent = messages(hook);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.firing.map((a) => [a.namespace, a.level])).toEqual([['edge', 'baseline']]);
  });
});

describe('agent silence', () => {
  it('registers the schedule:alert-agent-silence job scheduler and fires for a silent agent, then resolves when it is heard again', async () => {
    const prefix = newPrefix();
    const runtime = await startAlertRuntime({ prisma, connection: redis, logger, concurrency: 2, allowedHosts: ['127.0.0.1'], prefix, now, resolver });
    closers.push(() => runtime.close());
    const { queue, settle } = alertQueue(redis, prefix);
    queues.push(queue);
    expect((await queue.getJobSchedulers()).map((s) => [s.key, s.name, s.every])).toEqual([[ALERT_AGENT_SILENCE_SCHEDULER_ID, 'alert-agent-silence', 60_000]]);
    // Its next tick is a minute away in real time: the test runs the ticks itself, on the injected clock.
    await queue.removeJobScheduler(ALERT_AGENT_SILENCE_SCHEDULER_ID);
    await queue.drain(true);

    const hook = await receiver({ secret: SECRET });
    const { scope } = await createAlertCluster(prisma, namespaces('a'));
    const never = await withTenant(prisma, scope.orgId, (tx) => tx.cluster.create({ data: { orgId: scope.orgId, name: 'never-installed' } }));
    const channel = await createChannel(prisma, scope.orgId, 'webhook', { url: hook.url, secret: SECRET });
    await createRule(prisma, scope.orgId, { trigger: 'agent_silent', silentMinutes: 10, channelIds: [channel] });
    const seen = (at: Date) => withTenant(prisma, scope.orgId, (tx) => tx.cluster.update({ where: { orgId_id: { orgId: scope.orgId, id: scope.clusterId } }, data: { lastSeenAt: at } }));
    await seen(START);
    const tick = async () => {
      await runtime.producer.queue.add('alert-agent-silence', { version: 1 });
      await settle();
    };

    clock = new Date(START.getTime() + 9 * MINUTE);
    await tick();
    expect(hook.received).toHaveLength(0);
    clock = new Date(START.getTime() + 12 * MINUTE);
    await tick();
    await tick();
    expect(messages(hook).map((m) => [m.severity, m.cluster?.name, m.firing.length])).toEqual([['critical', 'prod-eu', 1]]);
    expect(messages(hook)[0]!.firing[0]!.summary).toContain('silent for 12 minutes');

    await seen(new Date(START.getTime() + 13 * MINUTE));
    clock = new Date(START.getTime() + 14 * MINUTE);
    await tick();
    expect(messages(hook)[1]!.resolved.map((a) => a.fingerprint)).toEqual([`agent_silent:${scope.clusterId}`]);
    expect(JSON.stringify(messages(hook))).not.toContain(never.id);
  });
  it('sends, at the next tick, a delivery whose enqueue was lost after its evaluation committed', async () => {
    const harness = await startHarness();
    const hook = await receiver({ secret: SECRET });
    const { scope } = await createAlertCluster(prisma, namespaces('shop'));
    const channel = await createChannel(prisma, scope.orgId, 'webhook', { url: hook.url, secret: SECRET });
    const rule = await createRule(prisma, scope.orgId, { trigger: 'namespace_at_risk', channelIds: [channel] });
    const message: AlertMessage = {
      version: 1,
      kind: 'notification',
      organizationId: scope.orgId,
      rule: { id: rule, name: 'at risk', trigger: 'namespace_at_risk' },
      cluster: { id: scope.clusterId, name: 'prod-eu' },
      severity: 'critical',
      firing: [],
      resolved: [],
      generatedAt: START.toISOString(),
    };
    // As an evaluation leaves it when Redis fails between its commit and the enqueue: pending, never attempted.
    await withTenant(prisma, scope.orgId, (tx) =>
      tx.alertDelivery.create({ data: { orgId: scope.orgId, ruleId: rule, channelId: channel, clusterId: scope.clusterId, dedupKey: 'lost', severity: 'critical', payload: message as unknown as Prisma.InputJsonObject } }),
    );
    await harness.runtime.producer.queue.add('alert-agent-silence', { version: 1 });
    await harness.settle();
    expect(messages(hook).map((m) => m.rule?.id)).toEqual([rule]);
    expect((await deliveriesOf(scope.orgId)).map((d) => [d.status, d.attempts])).toEqual([['delivered', 1]]);
  });
});

describe('job contracts', () => {
  it('fails a job whose payload its contract refuses at once, without retries', async () => {
    const harness = await startHarness();
    const job = await harness.runtime.producer.queue.add('deliver-alert', { version: 1, orgId: 'not-a-uuid', deliveryId: randomUUID() }, { attempts: 5 });
    await harness.settle();
    const failed = await harness.runtime.producer.queue.getJob(job.id!);
    expect([await failed!.getState(), failed!.attemptsMade, failed!.failedReason]).toEqual(['failed', 1, expect.stringContaining('invalid deliver-alert payload: orgId')]);
  });
});

describe('channels', () => {
  let smtp: SmtpReceiver;
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
  });
  afterAll(async () => {
    await smtp.close();
  });

  it('sends Block Kit to a Slack-shaped receiver, an Adaptive Card to a Teams-shaped one, and an email over SMTP', async () => {
    const harness = await startHarness();
    const slack = await receiver({ validate: slackShape });
    const teams = await receiver({ validate: teamsShape, okStatus: 202, okBody: '' });
    const { scope, ids } = await createAlertCluster(prisma, namespaces(...Array.from({ length: 60 }, (_, i) => `ns-${i}`)));
    const slackChannel = await createChannel(prisma, scope.orgId, 'slack', { webhookUrl: `${slack.url}/services/T000/B000/XXXX` });
    const teamsChannel = await createChannel(prisma, scope.orgId, 'teams', { webhookUrl: `${teams.url}/workflows/abc/triggers/manual/paths/invoke?sig=s3cr3t` });
    const emailChannel = await createChannel(prisma, scope.orgId, 'email', { host: smtp.host, port: smtp.port, security: 'none', from: 'ratchet@example.test', to: ['oncall@example.test'] });
    await createRule(prisma, scope.orgId, { trigger: 'namespace_ready', level: 'baseline', channelIds: [slackChannel, teamsChannel, emailChannel] });
    await setReadiness(prisma, scope, ids, 'baseline', Object.fromEntries([...ids.keys()].map((n) => [n, { status: 'ready' as const }])), clock);
    await harness.evaluate(scope);

    expect(slack.received.map((r) => [r.path, r.status])).toEqual([['/services/T000/B000/XXXX', 200]]);
    const blocks = (slack.received[0]!.json as { blocks: { type: string; text?: { text: string } }[] }).blocks;
    expect(blocks[0]!.type).toBe('header');
    expect(blocks.map((b) => b.text?.text ?? '').join('\n')).toContain('… and 20 more');
    expect(teams.received.map((r) => r.status)).toEqual([202]);
    expect(JSON.stringify(teams.received[0]!.json)).toContain('kubectl label --overwrite namespace ns-0');
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['oncall@example.test']);
    expect(smtp.received[0]!.raw).toMatch(/Subject: \[info\] namespace_ready-\w+ \(ready to enforce\) on prod-eu: 60\s+firing/);
    expect(smtp.received[0]!.raw).toContain(`Date: ${START.toUTCString().replace('GMT', '+0000')}`);
    const deliveries = await deliveriesOf(scope.orgId);
    expect(deliveries.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(deliveries.find((d) => d.channelId === emailChannel)!.responseCode).toBe(250);
  });

  it('refuses at send a host whose DNS answer changed to a private address after it was checked at save', async () => {
    const harness = await startHarness({ deliveryAttempts: 1 });
    const { scope, ids } = await createAlertCluster(prisma, namespaces('shop'));
    dns.set('hooks.rebind.test', '93.184.215.14');
    // What the API does at save: the host resolves to a public address, so the channel is accepted.
    await expect(pinOutboundHost('hooks.rebind.test', outboundPolicy([], resolver))).resolves.toMatchObject({ address: '93.184.215.14' });
    const channel = await createChannel(prisma, scope.orgId, 'webhook', { url: 'http://hooks.rebind.test:9/ratchet', secret: SECRET });
    await createRule(prisma, scope.orgId, { trigger: 'namespace_ready', channelIds: [channel] });
    // Then the DNS answer changes to the metadata service's address.
    dns.set('hooks.rebind.test', '169.254.169.254');
    await setReadiness(prisma, scope, ids, 'baseline', { shop: { status: 'ready' } }, clock);
    await harness.evaluate(scope);

    const [delivery] = await deliveriesOf(scope.orgId);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, responseCode: null });
    expect(delivery!.lastError).toBe('hooks.rebind.test is refused as an alert destination: 169.254.169.254 is in the linkLocal range (ipv4); add the host to RATCHET_ALERT_ALLOWED_HOSTS to allow it');
  });
});
