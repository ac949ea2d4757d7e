import {
  upsertNamespaceReadiness,
  type AuditControllerBlock,
  type BlockingWorkload,
  type BlockingWorkloadAudit,
  type ClusterScope,
  type NamespaceReadinessInput,
  type PsaContradictionRecord,
  type PssLevel,
  type Transaction,
} from '@ratchet/db';
import type { AuditSource } from '@ratchet/contracts';
import { enforcePolicyOf, levelRank, policyString, type EnforcePolicy } from '@ratchet/pss';
import type { PsaConfiguration } from '@ratchet/contracts';

import { EVALUATED_LEVELS, ensureVerdicts, verdictKey } from '../evaluation/evaluation.service.js';
import { clusterReleaseVersion, concreteVersion } from '../evaluation/policy-version.util.js';
import {
  auditEventsByNamespace,
  auditEventsByUsers,
  evaluatedDecisions,
  exemptDecisions,
  controllerAuditViolations,
  countAuditViolations,
  deleteOtherReadinessVersions,
  latestEnforcePolicies,
  oldestAuditEvents,
  projectionsWithRuntimeClasses,
  readNamespacePods,
  readControllersByName,
  readNamespaceWorkloads,
  readReadinessCluster,
  readReadinessNamespaces,
  type ControllerAuditViolations,
  type NamespacePod,
  type NamespaceWorkload,
  type ReadinessCluster,
  type ReadinessNamespace,
} from './readiness-sources.repository.js';

const DAY_MS = 86_400_000;

/** Items grouped by a key, in their order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
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

type PsaExemptions = PsaConfiguration['exemptions'];

/** What PSA recorded in one namespace within the window, beside the violations, for psaContradictions. */
export interface NamespaceAdmissionRecord {
  /** The newest `enforce-policy` (violations and evaluated pods alike) and how many requests carry it. */
  latest?: { enforcePolicy: string; events: number; lastSeenAt: Date };
  /** Audit violations recorded (PSA evaluated these requests). */
  violations?: { events: number; lastSeenAt: Date };
  /** Evaluated requests without violations (`enforce-policy` decisions). */
  evaluated?: { events: number; lastSeenAt: Date };
  /** Requests (violations or evaluated) by effective users the configuration exempts. */
  exemptUsers: readonly { username: string; events: number; lastSeenAt: Date }[];
  /** Requests PSA exempted (`exempt` decisions), by reason and effective user. */
  exempted: readonly { exempt: string; username: string; events: number; lastSeenAt: Date }[];
}

function merged(a: { events: number; lastSeenAt: Date } | undefined, b: { events: number; lastSeenAt: Date } | undefined) {
  if (!a || !b) return a ?? b;
  return { events: a.events + b.events, lastSeenAt: a.lastSeenAt > b.lastSeenAt ? a.lastSeenAt : b.lastSeenAt };
}

/**
 * The audit annotations that contradict the cluster's PSA configuration in one namespace (PSA's order of checks:
 * exempt namespace, then exempt user, then runtime class; upstream `admission/admission.go`):
 * - `enforce-policy`: the newest `enforce-policy` differs from what the configuration and labels say PSA enforces;
 * - `exempt-namespace`: requests evaluated (violations or `enforce-policy`) in a namespace the configuration exempts;
 * - `exempt-username`: requests evaluated for a user the configuration exempts;
 * - `unexpected-exemption`: PSA wrote `exempt: namespace` for a namespace the configuration does not exempt,
 *   `exempt: user` for a user it does not exempt, `exempt: runtimeClass` while it exempts no runtime class (the
 *   runtime class itself is not in a Metadata-level event, so a listed class cannot be checked further).
 * PSA records nothing else for exempt requests, so any of these means the configuration in force is not the one
 * Ratchet was given. Exemption values other than upstream's are left alone.
 */
