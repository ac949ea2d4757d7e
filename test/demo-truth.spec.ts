import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { clusterReleaseVersion, enforcePolicyOf, evaluatePod, extractPodTemplates, levelRank } from '@ratchet/pss';
import type { ClusterSummary, NamespaceSummary, PsaConfiguration } from '@ratchet/contracts';

import { kubeBinary } from '../scripts/kube-binaries.js';
import { DemoRun } from './support/demo-run.js';

jest.setTimeout(300_000);

const run = promisify(execFile);
const LEVELS = ['baseline', 'restricted'] as const;
type Level = (typeof LEVELS)[number];
const RESOURCES = 'pods,deployments,replicasets,statefulsets,daemonsets,jobs,cronjobs,replicationcontrollers';

interface KubeObject {
  kind: string;
  apiVersion: string;
  metadata: { name: string; namespace?: string; uid: string; resourceVersion: string; labels?: Record<string, string>; ownerReferences?: { uid: string; controller?: boolean }[] };
  spec?: { runtimeClassName?: string; template?: { spec?: { runtimeClassName?: string } } };
}

interface AuditRow {
  namespace: string;
  dryRun: boolean;
  unparsed: boolean;
  level: Level | null;
  user: { username: string };
  impersonatedUser: { username: string } | null;
}

interface Verdict {
  /** Why the namespace would reject something at the level (empty: nothing). */
  failing: string[];
  /** Top-level workloads (uid) whose template or a pod behind it fails: the API's blockingWorkloads. */
  blocking: Set<string>;
  atRiskIfFailing: boolean;
  exempt: boolean;
  version: string;
}

/** What the simulator serves, read with the real kubectl through the kubeconfig `npm start` wrote. */
async function readCluster(kubectl: string, kubeconfig: string): Promise<{ namespaces: KubeObject[]; objects: KubeObject[]; gitVersion: string; fingerprint: string }> {
  const get = async (args: string[]) => JSON.parse((await run(kubectl, ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 256 * 1024 * 1024 })).stdout) as { items: KubeObject[] };
  const namespaces = (await get(['get', 'namespaces', '-o', 'json'])).items;
  const objects = (await get(['get', RESOURCES, '-A', '-o', 'json'])).items;
  const version = JSON.parse((await run(kubectl, ['--kubeconfig', kubeconfig, 'version', '-o', 'json'])).stdout) as { serverVersion: { gitVersion: string } };
  const fingerprint = [...namespaces, ...objects].map((o) => `${o.metadata.uid}@${o.metadata.resourceVersion}`).sort().join(',');
  return { namespaces, objects, gitVersion: version.serverVersion.gitVersion, fingerprint };
}

/**
 * The verdict libs/pss gives a namespace at a level, from the objects alone plus the audit violations the API
 * lists, by the rules of docs/readiness.md: every pod, and the template of every top-level controller (no
 * controller ownerReference: a Deployment's ReplicaSets and a CronJob's Jobs are judged by their owner's template),
 * evaluated at the namespace's enforce version (`latest`: the cluster's release); pods and templates of an exempt
 * runtime class never block; audit-mode violations of the level (a baseline one counts for restricted; an unparsed
 * one at its readable prefix's level, else for both) block, except dry runs and exempt users.
 */
