import type { AuditCase } from '../audit/audit-event.types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { PodSecurityAdmission, PsaAdmissionMode } from '../audit/pod-security-admission.js';
import { recordedAnnotationsFor } from '../audit/recorded-annotations.js';
import type { AuditUser, ClusterBuilder, WorkloadRecord } from '../cluster/cluster-builder.js';
import { LABEL_STAGES, STAGE_ORDER, TEAM_USERS, type LabelStage } from '../cluster/generate-cluster.js';
import { hardenTemplate, REGRESSIONS, TEAM_SHAPES, type PodTemplate } from '../cluster/workload-shapes.js';
import type { SimClock } from '../clock/sim-clock.js';
import type { SeededRandom } from '../random/seeded-random.js';
import type { KubeObject } from '../store/kube-object.js';
import type { ObjectStore } from '../store/object-store.js';
import { evaluatePodSecurity } from '../psa/pod-security-checks.js';

/** One thing that happened in a scenario step, for logs, tests and the demo's narration. */
export interface ScenarioChange {
  at: string;
  kind: 'fix' | 'regression' | 'relabel' | 'cronjob-run' | 'debug' | 'special' | 'cleanup';
  namespace: string;
  name: string;
  detail: string;
}

/**
 * How many steps a pod created by hand (the special cases' bare pods) lives before someone deletes it: people clean up
 * after a test or a debugging session, so these do not pile up and drown the teams' progress in the trends.
 */
export const BARE_POD_LIFETIME_STEPS = 6;

/** Special audit cases, emitted one per step in this order so a short run sees each of them. */
export const SPECIAL_CASES: readonly AuditCase[] = ['denied', 'dry-run', 'impersonated', 'webhook-prefixed', 'unparseable', 'exempt', 'recorded'];

export interface ScenarioDeps {
  store: ObjectStore;
  builder: ClusterBuilder;
  admission: PodSecurityAdmission;
  audit: AuditLog;
  random: SeededRandom;
  clock: SimClock;
  apiserverMinor: number;
  /** A user the PSA configuration exempts (usernames), so the exempt case has someone to use. */
  exemptUser: string | undefined;
  /** A namespace the PSA configuration exempts, when it exempts one that exists. */
  exemptNamespace?: string | undefined;
  /** A runtime class the PSA configuration exempts. */
  exemptRuntimeClass?: string | undefined;
  setAdmissionMode(mode: PsaAdmissionMode): PsaAdmissionMode;
}

const impersonator: AuditUser = { username: 'alice@example.com', groups: ['platform-admins', 'system:authenticated'] };

/**
 * Scenarios over time: at each step teams fix workloads, new violations appear, namespaces move to the
 * next rollout stage, CronJobs run, someone debugs a pod, and one special audit case is produced
 * (denied, dry-run, impersonated, webhook-prefixed, unparseable, exempt, a recorded real annotation).
 * Driven by the injected clock and the seeded random stream: the same seed replays the same history.
 */
export class ScenarioEngine {
  private step = 0;
  private exemptTurn = 0;
  /** Bare pods the special cases created, oldest first, with the step that created them. */
  private readonly barePods: { namespace: string; name: string; step: number }[] = [];
  readonly changes: ScenarioChange[] = [];

  constructor(private readonly deps: ScenarioDeps) {}

  get steps(): number {
    return this.step;
  }

  runStep(): ScenarioChange[] {
    const before = this.changes.length;
    const { random } = this.deps;
    this.cleanUp();
    this.special(SPECIAL_CASES[this.step % SPECIAL_CASES.length]!);
    const actions = random.int(2, 4);
    // Teams fix more than they break (a staged rollout that makes progress), with setbacks along the way.
    for (let i = 0; i < actions; i++) {
      const roll = random.int(1, 100);
      if (roll <= 30) this.fixOne();
      else if (roll <= 45) this.regressOne();
      else if (roll <= 60) this.relabelOne();
      else if (roll <= 90) this.runCronJob();
      else this.debugOne();
    }
    this.step += 1;
    return this.changes.slice(before);
  }

  private cleanUp(): void {
    while (this.barePods.length && this.barePods[0]!.step <= this.step - BARE_POD_LIFETIME_STEPS) {
      const { namespace, name } = this.barePods.shift()!;
      if (this.deps.store.delete('pods', namespace, name)) this.note('cleanup', namespace, name, 'pod created by hand deleted');
    }
  }

  /** Keeps a bare pod a special case stored, so cleanUp deletes it later. */
  private created(pod: KubeObject | undefined): KubeObject | undefined {
    if (pod) this.barePods.push({ namespace: pod.metadata.namespace!, name: pod.metadata.name, step: this.step });
    return pod;
  }

  private note(kind: ScenarioChange['kind'], namespace: string, name: string, detail: string): void {
    this.changes.push({ at: this.deps.clock.isoSeconds(), kind, namespace, name, detail });
    if (this.changes.length > 10_000) this.changes.splice(0, this.changes.length - 10_000);
  }

  private deployments(): WorkloadRecord[] {
    return [...this.deps.builder.workloads.values()].filter((w) => w.kind === 'Deployment' && w.shapeId !== 'system' && w.replicas > 0);
  }