export function psaContradictions(namespace: string, policy: EnforcePolicy, exemptions: PsaExemptions, seen: NamespaceAdmissionRecord): PsaContradictionRecord[] {
  const found: PsaContradictionRecord[] = [];
  const record = (kind: PsaContradictionRecord['kind'], expected: string, observed: string, by: { events: number; lastSeenAt: Date }) =>
    found.push({ namespace, kind, expected, observed, events: by.events, lastSeenAt: by.lastSeenAt.toISOString() });
  if (policy.source === 'exempt') {
    const evaluated = merged(seen.violations, seen.evaluated);
    if (evaluated) {
      const observed = seen.evaluated ? 'requests evaluated (enforce-policy recorded)' : 'audit violations recorded';
      record('exempt-namespace', 'exempt (exemptions.namespaces)', observed, evaluated);
    }
  } else if (seen.latest && seen.latest.enforcePolicy !== policyString(policy.level, policy.version)) {
    record('enforce-policy', policyString(policy.level, policy.version), seen.latest.enforcePolicy, seen.latest);
  }
  for (const user of seen.exemptUsers) record('exempt-username', `${user.username} exempt (exemptions.usernames)`, user.username, user);
  for (const exempted of seen.exempted) {
    if (exempted.exempt === 'namespace' && !exemptions.namespaces.includes(namespace)) {
      record('unexpected-exemption', `evaluated: exemptions.namespaces does not list ${namespace}`, 'exempt: namespace', exempted);
    } else if (exempted.exempt === 'user' && !exemptions.usernames.includes(exempted.username)) {
      record('unexpected-exemption', `evaluated: exemptions.usernames does not list ${exempted.username}`, `exempt: user (${exempted.username})`, exempted);
    } else if (exempted.exempt === 'runtimeClass' && exemptions.runtimeClasses.length === 0) {
      record('unexpected-exemption', 'evaluated: exemptions.runtimeClasses is empty', 'exempt: runtimeClass', exempted);
    }
  }
  return found;
}

/** Audit-mode violations on controllers that block one level, summed per controller or workload. */
function summarizeAudits(events: readonly ControllerAuditViolations[]): Omit<BlockingWorkloadAudit, 'source' | 'objects'> {
  const checks = new Set<string>();
  let violations = 0;
  let unparsed = 0;
  let newest = 0;
  for (const e of events) {
    e.checks.forEach((c) => checks.add(c));
    violations += e.count;
    if (e.unparsed) unparsed += e.count;
    newest = Math.max(newest, e.newestAt.getTime());
  }
  return { violations, checks: [...checks].sort(), unparsed, lastSeenAt: new Date(newest).toISOString() };
}

/**
 * Splits the audit-mode violations reported on controllers in one namespace between the live top-level workloads
 * they belong to (the controller itself, or the top of its owner chain: a ReplicaSet's violation belongs to its
 * Deployment, a Job's to its CronJob) and the controllers not live in the inventory, which stay namespace-level.
 * `topLevelOf` maps `Kind/name` of a live controller to its top-level uid.
 */