function expectedVerdicts(
  cluster: Awaited<ReturnType<typeof readCluster>>,
  audit: AuditRow[],
  configuration: PsaConfiguration,
): Map<string, Record<Level, Verdict>> {
  const release = clusterReleaseVersion(cluster.gitVersion)!;
  const { defaults, exemptions } = configuration;
  const verdicts = new Map<string, Record<Level, Verdict>>();
  const byUid = new Map(cluster.objects.map((o) => [o.metadata.uid, o]));
  // The top-level workload of an object: its controllers followed up while the cluster serves them.
  const topLevel = (object: KubeObject): KubeObject => {
    let current = object;
    for (;;) {
      const owner = current.metadata.ownerReferences?.find((o) => o.controller);
      const next = owner ? byUid.get(owner.uid) : undefined;
      if (!next) return current;
      current = next;
    }
  };
  for (const namespace of cluster.namespaces) {
    const name = namespace.metadata.name;
    const labels = namespace.metadata.labels ?? {};
    const exempt = exemptions.namespaces.includes(name);
    // An exempt namespace's readiness is what would happen without the exemption (never at risk).
    const policy = enforcePolicyOf(
      name,
      { enforceLevel: labels['pod-security.kubernetes.io/enforce'] ?? null, enforceVersion: labels['pod-security.kubernetes.io/enforce-version'] ?? null },
      defaults,
      { ...exemptions, namespaces: [] },
    );
    const version = policy.version === 'latest' ? release : policy.version;
    const inNamespace = cluster.objects.filter((o) => o.metadata.namespace === name);
    const subjects = inNamespace.flatMap((object) => {
      const runtimeClass = object.kind === 'Pod' ? object.spec?.runtimeClassName : undefined;
      if (object.kind === 'Pod') return runtimeClass && exemptions.runtimeClasses.includes(runtimeClass) ? [] : [{ what: `Pod/${object.metadata.name}`, object }];
      if (object.metadata.ownerReferences?.some((owner) => owner.controller)) return [];
      return [{ what: `${object.kind}/${object.metadata.name} template`, object }];
    });
    const entry = {} as Record<Level, Verdict>;
    for (const level of LEVELS) {
      const failing: string[] = [];
      const blocking = new Set<string>();
      for (const { what, object } of subjects) {
        for (const template of extractPodTemplates(object, { apiserverVersion: release }).templates) {
          const runtimeClass = (template.pod.spec as { runtimeClassName?: string } | undefined)?.runtimeClassName;
          if (runtimeClass && exemptions.runtimeClasses.includes(runtimeClass)) continue;
          const evaluation = evaluatePod(template.pod, level, version);
          if (!evaluation.allowed) {
            failing.push(`${what}: ${evaluation.forbiddenReason} (${evaluation.forbiddenDetail})`);
            blocking.add(topLevel(object).metadata.uid);
          }
        }
      }
      const violations = audit.filter(
        (event) =>
          event.namespace === name &&
          !event.dryRun &&
          !exemptions.usernames.includes((event.impersonatedUser ?? event.user).username) &&
          // An unparsed annotation counts at the level its readable `<level>:<version>` prefix names, else at both.
          (event.level === null || event.level === level || (level === 'restricted' && event.level === 'baseline')),
      );
      if (violations.length) failing.push(`${violations.length} audit-mode violation(s) of ${level}`);
      entry[level] = { failing, blocking, atRiskIfFailing: !exempt && levelRank(policy.level) >= levelRank(level), exempt, version };
    }
    verdicts.set(name, entry);
  }
  return verdicts;
}

/**
 * The demo tells the truth: for every namespace the simulator serves, the readiness the API reports (what the
 * dashboard shows) is what libs/pss says of the pods and templates read through the simulator's kubeconfig, plus the
 * audit violations the simulator posted. The simulator keeps evolving, so the comparison is made on a snapshot
 * that did not change while the API was read, once the agent and the worker have caught up with it.
 */