  private fails(template: PodTemplate, level: 'baseline' | 'restricted'): boolean {
    return evaluatePodSecurity(template, level, this.deps.apiserverMinor, this.deps.apiserverMinor).length > 0;
  }

  private fixOne(): void {
    const candidates = this.deployments().filter((w) => this.fails(w.template, 'restricted'));
    if (!candidates.length) return;
    const target = this.deps.random.pick(candidates);
    if (this.deps.builder.rolloutDeployment(target.namespace, target.name, hardenTemplate(target.template), this.deps.random.pick(TEAM_USERS))) {
      this.note('fix', target.namespace, target.name, 'template hardened to restricted');
    }
  }

  private regressOne(): void {
    const candidates = this.deployments().filter((w) => !this.fails(w.template, 'baseline'));
    if (!candidates.length) return;
    const target = this.deps.random.pick(candidates);
    const regression = this.deps.random.pick(REGRESSIONS);
    if (this.deps.builder.rolloutDeployment(target.namespace, target.name, regression.apply(target.template), this.deps.random.pick(TEAM_USERS))) {
      this.note('regression', target.namespace, target.name, `new violation: ${regression.id}`);
    }
  }

  private relabelOne(): void {
    const teamNamespaces = this.deps.store.list('namespaces').filter((ns) => ns.metadata.labels?.team);
    if (!teamNamespaces.length) return;
    const ns = this.deps.random.pick(teamNamespaces);
    const labels = ns.metadata.labels ?? {};
    const current = (Object.keys(LABEL_STAGES) as LabelStage[]).find((stage) =>
      Object.entries(LABEL_STAGES[stage]).every(([k, v]) => labels[k] === v) &&
      Object.keys(labels).filter((k) => k.startsWith('pod-security.kubernetes.io/')).length === Object.keys(LABEL_STAGES[stage]).length,
    );
    const index = current ? STAGE_ORDER.indexOf(current) : -1;
    // Past the last stage, or off the usual path (pinned, invalid): the team resets to the first audited stage.
    const next: LabelStage = index >= 0 && index < STAGE_ORDER.length - 1 ? STAGE_ORDER[index + 1]! : 'audit-warn-restricted';
    const kept = Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith('pod-security.kubernetes.io/') && k !== 'kubernetes.io/metadata.name'));
    this.deps.builder.relabelNamespace(ns.metadata.name, { ...kept, ...LABEL_STAGES[next] });
    this.note('relabel', ns.metadata.name, ns.metadata.name, `${current ?? 'custom'} -> ${next}`);
  }

  private runCronJob(): void {
    const cronJobs = [...this.deps.builder.workloads.values()].filter((w) => w.kind === 'CronJob');
    if (!cronJobs.length) return;
    const target = this.deps.random.pick(cronJobs);
    const job = this.deps.builder.runCronJob(target.namespace, target.name);
    this.note('cronjob-run', target.namespace, target.name, job ? `job ${job.metadata.name}` : 'job rejected');
  }

  private debugOne(): void {
    const pod = this.randomRunningPod();
    if (!pod) return;
    const added = this.deps.builder.addDebugContainer(pod.metadata.namespace!, pod.metadata.name, impersonator);
    this.note('debug', pod.metadata.namespace!, pod.metadata.name, added ? 'ephemeral debug container added' : 'ephemeral container rejected');
  }

  private randomRunningPod(): KubeObject | undefined {
    const pods = this.deps.store.list('pods').filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running' && p.metadata.labels?.['k8s-app'] === undefined);
    return pods.length ? this.deps.random.pick(pods) : undefined;
  }

  private namespaceWith(predicate: (labels: Record<string, string>) => boolean): string | undefined {
    const candidates = this.deps.store.list('namespaces').filter((ns) => ns.metadata.labels?.team && predicate(ns.metadata.labels));
    return candidates.length ? this.deps.random.pick(candidates).metadata.name : undefined;
  }

  /** One special audit case; each goes through the same admission as everything else. */
  special(auditCase: AuditCase): void {
    const { builder, admission, random } = this.deps;
    const violating = TEAM_SHAPES.find((s) => s.id === 'docker-in-docker')!;
    const anyNs = this.namespaceWith(() => true);
    if (!anyNs) return;
    const name = `${auditCase}-${random.kubeSuffix(5)}`;
    switch (auditCase) {
      case 'denied': {
        const ns = this.namespaceWith((l) => l['pod-security.kubernetes.io/enforce'] === 'restricted') ?? anyNs;
        admission.nextCase = 'denied';
        const pod = this.created(builder.createBarePod(ns, name, violating.id, violating.template(name), random.pick(TEAM_USERS)));
        this.note('special', ns, name, pod ? 'created (namespace not enforcing)' : 'denied by enforce');
        return;
      }
      case 'dry-run': {
        const ns = this.namespaceWith((l) => l['pod-security.kubernetes.io/audit'] === 'restricted') ?? anyNs;
        const pod = builder.buildPod(ns, violating.template(name), { name });
        admission.nextCase = 'dry-run';
        admission.admit({ verb: 'create', resource: 'pods', namespace: ns, name, object: pod, user: TEAM_USERS[1]!, dryRun: true });
        this.note('special', ns, name, 'server-side dry run (not stored)');
        return;
      }
      case 'impersonated': {
        const ns = this.namespaceWith((l) => l['pod-security.kubernetes.io/audit'] === 'restricted') ?? anyNs;
        admission.nextCase = 'impersonated';
        // An AppArmor-annotated pod: every apiserver version words this check differently.
        const apparmor = TEAM_SHAPES.find((s) => s.id === 'apparmor-unconfined')!;
        const pod = builder.buildPod(ns, apparmor.template(name), { name });
        const impersonatedUser: AuditUser = { username: `system:serviceaccount:${ns}:deployer`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'] };
        const stored = admission.admit({ verb: 'create', resource: 'pods', namespace: ns, name, object: pod, user: impersonator, impersonatedUser });
        if (stored) this.created(this.deps.store.put('pods', pod));
        this.note('special', ns, name, `created as ${impersonatedUser.username} by ${impersonator.username}`);
        return;
      }
      case 'webhook-prefixed': {
        const ns = this.namespaceWith((l) => l['pod-security.kubernetes.io/audit'] === 'restricted' && !l['pod-security.kubernetes.io/enforce']) ?? anyNs;
        const previous = this.deps.setAdmissionMode('webhook');
        admission.nextCase = 'webhook-prefixed';
        const shape = TEAM_SHAPES.find((s) => s.id === 'defaults-only')!;
        this.created(builder.createBarePod(ns, name, shape.id, shape.template(name), random.pick(TEAM_USERS)));
        this.deps.setAdmissionMode(previous);
        this.note('special', ns, name, 'audited by the Pod Security webhook');
        return;
      }
      case 'unparseable': {
        const ns = this.namespaceWith((l) => l['pod-security.kubernetes.io/audit'] === 'restricted' && !l['pod-security.kubernetes.io/enforce']) ?? anyNs;
        admission.nextCase = 'unparseable';
        admission.corruptNext = true;
        const shape = TEAM_SHAPES.find((s) => s.id === 'defaults-only')!;
        this.created(builder.createBarePod(ns, name, shape.id, shape.template(name), random.pick(TEAM_USERS)));
        admission.corruptNext = false;
        this.note('special', ns, name, 'audit annotation truncated in transit');
        return;
      }
      case 'exempt': {
        // Each exempt turn takes the next exemption the configuration has: user, namespace, runtime class (PSA
        // writes `exempt: user|namespace|runtimeClass` and nothing else for these requests).
        const kinds = [
          ...(this.deps.exemptUser ? (['user'] as const) : []),
          ...(this.deps.exemptNamespace && this.deps.store.get('namespaces', undefined, this.deps.exemptNamespace) ? (['namespace'] as const) : []),
          ...(this.deps.exemptRuntimeClass ? (['runtimeClass'] as const) : []),
        ];
        if (!kinds.length) return;
        const kind = kinds[this.exemptTurn++ % kinds.length]!;
        const restricted = this.namespaceWith((l) => l['pod-security.kubernetes.io/enforce'] === 'restricted') ?? anyNs;
        if (kind === 'user') {
          const user: AuditUser = { username: this.deps.exemptUser!, groups: ['system:authenticated'] };
          this.created(builder.createBarePod(restricted, name, violating.id, violating.template(name), user));
          this.note('special', restricted, name, `exempt user ${user.username}`);
        } else if (kind === 'namespace') {
          this.created(builder.createBarePod(this.deps.exemptNamespace!, name, violating.id, violating.template(name), random.pick(TEAM_USERS)));
          this.note('special', this.deps.exemptNamespace!, name, 'exempt namespace');
        } else {
          // A namespace that enforces something, so the pod is not short-circuited as fully privileged first.
          const template = violating.template(name) as { spec: Record<string, unknown> };
          template.spec = { ...template.spec, runtimeClassName: this.deps.exemptRuntimeClass };
          this.created(builder.createBarePod(restricted, name, violating.id, template as ReturnType<typeof violating.template>, random.pick(TEAM_USERS)));
          this.note('special', restricted, name, `exempt runtime class ${this.deps.exemptRuntimeClass}`);
        }
        return;
      }
      case 'recorded': {
        const recorded = recordedAnnotationsFor(this.deps.apiserverMinor);
        if (!recorded.length) return;
        const entry = recorded[this.step % recorded.length]!;
        const ns = this.namespaceWith((l) => l['pod-security.kubernetes.io/audit'] === 'restricted') ?? anyNs;
        const pod = builder.buildPod(ns, violating.template(name), { name });
        this.deps.audit.record(
          { verb: 'create', resource: 'pods', namespace: ns, name, object: pod, user: random.pick(TEAM_USERS) },
          { allowed: true, annotations: { 'pod-security.kubernetes.io/enforce-policy': 'privileged:latest', 'pod-security.kubernetes.io/audit-violations': entry.value } },
          'recorded',
        );
        this.note('special', ns, name, `recorded annotation ${entry.id}`);
        return;
      }
      default:
        return;
    }
  }
}
