import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Finding, NamespaceSummary } from '@ratchet/contracts';
import { evaluatePod, violationMessage } from '@ratchet/pss';
import pg from 'pg';

import {
  PROJECTIONS,
  auditEvent,
  delta,
  expectedOpenFindings,
  expectedReadiness,
  generatedNamespaces,
  namespace,
  resyncChunks,
  withReplicaSets,
  workload,
  type AuditEventSpec,
  type ClusterModel,
  type ExpectedReadiness,
} from '../support/agent-cluster.js';
import { startPipelineStack, waitForIdle, type PipelineStack } from '../support/pipeline.js';

// The whole pipeline through its real processes: the built API and worker, a private redis-server, a fresh
// database. A synthetic cluster goes in over HTTP as the agent sends it (heartbeat, a resync in chunks, deltas,
// audit events); once every job is done, readiness and findings read back over HTTP (and from the tables) must be
// exactly what libs/pss says of the same pods and templates, evaluated here on its own.
// Needs the built apps: npx nx run-many -t build -p @ratchet/api @ratchet/worker.

const DAY = 86_400_000;
const WINDOW_DAYS = 7;

const SPECIAL = [
  // No labels: latest = the cluster's release (v1.30), where net.ipv4.tcp_rmem is not a safe sysctl.
  namespace('tuning', {}, [workload('tuning', 'Deployment', 'tuned', 'tcpTuned', ['tcpTuned', 'tcpTuned'])]),
  // Pinned at v1.32, which allows it.
  namespace('tuning-132', { enforceVersion: 'v1.32' }, [workload('tuning-132', 'Deployment', 'tuned', 'tcpTuned', ['tcpTuned'])]),
  // Enforces baseline, and a DaemonSet fails it: at risk.
  namespace('edge', { enforce: 'baseline' }, [workload('edge', 'DaemonSet', 'node-agent', 'hostNetwork', ['hostNetwork'])]),
  // A CronJob with no pods counts by its template.
  namespace('web', { audit: 'restricted', auditVersion: 'v1.25' }, [
    workload('web', 'Deployment', 'frontend', 'plain', ['plain']),
    workload('web', 'CronJob', 'report', 'plain', []),
  ]),
  // A hardened template whose running pods carry an injected sidecar: the pods fail restricted.
  namespace('mesh', {}, [workload('mesh', 'Deployment', 'api', 'hardened', ['meshInjected', 'meshInjected'])]),
  namespace('audited', {}, [workload('audited', 'Deployment', 'api', 'hardened', ['hardened'])]),
  namespace('dry-run-only', {}, [workload('dry-run-only', 'Deployment', 'api', 'hardened', ['hardened'])]),
  namespace('expired-audit', {}, [workload('expired-audit', 'Deployment', 'api', 'hardened', ['hardened'])]),
  namespace('unparsed', { enforce: 'baseline' }, [workload('unparsed', 'Deployment', 'api', 'hardened', ['hardened'])]),
  namespace('controller', {}, [workload('controller', 'Deployment', 'api', 'hardened', ['hardened'])]),
  // A Deployment with the ReplicaSet its rollout made: a violation reported on the ReplicaSet belongs to the Deployment.
  namespace('rollout', {}, [withReplicaSets(workload('rollout', 'Deployment', 'api', 'hardened', ['hardened']), ['api-5d9f8'])]),
  // Its only workload is deleted by a delta: findings resolve, the namespace becomes ready.
  namespace('going', { enforce: 'restricted' }, [workload('going', 'Deployment', 'legacy', 'privileged', ['privileged'])]),
];

const CLUSTER: ClusterModel = { kubernetesVersion: 'v1.30.4-eks-a737599', namespaces: [...SPECIAL, ...generatedNamespaces(60, 3, 2)] };

/** When the audit events were made: the worker's clock is the real one, so times are relative to it. */
let now: Date;
let audits: AuditEventSpec[];
let stack: PipelineStack;

