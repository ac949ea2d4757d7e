import type { PsaLabelSet, RolloutStage } from '@ratchet/contracts';

/** A namespace's Pod Security labels as stored (raw: a value may be invalid). */
export interface NamespaceLabels {
  enforce: string | null;
  enforceVersion: string | null;
  audit: string | null;
  auditVersion: string | null;
  warn: string | null;
  warnVersion: string | null;
}

/** Readiness of the namespace for one level, at its effective version, as the worker computed it. */
export interface LevelReadinessState {
  status: 'ready' | 'blocked' | 'unknown';
  /** Workloads that would be rejected. */
  blockingWorkloads: number;
  /** Audit-mode violations within the readiness window. */
  auditViolations: number;
  /** Ready, and observed for at least the readiness window (short-lived pods had time to show up in audit). */
  cleanForWindow: boolean;
}

export interface RecommendationInput {
  namespace: string;
  labels: NamespaceLabels;
  baseline: LevelReadinessState;
  restricted: LevelReadinessState;
  windowDays: number;
}

export interface Recommendation {
  stage: RolloutStage;
  currentLabels: PsaLabelSet;
  recommendedLabels: PsaLabelSet;
  changes: boolean;
  yaml: string;
  kubectlCommand: string;
  reasoning: string[];
}

const PREFIX = 'pod-security.kubernetes.io/';
const LEVELS = new Set(['privileged', 'baseline', 'restricted']);
const VERSION = /^(latest|v1\.(0|[1-9][0-9]*))$/;

type Mode = 'enforce' | 'audit' | 'warn';

function labelSet(labels: NamespaceLabels): PsaLabelSet {
  const set: PsaLabelSet = {};
  const put = (key: string, value: string | null) => {
    if (value !== null) set[`${PREFIX}${key}`] = value;
  };
  put('enforce', labels.enforce);
  put('enforce-version', labels.enforceVersion);
  put('audit', labels.audit);
  put('audit-version', labels.auditVersion);
  put('warn', labels.warn);
  put('warn-version', labels.warnVersion);
  return set;
}

function describe(state: LevelReadinessState, level: string, windowDays: number): string {
  if (state.status === 'unknown') return `${level} readiness is not known yet`;
  if (state.status === 'ready') {
    return state.cleanForWindow
      ? `${level} passes: nothing would be rejected and no audit-mode violation in the last ${windowDays} day(s)`
      : `${level} passes today, but the namespace has been observed for less than the ${windowDays}-day readiness window`;
  }
  const parts: string[] = [];
  if (state.blockingWorkloads > 0) parts.push(`${state.blockingWorkloads} workload(s) would be rejected`);
  if (state.auditViolations > 0) parts.push(`${state.auditViolations} audit-mode violation(s) in the last ${windowDays} day(s)`);
  return `${level} does not pass: ${parts.join(' and ') || 'blocked'}`;
}

/**
 * The next safe Pod Security label set of a namespace, following the staged rollout: enforce the level that passes
 * today and audit + warn the next one; enforce the next once it has been clean for the readiness window. Never
 * relaxes a level already enforced (an at-risk namespace needs its workloads fixed, not a weaker label). Versions:
 * the enforce-version it pins (readiness was computed there), else `latest`; audit and warn follow it.
 */
