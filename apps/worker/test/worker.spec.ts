import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Prisma, createPrismaClient, markClusterInventory, markInventory, withTenant, type ClusterScope, type PrismaClient } from '@ratchet/db';
import { JOB_NAMES, JOB_QUEUE, JobProducer } from '@ratchet/jobs';
import { evaluatePod, type PodLike } from '@ratchet/pss';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';

import { WorkerMetrics } from '../src/infra/metrics.js';
import { ClusterJobsService } from '../src/processors/cluster-jobs.service.js';
import { startWorkerRuntime } from '../src/worker.runtime.js';
import { PROJECTIONS, createOrganization, seedAuditViolation, seedCluster, type NamespaceSpec } from './support/synthetic-cluster.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const REDIS_URL = process.env['RATCHET_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** The injected clock: every job of a test runs "now" here. */
const NOW = new Date('2026-11-30T12:00:00.000Z');
/** When the seeded inventory was observed (the batches' observedAt). */
const OBSERVED = new Date('2026-11-30T11:00:00.000Z');
const DAY = 86_400_000;

const NAMESPACES: NamespaceSpec[] = [
  // No labels: effective version latest = the cluster's release (v1.30), where net.ipv4.tcp_rmem is not allowed.
  { name: 'tuning', workloads: [{ kind: 'Deployment', name: 'tuned', template: 'tcpTuned', pods: ['tcpTuned', 'tcpTuned'] }] },
  // Pinned at v1.32, where it is allowed.
  { name: 'tuning-132', labels: { enforceVersion: 'v1.32' }, workloads: [{ kind: 'Deployment', name: 'tuned', template: 'tcpTuned', pods: ['tcpTuned'] }] },
  // Already enforces baseline; a DaemonSet fails it: at risk.
  { name: 'edge', labels: { enforce: 'baseline' }, workloads: [{ kind: 'DaemonSet', name: 'node-agent', template: 'hostNetwork', pods: ['hostNetwork'] }] },
  // Ready for baseline, blocked for restricted; a scaled-to-zero workload counts by its template.
  {
    name: 'web',
    labels: { audit: 'restricted', auditVersion: 'v1.25' },
    workloads: [
      { kind: 'Deployment', name: 'frontend', template: 'plain', pods: ['plain'] },
      { kind: 'CronJob', name: 'report', template: 'plain', pods: [] },
    ],
  },
  { name: 'clean', workloads: [{ kind: 'StatefulSet', name: 'db', template: 'hardened', pods: ['hardened'] }] },
  { name: 'audited', workloads: [{ kind: 'Deployment', name: 'api', template: 'hardened', pods: ['hardened'] }] },
  { name: 'dry-run-only', workloads: [] },
  { name: 'expired-audit', workloads: [] },
];

let database: TestDatabase;
let prisma: PrismaClient;
let redis: Redis;
let orgId: string;
const logger = pino({ level: 'silent' });
/** The private queues of this file, removed from the shared Redis afterwards. */
const queues: Queue[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ connectionString: database.url, poolSize: 4 });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  orgId = await createOrganization(prisma, 7);
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

async function seedAudits(scope: ClusterScope): Promise<void> {
  await seedAuditViolation(prisma, scope, 'audited', new Date(NOW.getTime() - 2 * DAY), { unparsed: true });
  await seedAuditViolation(prisma, scope, 'dry-run-only', new Date(NOW.getTime() - DAY), { dryRun: true });
  await seedAuditViolation(prisma, scope, 'expired-audit', new Date(NOW.getTime() - 8 * DAY));
}