beforeAll(async () => {
  stack = await startPipelineStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function readinessFromApi(): Promise<Map<string, NamespaceSummary>> {
  const items = await stack.client.list<NamespaceSummary>(`/api/v1/namespaces?clusterId=${stack.tenant.clusterId}`);
  return new Map(items.map((ns) => [ns.name, ns]));
}

interface StoredBlockingWorkload {
  kind: string;
  name: string;
  checks: string[];
  audit?: { source: string; violations: number; checks: string[] };
}

/** `Kind/name:checks`, with ` audit(checks)x<n>` for the audit part: the shape `expectedReadiness` writes. */
function blockingKey(b: StoredBlockingWorkload): string {
  const audit = b.audit ? ` ${b.audit.source}(${[...b.audit.checks].sort().join('+')})x${b.audit.violations}` : '';
  return `${b.kind}/${b.name}:${[...b.checks].sort().join('+')}${audit}`;
}

async function readinessFromTables(): Promise<Map<string, { blocking: string[]; audit: number; version: string; controllers: string[] }>> {
  const pgClient = new pg.Client({ connectionString: stack.database.url });
  await pgClient.connect();
  try {
    const { rows } = await pgClient.query<{
      name: string;
      level: string;
      version: string;
      blocking: StoredBlockingWorkload[];
      audit: number;
      controllers: { kind: string; name: string; checks: string[]; violations: number }[];
    }>(
      `SELECT n.name, r.level, r.version, r.blocking_workloads AS blocking, r.audit_violation_count AS audit, r.audit_controller_blocks AS controllers
       FROM namespace_readiness r JOIN namespaces n ON n.org_id = r.org_id AND n.id = r.namespace_id WHERE r.org_id = $1`,
      [stack.tenant.orgId],
    );
    return new Map(
      rows.map((r) => [
        `${r.name}|${r.level}`,
        {
          version: r.version,
          audit: r.audit,
          blocking: r.blocking.map(blockingKey).sort(),
          controllers: r.controllers.map((c) => `${c.kind}/${c.name}:${[...c.checks].sort().join('+')} x${c.violations}`).sort(),
        },
      ]),
    );
  } finally {
    await pgClient.end();
  }
}

async function findingKeys(status: 'open' | 'resolved'): Promise<string[]> {
  const findings = await stack.client.list<Finding>(`/api/v1/findings?clusterId=${stack.tenant.clusterId}&status=${status}`);
  return findings.map((f) => `${f.namespace}|${f.workload.kind}/${f.workload.name}|${f.level}|${f.version}|${f.checkId}`).sort();
}

/** Asserts readiness over HTTP and in the tables against the expectation computed with libs/pss. */
async function expectReadiness(cluster: ClusterModel, expected: ExpectedReadiness[]): Promise<void> {
  const listed = await readinessFromApi();
  const stored = await readinessFromTables();
  expect(listed.size).toBe(cluster.namespaces.length);
  const actual = expected.map((e) => {
    const summary = listed.get(e.namespace)!.readiness[e.level];
    const row = stored.get(`${e.namespace}|${e.level}`);
    return {
      namespace: e.namespace,
      level: e.level,
      version: summary.version,
      status: summary.status,
      count: summary.blockingWorkloads,
      blocking: row?.blocking,
      audit: row?.audit,
      controllers: row?.controllers,
    };
  });
  expect(actual).toEqual(
    expected.map((e) => ({
      namespace: e.namespace,
      level: e.level,
      version: e.version,
      status: e.status,
      count: e.rejected,
      blocking: e.blocking,
      audit: e.auditViolations,
      controllers: e.auditControllers,
    })),
  );
}

/** No namespace is `ready` at a level while a pod or template in it would be rejected there (libs/pss decides). */
async function expectNothingReadyThatWouldBeRejected(cluster: ClusterModel): Promise<void> {
  const listed = await readinessFromApi();
  const offenders: string[] = [];
  for (const ns of cluster.namespaces) {
    for (const level of ['baseline', 'restricted'] as const) {
      const readiness = listed.get(ns.name)!.readiness[level];
      if (readiness.status !== 'ready') continue;
      const version = readiness.version === 'latest' ? 'v1.30' : readiness.version;
      for (const w of ns.workloads) {
        for (const projection of [w.template, ...w.pods.map((p) => p.projection)]) {
          if (!evaluatePod(PROJECTIONS[projection], level, version).allowed) offenders.push(`${ns.name} ${level}@${version}: ${w.kind}/${w.name} ${projection}`);
        }
      }
    }
  }
  expect(offenders).toEqual([]);
}

describe('pipeline end to end (API and worker processes)', () => {
  it('turns a heartbeat and a chunked resync into readiness and findings exactly as libs/pss evaluates them', async () => {
    await stack.client.ingest('heartbeat', {
      agentVersion: '1.0.0',
      kubernetesVersion: CLUSTER.kubernetesVersion,
      counts: { namespaces: CLUSTER.namespaces.length, workloads: 0, pods: 0 },
      startedAt: new Date().toISOString(),
      auditSource: 'webhook',
    });
    for (const chunk of resyncChunks(CLUSTER, randomUUID(), 12)) await stack.client.ingest('inventory/resync', chunk);
    const progress = await waitForIdle(stack.database.url, stack.redis.url);
    expect(progress.failed).toBe(0);

    await expectReadiness(CLUSTER, expectedReadiness(CLUSTER, [], new Date(0)));
    await expectNothingReadyThatWouldBeRejected(CLUSTER);
    expect(await findingKeys('open')).toEqual(expectedOpenFindings(CLUSTER));

    // The named cases, spelled out.
    const listed = await readinessFromApi();
    expect(listed.get('tuning')!.readiness.baseline).toMatchObject({ status: 'blocked', version: 'latest', blockingWorkloads: 1 });
    expect(listed.get('tuning-132')!.readiness.baseline).toMatchObject({ status: 'ready', version: 'v1.32' });
    expect(listed.get('edge')!.readiness.baseline).toMatchObject({ status: 'at-risk' });
    expect(listed.get('mesh')!.readiness).toMatchObject({ baseline: { status: 'ready' }, restricted: { status: 'blocked', blockingWorkloads: 1 } });
  }, 60_000);

  it('findings carry PSA’s own reason, byte for byte', async () => {
    const [finding] = await stack.client.list<Finding>(`/api/v1/findings?clusterId=${stack.tenant.clusterId}&namespace=tuning&level=baseline&version=latest`);
    const evaluation = evaluatePod(PROJECTIONS.tcpTuned, 'baseline', 'v1.30');
    const reference = evaluation.checks[0]!;
    // PSA's item as the kubectl warning and the audit annotation print it: `reason (detail)`.
    expect(finding).toMatchObject({ checkId: reference.id, reason: `${reference.reason} (${reference.detail})`, status: 'open' });
    expect(violationMessage(evaluation)).toContain(finding!.reason);
  });

  it('applies deltas and audit events: window, dry runs, unparsed annotations and controller-level violations', async () => {
    now = new Date();
    audits = [
      // A pod violation two days ago blocks both levels (baseline is inside restricted).
      { namespace: 'audited', resource: 'pods', name: 'debug-1', time: new Date(now.getTime() - 2 * DAY), violation: { projection: 'hostNetwork', level: 'baseline' } },
      // Dry runs are shown, never blocking.
      { namespace: 'dry-run-only', resource: 'pods', name: 'try', time: new Date(now.getTime() - DAY), violation: { projection: 'privileged', level: 'baseline' }, dryRun: true },
      // Older than the window.
      { namespace: 'expired-audit', resource: 'pods', name: 'old', time: new Date(now.getTime() - (WINDOW_DAYS + 1) * DAY), violation: { projection: 'privileged', level: 'baseline' } },
      // An annotation nobody can parse blocks every level, conservatively.
      { namespace: 'unparsed', resource: 'pods', name: 'odd', time: new Date(now.getTime() - DAY), violation: { raw: 'would violate PodSecurity: ???' } },
      // A violation PSA found in a Deployment's template (objectRef deployments/api): blocks restricted only.
      { namespace: 'controller', resource: 'deployments', name: 'api', time: new Date(now.getTime() - 3 * DAY), violation: { projection: 'plain', level: 'restricted' } },
      // On a ReplicaSet the inventory has under a Deployment: attaches to the Deployment (restricted only).
      { namespace: 'rollout', resource: 'replicasets', name: 'api-5d9f8', time: new Date(now.getTime() - DAY), violation: { projection: 'plain', level: 'restricted' } },
      { namespace: 'rollout', resource: 'replicasets', name: 'api-5d9f8', time: new Date(now.getTime() - 2 * DAY), violation: { projection: 'plain', level: 'restricted' } },
      // On a Deployment Ratchet never saw: a namespace-level block, named (both levels).
      { namespace: 'rollout', resource: 'deployments', name: 'ghost', time: new Date(now.getTime() - DAY), violation: { projection: 'privileged', level: 'baseline' } },
      // On a DaemonSet whose template already fails: both the inventory's checks and the audit part.
      { namespace: 'edge', resource: 'daemonsets', name: 'node-agent', time: new Date(now.getTime() - DAY), violation: { projection: 'hostNetwork', level: 'baseline' } },
      // A dry run on a controller is shown, never attached.
      { namespace: 'audited', resource: 'deployments', name: 'api', time: new Date(now.getTime() - DAY), violation: { projection: 'privileged', level: 'baseline' }, dryRun: true },
    ];
    const going = CLUSTER.namespaces.find((ns) => ns.name === 'going')!;
    const after: ClusterModel = {
      ...CLUSTER,
      namespaces: [
        ...CLUSTER.namespaces.map((ns) => (ns.name === 'going' ? { ...ns, workloads: [] } : ns)),
        namespace('late', { enforce: 'baseline', enforceVersion: 'v1.31' }, [workload('late', 'Deployment', 'logs', 'hostPathLogs', ['hostPathLogs'])]),
      ],
    };
    const late = after.namespaces.at(-1)!;
    await stack.client.ingest('inventory/delta', delta([late], { workloads: [going.workloads[0]!.uid], pods: going.workloads[0]!.pods.map((p) => p.uid) }));
    const answer = await stack.client.ingest('audit-events', { events: audits.map(auditEvent) });
    expect(answer).toMatchObject({ accepted: { auditEvents: audits.length }, unparsedAuditEvents: 1 });
    const progress = await waitForIdle(stack.database.url, stack.redis.url);
    expect(progress.failed).toBe(0);

    await expectReadiness(after, expectedReadiness(after, audits, new Date(now.getTime() - WINDOW_DAYS * DAY)));
    await expectNothingReadyThatWouldBeRejected(after);
    expect(await findingKeys('open')).toEqual(expectedOpenFindings(after));
    // The deleted workload's findings are resolved, not gone.
    const resolved = await findingKeys('resolved');
    expect(resolved.length).toBeGreaterThan(0);
    expect(resolved.every((key) => key.startsWith('going|Deployment/legacy|'))).toBe(true);

    const listed = await readinessFromApi();
    expect(listed.get('going')!.readiness.restricted.status).toBe('ready');
    expect(listed.get('controller')!.readiness).toMatchObject({ baseline: { status: 'ready' }, restricted: { status: 'blocked' } });
    expect(listed.get('unparsed')!.readiness).toMatchObject({ baseline: { status: 'at-risk' }, restricted: { status: 'blocked' } });
    expect(listed.get('dry-run-only')!.readiness.baseline.status).toBe('ready');

    // Controller-level violations, spelled out against libs/pss: the checks parsed from the annotation, marked audit.
    const stored = await readinessFromTables();
    const ids = (projection: keyof typeof PROJECTIONS, level: 'baseline' | 'restricted', version: string) =>
      evaluatePod(PROJECTIONS[projection], level, version).checks.map((c) => c.id).sort().join('+');
    const plainRestricted = ids('plain', 'restricted', 'latest');
    const ghost = `Deployment/ghost:${ids('privileged', 'baseline', 'latest')} x1`;
    expect(stored.get('controller|restricted')).toMatchObject({ blocking: [`Deployment/api: audit(${plainRestricted})x1`], controllers: [] });
    expect(stored.get('controller|baseline')).toMatchObject({ blocking: [], audit: 0 });
    expect(stored.get('rollout|restricted')).toMatchObject({
      blocking: [`Deployment/api: audit(${plainRestricted})x2`],
      controllers: [ghost],
      audit: 3,
    });
    expect(stored.get('rollout|baseline')).toMatchObject({ blocking: [], controllers: [ghost], audit: 1 });
    expect(stored.get('edge|baseline')!.blocking).toEqual([
      `DaemonSet/node-agent:${ids('hostNetwork', 'baseline', 'v1.30')} audit(${ids('hostNetwork', 'baseline', 'latest')})x1`,
    ]);
    // Audit-only attachments are not counted as workloads a rollout rejects: the row expires with the violations.
    expect(listed.get('rollout')!.readiness.restricted).toMatchObject({ status: 'blocked', blockingWorkloads: 0 });
    // The API answers the same attachments, so the dashboard shows which workload to fix.
    const rolloutApi = listed.get('rollout')!.readiness;
    const api = rolloutApi.restricted.auditBlocks!;
    expect(api.workloads).toEqual([
      {
        source: 'audit',
        workloadId: expect.any(String),
        kind: 'Deployment',
        name: 'api',
        violations: 2,
        checks: plainRestricted.split('+'),
        unparsed: 0,
        lastSeenAt: audits[5]!.time.toISOString(),
        objects: ['ReplicaSet/api-5d9f8'],
      },
    ]);
    expect(api.controllers.map((c) => `${c.kind}/${c.name}:${c.checks.join('+')} x${c.violations}`)).toEqual([ghost]);
    expect(rolloutApi.baseline.auditBlocks).toEqual({ workloads: [], controllers: api.controllers });
    expect(listed.get('controller')!.readiness.baseline.auditBlocks).toBeUndefined();
    expect(listed.get('edge')!.readiness.baseline.auditBlocks!.workloads.map((w) => `${w.kind}/${w.name}`)).toEqual(['DaemonSet/node-agent']);
  }, 60_000);
});
