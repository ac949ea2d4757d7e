import {
  upsertNamespaceReadiness,
  type BlockingWorkload,
  type ClusterScope,
  type NamespaceReadinessInput,
  type PsaContradictionRecord,
  type PssLevel,
  type Transaction,
} from '@ratchet/db';
import type { AuditSource } from '@ratchet/contracts';
import { enforcePolicyOf, levelRank, policyString, type EnforcePolicy } from '@ratchet/pss';

import { EVALUATED_LEVELS, ensureVerdicts, verdictKey } from '../evaluation/evaluation.service.js';
import { clusterReleaseVersion, concreteVersion } from '../evaluation/policy-version.util.js';
import {
  auditEventsByNamespace,
  auditEventsByUsers,
  countAuditViolations,
  deleteOtherReadinessVersions,
  latestEnforcePolicies,
  oldestAuditEvents,
  projectionsWithRuntimeClasses,
  readNamespacePods,
  readNamespaceWorkloads,
  readReadinessCluster,
  readReadinessNamespaces,
} from './readiness-sources.repository.js';

const DAY_MS = 86_400_000;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Whether an audit violation of `violated` (null: unparsed, level unreadable) blocks `level`. */
function auditBlocks(violated: PssLevel | null, level: PssLevel): boolean {
  // Restricted contains baseline: a baseline violation fails restricted too. An unreadable one blocks every level.
  return violated === null || levelRank(violated) <= levelRank(level);
}

/**
 * The audit annotations that contradict the cluster's PSA configuration in one namespace: the newest
 * `enforce-policy` differs from what the configuration and labels say PSA enforces; violations recorded in an
 * exempt namespace or for an exempt user (PSA records nothing for exempt requests, so the configuration in force
 * is not the one Ratchet was given).
 */
export function psaContradictions(
  namespace: string,
  policy: EnforcePolicy,
  latest: { enforcePolicy: string; events: number; lastSeenAt: Date } | undefined,
  exemptNamespaceEvents: { events: number; lastSeenAt: Date } | undefined,
  exemptUserEvents: readonly { username: string; events: number; lastSeenAt: Date }[],
): PsaContradictionRecord[] {
  const found: PsaContradictionRecord[] = [];
  if (policy.source === 'exempt') {
    if (exemptNamespaceEvents) {
      found.push({
        namespace,
        kind: 'exempt-namespace',
        expected: 'exempt (exemptions.namespaces)',
        observed: 'audit violations recorded',
        events: exemptNamespaceEvents.events,
        lastSeenAt: exemptNamespaceEvents.lastSeenAt.toISOString(),
      });
    }
  } else if (latest && latest.enforcePolicy !== policyString(policy.level, policy.version)) {
    found.push({
      namespace,
      kind: 'enforce-policy',
      expected: policyString(policy.level, policy.version),
      observed: latest.enforcePolicy,
      events: latest.events,
      lastSeenAt: latest.lastSeenAt.toISOString(),
    });
  }
  for (const user of exemptUserEvents) {
    found.push({
      namespace,
      kind: 'exempt-username',
      expected: `${user.username} exempt (exemptions.usernames)`,
      observed: user.username,
      events: user.events,
      lastSeenAt: user.lastSeenAt.toISOString(),
    });
  }
  return found;
}

/** When an audit event recorded at `time` leaves a readiness window of `windowMs` (it counts while `time >= now - window`). */
function leavesWindow(time: Date | undefined, windowMs: number): Date | null {
  return time === undefined ? null : new Date(time.getTime() + windowMs + 1);
}

/**
 * Whether a `ready` verdict is provisional: the namespace has been observed for less than the readiness window
 * (a short-lived pod that failed may not have been seen yet), or the cluster has no audit source (`none`, or not
 * reported), so violations by pods the inventory never saw cannot be known.
 */
export function isProvisional(observedSince: Date, auditSource: AuditSource | null, windowDays: number, now: Date): boolean {
  return now.getTime() - observedSince.getTime() < windowDays * DAY_MS || auditSource === null || auditSource === 'none';
}

/**
 * Recomputes and stores the readiness of these namespaces of a cluster for baseline and restricted, at each
 * namespace's effective enforce version (its valid enforce-version label, else the cluster's PSA default, PSA's
 * `latest` for an invalid label; `latest` = the cluster's release):
 * - `unknown` when the agent has not reported the namespace (placeholder or deleted) or `latest` is unknown (no
 *   heartbeat yet);
 * - `blocked` when a live top-level workload's template or a pod behind it fails level@version, or an audit-mode
 *   violation of that level within the organization's readiness window (ending at `now`) was recorded (dry runs
 *   never block; unparsed ones do; those of users the cluster's PSA configuration exempts do not); pods and
 *   templates whose runtimeClassName the configuration exempts never block;
 * - `atRisk` when PSA already enforces the level there: by its label, by the cluster's PSA defaults for an
 *   unlabeled namespace, or by PSA's fail-closed fallback (restricted) for an invalid label; never in an exempt
 *   namespace (`exempt`: PSA evaluates nothing there, so `ready` says nothing about compliance);
 * - `ready` otherwise, `provisional` while the namespace is observed for less than the window or the cluster has no
 *   audit source.
 * Returns the rows stored.
 */