export function recommendLabels(input: RecommendationInput): Recommendation {
  const { labels, baseline, restricted, windowDays } = input;
  const enforce = labels.enforce !== null && LEVELS.has(labels.enforce) ? labels.enforce : null;
  const version = labels.enforceVersion !== null && VERSION.test(labels.enforceVersion) ? labels.enforceVersion : 'latest';
  const reasoning: string[] = [];
  if (labels.enforce !== null && enforce === null) reasoning.push(`The enforce label "${labels.enforce}" is not a Pod Security level; it is treated as not enforcing anything here.`);
  if (labels.enforceVersion !== null && !VERSION.test(labels.enforceVersion)) reasoning.push(`The enforce-version label "${labels.enforceVersion}" is invalid; latest is recommended instead.`);

  const target: Partial<Record<Mode, string>> = {};
  let stage: RolloutStage;
  if (baseline.status === 'unknown' || restricted.status === 'unknown') {
    stage = 'unknown';
    reasoning.push('Readiness is not known yet (the agent has not reported the namespace, or the cluster its Kubernetes version): no change is recommended until it is.');
  } else if (enforce === 'restricted') {
    stage = restricted.status === 'blocked' ? 'at-risk' : 'done';
    reasoning.push(
      stage === 'done'
        ? `It already enforces restricted and ${describe(restricted, 'restricted', windowDays)}: nothing further to do.`
        : `It enforces restricted but ${describe(restricted, 'restricted', windowDays)}: their next rollout will be rejected. Fix the workloads rather than relaxing the label.`,
    );
  } else if (enforce === 'baseline' && baseline.status === 'blocked') {
    stage = 'at-risk';
    reasoning.push(`It enforces baseline but ${describe(baseline, 'baseline', windowDays)}: their next rollout will be rejected. Fix the workloads rather than relaxing the label.`);
  } else if (baseline.status === 'blocked') {
    stage = 'observe-baseline';
    target.audit = 'baseline';
    target.warn = 'baseline';
    reasoning.push(`${capitalize(describe(baseline, 'baseline', windowDays))}: nothing can be enforced safely yet.`);
    reasoning.push('Audit and warn baseline, so violations show in the audit log and kubectl warns whoever deploys them, without rejecting anything.');
  } else if (restricted.status === 'ready' && restricted.cleanForWindow) {
    stage = 'enforce-restricted';
    target.enforce = 'restricted';
    target.audit = 'restricted';
    target.warn = 'restricted';
    reasoning.push(`${capitalize(describe(restricted, 'restricted', windowDays))}: enforce restricted.`);
  } else {
    stage = enforce === 'baseline' ? 'fix-restricted' : 'enforce-baseline';
    target.enforce = 'baseline';
    target.audit = 'restricted';
    target.warn = 'restricted';
    reasoning.push(
      enforce === 'baseline'
        ? `It enforces baseline and ${describe(baseline, 'baseline', windowDays)}; ${describe(restricted, 'restricted', windowDays)}.`
        : `${capitalize(describe(baseline, 'baseline', windowDays))}: enforce baseline now.`,
    );
    if (enforce !== 'baseline') reasoning.push(`${capitalize(describe(restricted, 'restricted', windowDays))}.`);
    reasoning.push(`Audit and warn restricted until it has been clean for ${windowDays} day(s), then enforce it.`);
  }

  const current = labelSet(labels);
  const recommended: PsaLabelSet = { ...current };
  for (const mode of ['enforce', 'audit', 'warn'] as const) {
    const level = target[mode];
    if (level === undefined) continue;
    recommended[`${PREFIX}${mode}`] = level;
    recommended[`${PREFIX}${mode}-version`] = version;
  }
  if (Object.keys(target).length > 0) reasoning.push(`Versions pin ${version}${version === 'latest' ? " (the cluster's release)" : ''}, the version readiness was computed at.`);
  const changed = Object.keys(recommended)
    .sort()
    .filter((key) => recommended[key] !== current[key]);
  const sorted = Object.fromEntries(Object.keys(recommended).sort().map((key) => [key, recommended[key]!]));
  return {
    stage,
    currentLabels: Object.fromEntries(Object.keys(current).sort().map((key) => [key, current[key]!])),
    recommendedLabels: sorted,
    changes: changed.length > 0,
    yaml: yamlOf(input.namespace, sorted),
    kubectlCommand: changed.length === 0 ? '' : `kubectl label ns ${input.namespace} ${changed.map((key) => `${key}=${recommended[key]}`).join(' ')} --overwrite`,
    reasoning,
  };
}

// Label keys and the values written here (levels, versions) are plain YAML scalars: no quoting needed.
function yamlOf(namespace: string, labels: PsaLabelSet): string {
  const entries = Object.entries(labels);
  const body = entries.length === 0 ? ['  labels: {}'] : ['  labels:', ...entries.map(([key, value]) => `    ${key}: ${value}`)];
  return ['apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${namespace}`, ...body].join('\n') + '\n';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