/** Runs the worker on a private queue prefix until the enqueued jobs are done. */
async function runJobs(jobs: (producer: JobProducer, queue: Queue) => Promise<void>, now: () => Date = () => NOW): Promise<Queue> {
  const prefix = `ratchet-worker-test-${randomBytes(6).toString('hex')}`;
  const producerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
  await producerConnection.connect();
  const producer = new JobProducer(producerConnection, { prefix });
  const queue = new Queue(JOB_QUEUE, { connection: redis, prefix });
  queues.push(queue);
  const worker: Worker = startWorkerRuntime({ prisma, connection: redis, logger, metrics: new WorkerMetrics({ defaultMetrics: false }), concurrency: 2, prefix, now });
  try {
    await jobs(producer, queue);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'completed', 'failed');
      const n = (state: string) => counts[state] ?? 0;
      if (n('wait') + n('active') + n('delayed') + n('prioritized') === 0 && n('completed') + n('failed') > 0) break;
      if (Date.now() > deadline) throw new Error(`jobs not done: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await worker.close();
    // The producer owns its connection and closes it.
    await producer.close();
  }
  return queue;
}

async function enqueueCluster(producer: JobProducer, scope: ClusterScope): Promise<void> {
  const payload = { version: 2 as const, orgId: scope.orgId, clusterId: scope.clusterId };
  await producer.enqueue(JOB_NAMES.evaluateProjections, payload);
  await producer.enqueue(JOB_NAMES.recomputeReadiness, payload);
}

/** Findings, readiness and marks of a cluster by names, comparable across clusters. */
async function clusterState(scope: ClusterScope) {
  return withTenant(prisma, scope.orgId, async (tx) => {
    const findings = await tx.finding.findMany({ where: { orgId: scope.orgId, clusterId: scope.clusterId } });
    const readiness = await tx.namespaceReadiness.findMany({ where: { orgId: scope.orgId, clusterId: scope.clusterId }, include: { namespace: true } });
    const marks = await tx.inventoryMark.count({ where: { orgId: scope.orgId, clusterId: scope.clusterId } });
    return {
      findings: findings
        .map((f) => ({
          ns: f.namespaceName,
          workload: `${f.workloadKind}/${f.workloadName}`,
          level: f.level,
          version: f.version,
          check: f.checkId,
          status: f.status,
          message: f.message,
          detail: f.detail,
          firstSeenAt: f.firstSeenAt.toISOString(),
          lastSeenAt: f.lastSeenAt.toISOString(),
          resolvedAt: f.resolvedAt?.toISOString() ?? null,
        }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      readiness: readiness
        .map((r) => ({
          ns: r.namespace.name,
          level: r.level,
          version: r.version,
          status: r.status,
          atRisk: r.atRisk,
          blocking: (r.blockingWorkloads as { kind: string; name: string; checks: string[] }[]).map((b) => `${b.kind}/${b.name}:${b.checks.join('+')}`),
          audit: r.auditViolationCount,
          windowDays: r.windowDays,
          computedAt: r.computedAt.toISOString(),
        }))
        .sort((a, b) => `${a.ns}.${a.level}`.localeCompare(`${b.ns}.${b.level}`)),
      marks,
    };
  });
}

function readinessOf(state: Awaited<ReturnType<typeof clusterState>>, ns: string, level: string) {
  return state.readiness.find((r) => r.ns === ns && r.level === level);
}

describe('worker', () => {
  let v130: ClusterScope;

  beforeAll(async () => {
    // Observed an hour before the worker's clock: findings are dated by the observation, not by the worker.
    v130 = await seedCluster(prisma, orgId, 'v130', 'v1.30.4-eks-a737599', NAMESPACES, OBSERVED);
    await seedAudits(v130);
    await runJobs((producer) => enqueueCluster(producer, v130));
  });

  it('blocks baseline on a v1.30 cluster for a pod setting net.ipv4.tcp_rmem, which v1.32 allows', async () => {
    // The evaluator's own verdict on the same pod, the reference the worker must agree with.
    expect(evaluatePod(PROJECTIONS.tcpTuned as PodLike, 'baseline', 'v1.30').checks.map((c) => c.id)).toEqual(['sysctls']);
    expect(evaluatePod(PROJECTIONS.tcpTuned as PodLike, 'baseline', 'v1.32').allowed).toBe(true);

    const state = await clusterState(v130);
    expect(readinessOf(state, 'tuning', 'baseline')).toMatchObject({ version: 'latest', status: 'blocked', atRisk: false, blocking: ['Deployment/tuned:sysctls'] });
    expect(readinessOf(state, 'tuning-132', 'baseline')).toMatchObject({ version: 'v1.32', status: 'ready', blocking: [] });
    const sysctl = state.findings.filter((f) => f.ns === 'tuning' && f.check === 'sysctls');
    expect(sysctl).toEqual([
      expect.objectContaining({
        workload: 'Deployment/tuned',
        level: 'baseline',
        version: 'latest',
        status: 'open',
        message: 'forbidden sysctls (net.ipv4.tcp_rmem)',
        detail: { template: true, pods: ['tuned-0', 'tuned-1'], failingPods: 2, details: ['net.ipv4.tcp_rmem'], injectedContainers: [] },
        firstSeenAt: OBSERVED.toISOString(),
        lastSeenAt: OBSERVED.toISOString(),
      }),
      expect.objectContaining({ workload: 'Deployment/tuned', level: 'restricted', version: 'latest', status: 'open' }),
    ]);
  });

  it('reports a namespace enforcing baseline with a DaemonSet failing it as at risk, not unknown', async () => {
    const state = await clusterState(v130);
    expect(readinessOf(state, 'edge', 'baseline')).toMatchObject({ status: 'blocked', atRisk: true, blocking: ['DaemonSet/node-agent:hostNamespaces'] });
    // It does not enforce restricted: blocked there, not at risk.
    expect(readinessOf(state, 'edge', 'restricted')).toMatchObject({ status: 'blocked', atRisk: false });
  });

  it('agrees with libs/pss for every namespace and level, templates of scaled-to-zero workloads included', async () => {
    const state = await clusterState(v130);
    for (const ns of NAMESPACES) {
      for (const level of ['baseline', 'restricted'] as const) {
        const version = ns.labels?.enforceVersion ?? 'v1.30';
        const expected = ns.workloads
          .map((w) => {
            const checks = new Set([w.template, ...w.pods].flatMap((p) => evaluatePod(PROJECTIONS[p] as PodLike, level, version).checks.map((c) => c.id)));
            return checks.size === 0 ? null : `${w.kind}/${w.name}:${[...checks].sort().join('+')}`;
          })
          .filter((b) => b !== null)
          .sort();
        expect({ ns: ns.name, level, blocking: readinessOf(state, ns.name, level)!.blocking.sort() }).toEqual({ ns: ns.name, level, blocking: expected });
      }
    }
    expect(readinessOf(state, 'web', 'baseline')).toMatchObject({ status: 'ready' });
    expect(readinessOf(state, 'web', 'restricted')!.blocking).toContain(
      'CronJob/report:allowPrivilegeEscalation+capabilities_restricted+runAsNonRoot+seccompProfile_restricted',
    );
    expect(readinessOf(state, 'clean', 'restricted')).toMatchObject({ status: 'ready', blocking: [], audit: 0 });
    // Findings exist at the namespace's pinned audit version as well as at latest.
    expect(state.findings.filter((f) => f.ns === 'web' && f.workload === 'Deployment/frontend').map((f) => f.version)).toEqual(
      expect.arrayContaining(['latest', 'v1.25']),
    );
    expect(state.marks).toBe(0);
  });

  it('blocks on audit violations inside the window, unparsed ones included, never on dry runs or older ones', async () => {
    const state = await clusterState(v130);
    expect(readinessOf(state, 'audited', 'baseline')).toMatchObject({ status: 'blocked', blocking: [], audit: 1, windowDays: 7 });
    expect(readinessOf(state, 'audited', 'restricted')).toMatchObject({ status: 'blocked', audit: 1 });
    expect(readinessOf(state, 'dry-run-only', 'baseline')).toMatchObject({ status: 'ready', audit: 0 });
    expect(readinessOf(state, 'expired-audit', 'baseline')).toMatchObject({ status: 'ready', audit: 0 });
  });

  it('re-evaluates readiness for ingested audit events by namespace name (ingest-audit-events)', async () => {
    await seedAuditViolation(prisma, v130, 'clean', new Date(NOW.getTime() - DAY), { level: 'restricted' });
    await runJobs((producer) =>
      producer.enqueue(JOB_NAMES.ingestAuditEvents, { version: 2, orgId, clusterId: v130.clusterId, batchId: crypto.randomUUID(), namespaces: ['clean'] }),
    );
    const state = await clusterState(v130);
    // A restricted violation blocks restricted only.
    expect(readinessOf(state, 'clean', 'restricted')).toMatchObject({ status: 'blocked', audit: 1 });
    expect(readinessOf(state, 'clean', 'baseline')).toMatchObject({ status: 'ready', audit: 0 });
  });

  it('is unknown at latest before the first heartbeat, and for a namespace the agent has not reported', async () => {
    const silent = await seedCluster(prisma, orgId, 'silent', null, [NAMESPACES[0]!, NAMESPACES[1]!]);
    await runJobs((producer) => enqueueCluster(producer, silent));
    const state = await clusterState(silent);
    expect(readinessOf(state, 'tuning', 'baseline')).toMatchObject({ version: 'latest', status: 'unknown' });
    // A pinned version needs no heartbeat.
    expect(readinessOf(state, 'tuning-132', 'restricted')).toMatchObject({ version: 'v1.32', status: 'ready' });
    // No finding at latest while it is unknown.
    expect(state.findings.filter((f) => f.version === 'latest')).toEqual([]);

    // The first heartbeat: the API marks the whole cluster (markClusterInventory), and latest becomes the release.
    await withTenant(prisma, orgId, async (tx) => {
      await tx.cluster.update({ where: { orgId_id: { orgId, id: silent.clusterId } }, data: { kubernetesVersion: 'v1.30.2' } });
      await markClusterInventory(tx, silent);
    });
    await runJobs((producer) => enqueueCluster(producer, silent));
    const after = await clusterState(silent);
    expect(readinessOf(after, 'tuning', 'baseline')).toMatchObject({ version: 'latest', status: 'blocked', blocking: ['Deployment/tuned:sysctls'] });
    expect(after.findings.filter((f) => f.ns === 'tuning' && f.version === 'latest' && f.level === 'baseline').map((f) => f.check)).toEqual(['sysctls']);

    // A placeholder namespace (objects in it arrived before the namespace itself) on a cluster that did send a heartbeat.
    await withTenant(prisma, orgId, async (tx) => {
      await tx.namespace.create({ data: { orgId, clusterId: v130.clusterId, name: 'ghost' } });
      await markInventory(tx, v130, { namespaceNames: ['ghost'] });
    });
    await runJobs((producer) => producer.enqueue(JOB_NAMES.recomputeReadiness, { version: 2, orgId, clusterId: v130.clusterId }));
    expect(readinessOf(await clusterState(v130), 'ghost', 'baseline')).toMatchObject({ status: 'unknown', version: 'latest' });
  });

  it('evaluates a projection once per level@version however many pods share it', async () => {
    const rows = await withTenant(prisma, orgId, (tx) => tx.projectionEvaluation.findMany({ where: { orgId } }));
    const keys = rows.map((r) => `${r.projectionId}.${r.level}@${r.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(rows.every((r) => /^v1\.\d+$/.test(r.version))).toBe(true);
    const pending = await withTenant(prisma, orgId, (tx) => tx.securityProjection.count({ where: { orgId, evaluatedAt: null } }));
    expect(pending).toBe(0);
  });

  it('fails a job whose payload breaks its contract for good, naming the field', async () => {
    const queue = await runJobs(async (_producer, raw) => {
      // Added bypassing JobProducer, which would refuse it: as a job written by an older or broken producer.
      await raw.add(JOB_NAMES.recomputeReadiness, { version: 2, orgId: 'not-a-uuid', clusterId: v130.clusterId }, { attempts: 5 });
    });
    const [failed] = await queue.getFailed();
    expect(failed!.attemptsMade).toBe(1);
    expect(failed!.failedReason).toMatch(/orgId/);
  });

  describe("readiness decided with the cluster's PSA configuration and the organization's settings", () => {
    const BASELINE_DEFAULTS = {
      defaults: { enforce: 'baseline', 'enforce-version': 'v1.30', audit: 'privileged', 'audit-version': 'latest', warn: 'privileged', 'warn-version': 'latest' },
      exemptions: { usernames: ['ci-bot'], runtimeClasses: ['kata'], namespaces: ['istio-system'] },
    };
    const CONFIGURED: NamespaceSpec[] = [
      // Unlabeled: the cluster's defaults enforce baseline at v1.30, so the failing DaemonSet makes it at risk.
      { name: 'unlabeled', workloads: [{ kind: 'DaemonSet', name: 'node-agent', template: 'hostNetwork', pods: ['hostNetwork'] }] },
      // Exempt by the configuration: assessed, never at risk, said to be exempt.
      { name: 'istio-system', workloads: [{ kind: 'DaemonSet', name: 'cni', template: 'hostNetwork', pods: ['hostNetwork'] }] },
      // An invalid enforce label fails closed to restricted (SEMANTICS.md §5): at risk for restricted.
      { name: 'typo', labels: { enforce: 'baseline ' }, workloads: [{ kind: 'Deployment', name: 'web', template: 'plain', pods: ['plain'] }] },
      // A valid label wins over the defaults.
      { name: 'labeled', labels: { enforce: 'privileged' }, workloads: [{ kind: 'DaemonSet', name: 'node-agent', template: 'hostNetwork', pods: [] }] },
      { name: 'quiet', workloads: [{ kind: 'StatefulSet', name: 'db', template: 'hardened', pods: ['hardened'] }] },
      { name: 'young', workloads: [{ kind: 'StatefulSet', name: 'db', template: 'hardened', pods: ['hardened'] }] },
      // Enforces baseline by the defaults; its only failing workload runs in the exempt runtime class `kata`.
      { name: 'sandboxed', workloads: [{ kind: 'Deployment', name: 'vm', template: 'kataPrivileged', pods: ['kataPrivileged'] }] },
    ];
    let scope: ClusterScope;
    let org: string;

    async function setCluster(data: {
      psaConfigurationOverride?: object | typeof Prisma.DbNull;
      psaConfiguration?: object;
      auditSource?: 'webhook' | 'file' | 'none' | null;
    }) {
      await withTenant(prisma, org, async (tx) => {
        await tx.cluster.update({ where: { orgId_id: { orgId: org, id: scope.clusterId } }, data });
        await markClusterInventory(tx, scope);
      });
    }
    const recompute = () => runJobs((producer) => enqueueCluster(producer, scope));
    const stored = (ns: string, level: 'baseline' | 'restricted') =>
      withTenant(prisma, org, (tx) => tx.namespaceReadiness.findFirstOrThrow({ where: { orgId: org, clusterId: scope.clusterId, level, namespace: { name: ns } } }));

    beforeAll(async () => {
      org = await createOrganization(prisma, 7);
      scope = await seedCluster(prisma, org, 'configured', 'v1.31.0', CONFIGURED);
      await withTenant(prisma, org, async (tx) => {
        await tx.namespace.updateMany({ where: { orgId: org, clusterId: scope.clusterId }, data: { firstSeenAt: new Date(NOW.getTime() - 30 * DAY) } });
        await tx.namespace.updateMany({ where: { orgId: org, clusterId: scope.clusterId, name: 'young' }, data: { firstSeenAt: new Date(NOW.getTime() - 2 * DAY) } });
      });
      // An exempt user's violation (PSA would not have recorded it) and violations in the exempt namespace.
      await seedAuditViolation(prisma, scope, 'quiet', new Date(NOW.getTime() - DAY), { username: 'ci-bot', enforcePolicy: 'baseline:v1.30' });
      await seedAuditViolation(prisma, scope, 'quiet', new Date(NOW.getTime() - DAY), { username: 'alice', impersonatedUsername: 'ci-bot', enforcePolicy: 'baseline:v1.30' });
      await seedAuditViolation(prisma, scope, 'istio-system', new Date(NOW.getTime() - DAY));
      // The apiserver said it enforced privileged in `unlabeled`: the configuration given to Ratchet says baseline.
      await seedAuditViolation(prisma, scope, 'unlabeled', new Date(NOW.getTime() - 3 * DAY), { enforcePolicy: 'baseline:v1.30' });
      await seedAuditViolation(prisma, scope, 'unlabeled', new Date(NOW.getTime() - DAY), { enforcePolicy: 'privileged:latest' });
      await setCluster({ psaConfigurationOverride: BASELINE_DEFAULTS, psaConfiguration: { ...BASELINE_DEFAULTS, defaults: { ...BASELINE_DEFAULTS.defaults, enforce: 'restricted' } }, auditSource: 'webhook' });
      await recompute();
    });

    it("makes an unlabeled namespace at risk when the cluster's defaults enforce baseline, at the default enforce-version", async () => {
      expect(await stored('unlabeled', 'baseline')).toMatchObject({ version: 'v1.30', status: 'blocked', atRisk: true, enforceLevel: 'baseline', enforceSource: 'default' });
      // Restricted is not enforced there.
      expect(await stored('unlabeled', 'restricted')).toMatchObject({ version: 'v1.30', status: 'blocked', atRisk: false });
      // A valid label wins over the defaults.
      expect(await stored('labeled', 'baseline')).toMatchObject({ version: 'v1.30', status: 'blocked', atRisk: false, enforceLevel: 'privileged', enforceSource: 'label' });
    });

    it('does not evaluate pods and templates of an exempt runtime class against enforce', async () => {
      // libs/pss alone rejects the pod; PSA's runtime-class exemption lets it through.
      expect(evaluatePod(PROJECTIONS.kataPrivileged as PodLike, 'baseline', 'v1.30').checks.map((c) => c.id)).toEqual(['privileged']);
      expect(await stored('sandboxed', 'baseline')).toMatchObject({ status: 'ready', atRisk: false, blockingWorkloads: [] });
    });

    it("keeps findings at the cluster's default enforce-version, where readiness is decided, beside latest", async () => {
      const versions = await withTenant(prisma, org, (tx) =>
        tx.finding.findMany({ where: { orgId: org, clusterId: scope.clusterId, namespaceName: 'unlabeled', level: 'baseline' }, select: { version: true, checkId: true } }),
      );
      expect(versions.map((f) => `${f.version}:${f.checkId}`).sort()).toEqual(['latest:hostNamespaces', 'v1.30:hostNamespaces']);
    });

    it('fails an invalid enforce label closed to restricted', async () => {
      expect(await stored('typo', 'restricted')).toMatchObject({ status: 'blocked', atRisk: true, enforceLevel: 'restricted', enforceSource: 'fallback', version: 'v1.30' });
    });

    it('says an exempt namespace is exempt and never at risk, whatever its workloads', async () => {
      expect(await stored('istio-system', 'baseline')).toMatchObject({ status: 'blocked', atRisk: false, exempt: true, enforceSource: 'exempt' });
    });

    it("leaves out audit violations of exempt users (impersonated ones included) and flags what contradicts the configuration", async () => {
      const quiet = await stored('quiet', 'restricted');
      expect(quiet).toMatchObject({ status: 'ready', auditViolationCount: 0 });
      expect(quiet.psaContradictions).toEqual([
        { namespace: 'quiet', kind: 'exempt-username', expected: 'ci-bot exempt (exemptions.usernames)', observed: 'ci-bot', events: 2, lastSeenAt: new Date(NOW.getTime() - DAY).toISOString() },
      ]);
      expect((await stored('istio-system', 'baseline')).psaContradictions).toEqual([
        expect.objectContaining({ namespace: 'istio-system', kind: 'exempt-namespace', events: 1 }),
      ]);
      // Only the newest enforce-policy counts: the older one agreed.
      expect((await stored('unlabeled', 'baseline')).psaContradictions).toEqual([
        { namespace: 'unlabeled', kind: 'enforce-policy', expected: 'baseline:v1.30', observed: 'privileged:latest', events: 1, lastSeenAt: new Date(NOW.getTime() - DAY).toISOString() },
      ]);
      expect((await stored('typo', 'baseline')).psaContradictions).toEqual([]);
    });

    it("is provisional while observed for less than the organization's window or without an audit source", async () => {
      expect(await stored('quiet', 'baseline')).toMatchObject({ status: 'ready', provisional: false, auditSource: 'webhook', observedSince: new Date(NOW.getTime() - 30 * DAY) });
      expect(await stored('young', 'baseline')).toMatchObject({ status: 'ready', provisional: true, windowDays: 7 });
      // A blocked verdict is never provisional.
      expect(await stored('unlabeled', 'baseline')).toMatchObject({ provisional: false });

      // The organization's window, not a constant: with one day, `young` is firm.
      await withTenant(prisma, org, (tx) => tx.organization.update({ where: { id: org }, data: { readinessWindowDays: 1 } }));
      await setCluster({});
      await recompute();
      expect(await stored('young', 'baseline')).toMatchObject({ status: 'ready', provisional: false, windowDays: 1 });

      // No audit source (a managed cluster): every ready is provisional.
      await setCluster({ auditSource: 'none' });
      await recompute();
      expect(await stored('quiet', 'baseline')).toMatchObject({ status: 'ready', provisional: true, auditSource: 'none' });
    });

    it('goes back to the agent-reported configuration when the API-set one is removed', async () => {
      await setCluster({ psaConfigurationOverride: Prisma.DbNull });
      await recompute();
      // The agent reports restricted defaults: `quiet` (hardened) is fine, `unlabeled` is at risk for restricted too.
      expect(await stored('unlabeled', 'restricted')).toMatchObject({ atRisk: true, enforceLevel: 'restricted' });
    });
  });

  describe('injected containers', () => {
    it("marks failing containers found in running pods but not in the workload's template", async () => {
      const org = await createOrganization(prisma, 7);
      const scope = await seedCluster(prisma, org, 'mesh', 'v1.31.0', [
        { name: 'shop', workloads: [{ kind: 'Deployment', name: 'web', template: 'hardened', pods: ['meshed', 'hardened'] }] },
      ]);
      await runJobs((producer) => enqueueCluster(producer, scope));
      const findings = await withTenant(prisma, org, (tx) => tx.finding.findMany({ where: { orgId: org, clusterId: scope.clusterId, version: 'latest' } }));
      const byCheck = Object.fromEntries(findings.map((f) => [`${f.level}.${f.checkId}`, f.detail as { template: boolean; pods: string[]; injectedContainers: string[] }]));
      // The sidecar is privileged; the template is clean: only the injected container fails.
      expect(byCheck['baseline.privileged']).toEqual(expect.objectContaining({ template: false, pods: ['web-0'], injectedContainers: ['istio-proxy'] }));
      // The debug container fails restricted beside the sidecar.
      expect(byCheck['restricted.allowPrivilegeEscalation']!.injectedContainers).toEqual(['debugger', 'istio-proxy']);
      // libs/pss on the same pod names both containers in the detail the marking reads.
      const reference = evaluatePod(PROJECTIONS.meshed as PodLike, 'restricted', 'v1.31').checks.find((c) => c.id === 'allowPrivilegeEscalation');
      expect(reference?.detail).toContain('"istio-proxy"');
      expect(reference?.detail).toContain('"debugger"');
    });
  });

  describe('idempotent jobs', () => {
    async function remarkEverything(scope: ClusterScope): Promise<void> {
      await withTenant(prisma, orgId, async (tx) => {
        const namespaces = await tx.namespace.findMany({ where: { orgId, clusterId: scope.clusterId }, select: { name: true } });
        const workloads = await tx.workload.findMany({ where: { orgId, clusterId: scope.clusterId }, select: { uid: true } });
        await markInventory(tx, scope, { namespaceNames: namespaces.map((n) => n.name), workloadUids: workloads.map((w) => w.uid) }, OBSERVED);
      });
    }

    it('a job killed mid-way and retried leaves exactly the state of one run, and running it again changes nothing', async () => {
      // Both observed at one time: findings are dated by it, so the two clusters compare equal.
      const single = await seedCluster(prisma, orgId, 'single-run', 'v1.30.1', NAMESPACES, OBSERVED);
      const crashed = await seedCluster(prisma, orgId, 'crashed-run', 'v1.30.1', NAMESPACES, OBSERVED);
      const chunks = { projections: 2, workloads: 2, namespaces: 2 };
      const service = new ClusterJobsService(prisma, () => NOW, chunks);
      await service.evaluateProjections(single);
      await service.recomputeMarkedReadiness(single);
      // clusterState names rows by namespace and workload, never by id: two clusters built alike compare equal.
      const reference = await clusterState(single);
      expect(reference.findings.length).toBeGreaterThan(0);
      expect(reference.marks).toBe(0);

      // The process dies in the third chunk of each job (after two chunks committed), as a SIGKILL mid-job would.
      let calls = 0;
      const dying = new ClusterJobsService(
        prisma,
        () => {
          if (++calls === 3) throw new Error('killed');
          return NOW;
        },
        chunks,
      );
      await expect(dying.evaluateProjections(crashed)).rejects.toThrow('killed');
      calls = 0;
      await expect(dying.recomputeMarkedReadiness(crashed)).rejects.toThrow('killed');
      const partial = await clusterState(crashed);
      expect(partial.marks).toBeGreaterThan(0);
      // BullMQ retries the job: it finishes what the dead one left.
      await service.evaluateProjections(crashed);
      await service.recomputeMarkedReadiness(crashed);
      expect(await clusterState(crashed)).toEqual(reference);

      // The same job run again (everything marked again): the same rows, no duplicates.
      await remarkEverything(crashed);
      await service.evaluateProjections(crashed);
      await service.recomputeMarkedReadiness(crashed);
      expect(await clusterState(crashed)).toEqual(reference);
    });
  });
});