describe('the demo tells the truth', () => {
  const demo = new DemoRun();

  // A day of history, replayed before the agent starts: the truth is checked on the state the replay led to.
  beforeAll(() => demo.prepare({ RATCHET_DEMO_HISTORY_DAYS: '1' }));
  afterAll(() => demo.cleanup());

  it('every namespace: ready exactly when nothing in it would be rejected (at-risk when it already enforces the level), for baseline and restricted', async () => {
    const started = Date.now();
    const running = await demo.start();
    const session = await demo.signIn();
    const { clusterId } = JSON.parse(await readFile(join(demo.demoDir, 'state.json'), 'utf8')) as { clusterId: string };
    const kubectl = await kubeBinary('kubectl');

    let mismatches: string[] = ['no stable snapshot yet'];
    let compared = 0;
    let namespacesCompared = 0;
    let tally: Record<string, number> = {};
    // The simulator's first scenario step (30 s of real time) makes the first audit events: compare until some count.
    const deadline = Date.now() + 150_000;
    while ((mismatches.length > 0 || !tally.auditBlocked) && Date.now() < deadline) {
      const before = await readCluster(kubectl, demo.kubeconfig);
      const cluster = await demo.get<ClusterSummary>(session, `/clusters/${clusterId}`);
      const namespaces = await demo.list<NamespaceSummary>(session, `/namespaces?clusterId=${clusterId}`);
      const audit = await demo.list<AuditRow>(session, `/audit-events?clusterId=${clusterId}`);
      const after = await readCluster(kubectl, demo.kubeconfig);
      if (before.fingerprint !== after.fingerprint) continue; // the simulator stepped meanwhile: read again
      compared += 1;
      const expected = expectedVerdicts(after, audit, cluster.effectivePsaConfiguration.configuration);
      mismatches = [];
      const listed = new Map(namespaces.filter((n) => n.deletedAt === null).map((n) => [n.name, n]));
      if ([...listed.keys()].sort().join() !== [...expected.keys()].sort().join()) mismatches.push(`namespaces differ: API ${[...listed.keys()].sort().join()} vs kubectl ${[...expected.keys()].sort().join()}`);
      for (const [name, levels] of expected) {
        const shown = listed.get(name);
        if (!shown) continue;
        for (const level of LEVELS) {
          const truth = levels[level];
          const readiness = shown.readiness[level];
          const status = truth.failing.length === 0 ? 'ready' : truth.atRiskIfFailing ? 'at-risk' : 'blocked';
          if (readiness.status !== status) mismatches.push(`${name} ${level}: API says ${readiness.status}, libs/pss says ${status}: ${truth.failing.slice(0, 3).join('; ') || 'nothing fails'}`);
          if (readiness.blockingWorkloads !== truth.blocking.size) mismatches.push(`${name} ${level}: API counts ${readiness.blockingWorkloads} blocking workloads, libs/pss ${truth.blocking.size}`);
          if (readiness.exempt !== truth.exempt) mismatches.push(`${name} ${level}: exempt ${readiness.exempt}, configuration says ${truth.exempt}`);
          if (readiness.status === 'ready' && truth.failing.length > 0) mismatches.push(`${name} ${level}: READY while ${truth.failing[0]}`);
          if (readiness.provisional && readiness.status !== 'ready') mismatches.push(`${name} ${level}: provisional but ${readiness.status}`);
        }
      }
      namespacesCompared = expected.size;
      tally = {};
      for (const shown of listed.values()) for (const level of LEVELS) tally[`${level}:${shown.readiness[level].status}`] = (tally[`${level}:${shown.readiness[level].status}`] ?? 0) + 1;
      tally.auditBlocked = [...expected.values()].filter((levels) => levels.restricted.failing.some((reason) => reason.includes('audit-mode'))).length;
      if (mismatches.length || !tally.auditBlocked) await new Promise((resolve) => setTimeout(resolve, 2000)); // the agent and worker catch up
    }
    expect(mismatches).toEqual([]);
    expect(namespacesCompared).toBeGreaterThan(5);
    // Not a vacuous agreement: the demo cluster has namespaces in every state, and audit violations that count.
    expect(tally).toEqual(expect.objectContaining({ 'baseline:ready': expect.any(Number), 'restricted:ready': expect.any(Number), 'restricted:blocked': expect.any(Number), auditBlocked: expect.any(Number) }));
    expect(Object.keys(tally).some((key) => key.endsWith(':at-risk'))).toBe(true);
    expect(tally.auditBlocked).toBeGreaterThan(0);
    process.stdout.write(`demo truth: ${namespacesCompared} namespaces agree after ${compared} snapshot(s), ${((Date.now() - started) / 1000).toFixed(1)} s from npm start; ${JSON.stringify(tally)}\n`);
    expect(await demo.stop(running, 'group')).toEqual([]);
  });
});