export async function recomputeReadiness(tx: Transaction, scope: ClusterScope, namespaceIds: readonly string[], now: Date): Promise<NamespaceReadinessInput[]> {
  const namespaces = await readReadinessNamespaces(tx, scope, namespaceIds);
  if (namespaces.length === 0) return [];
  const cluster = await readReadinessCluster(tx, scope);
  const { defaults, exemptions } = cluster.psaConfiguration.configuration;
  const reported = namespaces.filter((n) => n.reported);
  const ids = reported.map((n) => n.id);
  const names = reported.map((n) => n.name);
  const workloads = await readNamespaceWorkloads(tx, scope, ids);
  const pods = await readNamespacePods(tx, scope, ids);
  const windowDays = cluster.readinessWindowDays;
  const since = new Date(now.getTime() - windowDays * DAY_MS);
  const audits = await countAuditViolations(tx, scope, names, since, now, exemptions.usernames);
  const latestPolicies = new Map((await latestEnforcePolicies(tx, scope, names, since, now)).map((p) => [p.namespaceName, p]));
  const exemptNames = names.filter((name) => exemptions.namespaces.includes(name));
  const exemptNamespaceEvents = new Map((await auditEventsByNamespace(tx, scope, exemptNames, since, now)).map((e) => [e.namespaceName, e]));
  const exemptUserEvents = groupBy(await auditEventsByUsers(tx, scope, names, exemptions.usernames, since, now), (e) => e.namespaceName);
  const oldestEvents = await oldestAuditEvents(tx, scope, names, since, now);
  const windowMs = windowDays * DAY_MS;

  const release = clusterReleaseVersion(cluster.kubernetesVersion);
  const plans = namespaces.map((n) => {
    const policy = enforcePolicyOf(n.name, n, defaults, exemptions);
    // An exempt namespace is assessed at the version it would face without the exemption.
    const label = enforcePolicyOf(n.name, n, defaults, { ...exemptions, namespaces: [] }).version;
    return { namespace: n, policy, label, concrete: n.reported ? concreteVersion(label, release) : null };
  });
  const verdicts = await ensureVerdicts(
    tx,
    scope,
    [...workloads.map((w) => w.projectionId), ...pods.map((p) => p.projectionId)],
    plans.flatMap((p) => (p.concrete === null ? [] : [p.concrete])),
    now,
  );
  // Grouped once: a namespace chunk can hold thousands of workloads and tens of thousands of pods.
  const workloadsOf = groupBy(workloads, (w) => w.namespaceId);
  const podsOf = groupBy(pods, (p) => p.topLevelWorkloadUid);
  // Pods and templates of an exempt runtime class are not evaluated by PSA: they never block.
  const exemptRuntime = await projectionsWithRuntimeClasses(
    tx,
    scope,
    [...workloads.map((w) => w.projectionId), ...pods.map((p) => p.projectionId)],
    exemptions.runtimeClasses,
  );
  const failing = (projectionId: string, level: PssLevel, version: string): string[] =>
    exemptRuntime.has(projectionId) ? [] : (verdicts.get(projectionId)?.get(verdictKey(level, version))?.checks.map((c) => c.id) ?? []);

  const rows: NamespaceReadinessInput[] = [];
  for (const { namespace, policy, label, concrete } of plans) {
    const contradictions = namespace.reported
      ? psaContradictions(
          namespace.name,
          policy,
          latestPolicies.get(namespace.name),
          exemptNamespaceEvents.get(namespace.name),
          exemptUserEvents.get(namespace.name) ?? [],
        )
      : [];
    for (const level of EVALUATED_LEVELS) {
      const base = {
        namespaceId: namespace.id,
        level,
        version: label,
        windowDays,
        observedSince: namespace.firstSeenAt,
        auditSource: cluster.auditSource,
        enforceLevel: policy.level,
        enforceSource: policy.source,
        exempt: policy.source === 'exempt',
        psaContradictions: contradictions,
        recomputeDueAt: namespace.reported ? leavesWindow(oldestEvents.get(namespace.name), windowMs) : null,
      };
      if (concrete === null) {
        rows.push({ ...base, status: 'unknown', atRisk: false, blockingWorkloads: [], auditViolationCount: 0, provisional: false, auditBlockedUntil: null });
        continue;
      }
      const blocking: BlockingWorkload[] = [];
      for (const workload of workloadsOf.get(namespace.id) ?? []) {
        const checks = new Set(failing(workload.projectionId, level, concrete));
        for (const pod of podsOf.get(workload.uid) ?? []) failing(pod.projectionId, level, concrete).forEach((c) => checks.add(c));
        if (checks.size > 0) blocking.push({ workloadId: workload.id, kind: workload.kind, name: workload.name, checks: [...checks].sort() });
      }
      const blockingAudits = audits.filter((a) => a.namespaceName === namespace.name && auditBlocks(a.level, level));
      const auditViolationCount = blockingAudits.reduce((sum, a) => sum + a.count, 0);
      const newestBlocking = blockingAudits.reduce<Date | undefined>((newest, a) => (newest && newest >= a.newestAt ? newest : a.newestAt), undefined);
      const fails = blocking.length > 0 || auditViolationCount > 0;
      rows.push({
        ...base,
        status: fails ? 'blocked' : 'ready',
        atRisk: fails && policy.source !== 'exempt' && levelRank(policy.level) >= levelRank(level),
        blockingWorkloads: blocking,
        auditViolationCount,
        provisional: !fails && isProvisional(namespace.firstSeenAt, cluster.auditSource, windowDays, now),
        auditBlockedUntil: leavesWindow(newestBlocking, windowMs),
      });
    }
  }
  await deleteOtherReadinessVersions(tx, scope, plans.map((p) => ({ namespaceId: p.namespace.id, version: p.label })));
  await upsertNamespaceReadiness(tx, scope, rows, now);
  return rows;
}