export function attachControllerAudits(
  events: readonly ControllerAuditViolations[],
  topLevelOf: ReadonlyMap<string, string>,
  workloadsByUid: ReadonlyMap<string, NamespaceWorkload>,
): { attached: Map<string, BlockingWorkloadAudit>; unattached: AuditControllerBlock[] } {
  const byWorkload = new Map<string, { events: ControllerAuditViolations[]; objects: Set<string> }>();
  const byController = new Map<string, ControllerAuditViolations[]>();
  for (const e of events) {
    const object = `${e.kind}/${e.name}`;
    const uid = topLevelOf.get(object);
    const workload = uid === undefined ? undefined : workloadsByUid.get(uid);
    if (workload) {
      const group = byWorkload.get(workload.id) ?? { events: [], objects: new Set<string>() };
      group.events.push(e);
      group.objects.add(object);
      byWorkload.set(workload.id, group);
    } else {
      byController.set(object, [...(byController.get(object) ?? []), e]);
    }
  }
  const attached = new Map(
    [...byWorkload].map(([id, g]) => [id, { source: 'audit' as const, ...summarizeAudits(g.events), objects: [...g.objects].sort() }]),
  );
  const unattached = [...byController.values()]
    .map((group) => ({ kind: group[0]!.kind, name: group[0]!.name, ...summarizeAudits(group) }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  return { attached, unattached };
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
 * What readiness and drift of a chunk of namespaces both read, read once: the namespaces, the cluster (null when none
 * of the ids is a namespace of it), and the live top-level workloads and pods of the reported ones.
 */
export interface ReadinessSources {
  namespaceIds: readonly string[];
  namespaces: ReadinessNamespace[];
  cluster: ReadinessCluster | null;
  workloads: NamespaceWorkload[];
  pods: NamespacePod[];
}

/** Reads the {@link ReadinessSources} of these namespaces of a cluster. */
export async function readReadinessSources(tx: Transaction, scope: ClusterScope, namespaceIds: readonly string[]): Promise<ReadinessSources> {
  const namespaces = await readReadinessNamespaces(tx, scope, namespaceIds);
  if (namespaces.length === 0) return { namespaceIds, namespaces, cluster: null, workloads: [], pods: [] };
  const ids = namespaces.filter((n) => n.reported).map((n) => n.id);
  return {
    namespaceIds,
    namespaces,
    cluster: await readReadinessCluster(tx, scope),
    workloads: await readNamespaceWorkloads(tx, scope, ids),
    pods: await readNamespacePods(tx, scope, ids),
  };
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
 *   templates whose runtimeClassName the configuration exempts never block. A violation reported on a controller
 *   attaches to its live top-level workload in `blockingWorkloads` (`audit`, with the checks parsed from the
 *   annotation); one naming a controller not live in the inventory is listed in `auditControllerBlocks`;
 * - `atRisk` when PSA already enforces the level there: by its label, by the cluster's PSA defaults for an
 *   unlabeled namespace, or by PSA's fail-closed fallback (restricted) for an invalid label; never in an exempt
 *   namespace (`exempt`: PSA evaluates nothing there, so `ready` says nothing about compliance);
 * - `ready` otherwise, `provisional` while the namespace is observed for less than the window or the cluster has no
 *   audit source.
 * Returns the rows stored.
 */
export async function recomputeReadiness(tx: Transaction, scope: ClusterScope, sources: ReadinessSources, now: Date): Promise<NamespaceReadinessInput[]> {
  const { namespaces, cluster, workloads, pods } = sources;
  if (namespaces.length === 0 || cluster === null) return [];
  const { defaults, exemptions } = cluster.psaConfiguration.configuration;
  const reported = namespaces.filter((n) => n.reported);
  const ids = reported.map((n) => n.id);
  const names = reported.map((n) => n.name);
  const windowDays = cluster.readinessWindowDays;
  const since = new Date(now.getTime() - windowDays * DAY_MS);
  const audits = await countAuditViolations(tx, scope, names, since, now, exemptions.usernames);
  const controllerAudits = groupBy(await controllerAuditViolations(tx, scope, names, since, now, exemptions.usernames), (e) => e.namespaceName);
  const controllers = await readControllersByName(
    tx,
    scope,
    ids,
    [...controllerAudits.values()].flat().map((e) => ({ kind: e.kind, name: e.name })),
  );
  // Kind/name of a live controller -> its top-level uid, per namespace id.
  const topLevelOf = new Map<string, Map<string, string>>();
  for (const c of controllers) {
    const forNamespace = topLevelOf.get(c.namespaceId) ?? new Map<string, string>();
    forNamespace.set(`${c.kind}/${c.name}`, c.topLevelUid);
    topLevelOf.set(c.namespaceId, forNamespace);
  }
  const latestPolicies = new Map((await latestEnforcePolicies(tx, scope, names, since, now)).map((p) => [p.namespaceName, p]));
  const exemptNames = names.filter((name) => exemptions.namespaces.includes(name));
  const exemptNamespaceEvents = new Map((await auditEventsByNamespace(tx, scope, exemptNames, since, now)).map((e) => [e.namespaceName, e]));
  const exemptUserEvents = groupBy(await auditEventsByUsers(tx, scope, names, exemptions.usernames, since, now), (e) => e.namespaceName);
  const evaluated = groupBy(await evaluatedDecisions(tx, scope, names, since, now), (e) => e.namespaceName);
  const exempted = groupBy(await exemptDecisions(tx, scope, names, since, now), (e) => e.namespaceName);
  const oldestEvents = await oldestAuditEvents(tx, scope, names, since, now);
  const windowMs = windowDays * DAY_MS;

  const admissionRecord = (name: string, exemptUsernames: readonly string[]): NamespaceAdmissionRecord => {
    const evaluatedHere = evaluated.get(name) ?? [];
    // Evaluated requests by an exempt user count with that user's violations.
    const users = new Map((exemptUserEvents.get(name) ?? []).map((u) => [u.username, { username: u.username, events: u.events, lastSeenAt: u.lastSeenAt }]));
    for (const e of evaluatedHere.filter((e) => exemptUsernames.includes(e.username))) {
      users.set(e.username, { username: e.username, ...merged(users.get(e.username), e)! });
    }
    const latest = latestPolicies.get(name);
    const violations = exemptNamespaceEvents.get(name);
    const evaluatedTotal = evaluatedHere.reduce<{ events: number; lastSeenAt: Date } | undefined>((sum, e) => merged(sum, e), undefined);
    return {
      ...(latest ? { latest } : {}),
      ...(violations ? { violations } : {}),
      ...(evaluatedTotal ? { evaluated: evaluatedTotal } : {}),
      exemptUsers: [...users.values()].sort((a, b) => a.username.localeCompare(b.username)),
      exempted: exempted.get(name) ?? [],
    };
  };

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
      ? psaContradictions(namespace.name, policy, exemptions, admissionRecord(namespace.name, exemptions.usernames))
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
        rows.push({
          ...base,
          status: 'unknown',
          atRisk: false,
          blockingWorkloads: [],
          auditViolationCount: 0,
          auditControllerBlocks: [],
          provisional: false,
          auditBlockedUntil: null,
        });
        continue;
      }
      const namespaceWorkloads = workloadsOf.get(namespace.id) ?? [];
      const { attached, unattached } = attachControllerAudits(
        (controllerAudits.get(namespace.name) ?? []).filter((e) => auditBlocks(e.level, level)),
        topLevelOf.get(namespace.id) ?? new Map(),
        new Map(namespaceWorkloads.map((w) => [w.uid, w])),
      );
      const blocking: BlockingWorkload[] = [];
      for (const workload of namespaceWorkloads) {
        const checks = new Set(failing(workload.projectionId, level, concrete));
        for (const pod of podsOf.get(workload.uid) ?? []) failing(pod.projectionId, level, concrete).forEach((c) => checks.add(c));
        const audit = attached.get(workload.id);
        if (checks.size > 0 || audit) {
          blocking.push({ workloadId: workload.id, kind: workload.kind, name: workload.name, checks: [...checks].sort(), ...(audit ? { audit } : {}) });
        }
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
        auditControllerBlocks: unattached,
        provisional: !fails && isProvisional(namespace.firstSeenAt, cluster.auditSource, windowDays, now),
        auditBlockedUntil: leavesWindow(newestBlocking, windowMs),
      });
    }
  }
  await deleteOtherReadinessVersions(tx, scope, plans.map((p) => ({ namespaceId: p.namespace.id, version: p.label })));
  await upsertNamespaceReadiness(tx, scope, rows, now);
  return rows;
}
