import type { Level } from '../api/level.js';
import { parseLevel } from '../api/level.js';
import type { ObjectMeta, PodLike, PodSpec } from '../api/pod.types.js';
import type { PolicyVersion } from '../api/version.js';
import { effectiveMinor, parseVersion } from '../api/version.js';
import type { CheckId, PodView, Violation } from './check.types.js';
import type { ActiveCheck } from './registry.js';
import { DEFAULT_CHECK_TABLE } from './registry.js';
import { podContainers } from './visit.util.js';

/** One failing check, as it appears in PSA's messages. */
export interface CheckFailure {
  id: CheckId;
  reason: string;
  detail: string;
}

/** The verdict of one level@version on one pod, with upstream's aggregated strings. */
export interface Evaluation {
  level: Level;
  /** The version as requested (`latest`, `v1.40`), which is what PSA prints, not the clamped one. */
  version: string;
  allowed: boolean;
  /** Reasons joined with ", " (upstream ForbiddenReason). */
  forbiddenReason: string;
  /** `reason (detail)` items joined with ", " (upstream ForbiddenDetail). */
  forbiddenDetail: string;
  /** Failing checks in upstream's result order. */
  checks: CheckFailure[];
}

const UNKNOWN_FORBIDDEN_REASON = 'unknown forbidden reason';
const EMPTY_META: ObjectMeta = Object.freeze({});
const EMPTY_SPEC: PodSpec = Object.freeze({});
const versionCache = new Map<string, PolicyVersion>();

function toVersion(version: PolicyVersion | string): PolicyVersion {
  if (typeof version !== 'string') return version;
  let parsed = versionCache.get(version);
  if (!parsed) {
    parsed = parseVersion(version);
    if (versionCache.size < 1024) versionCache.set(version, parsed);
  }
  return parsed;
}

function viewOf(pod: PodLike): PodView {
  const spec = pod.spec ?? EMPTY_SPEC;
  return { metadata: pod.metadata ?? EMPTY_META, spec, containers: podContainers(spec) };
}

/** Upstream AggregateCheckResults plus ForbiddenReason/ForbiddenDetail. */
export function aggregate(level: Level, version: string, checks: CheckFailure[]): Evaluation {
  let forbiddenReason = '';
  let forbiddenDetail = '';
  for (let i = 0; i < checks.length; i++) {
    const { reason, detail } = checks[i]!;
    const shown = reason === '' ? UNKNOWN_FORBIDDEN_REASON : reason;
    const separator = i === 0 ? '' : ', ';
    forbiddenReason += separator + shown;
    forbiddenDetail += separator + (detail === '' ? shown : `${shown} (${detail})`);
  }
  return { level, version, allowed: checks.length === 0, forbiddenReason, forbiddenDetail, checks };
}

function run(view: PodView, active: readonly ActiveCheck[]): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (let i = 0; i < active.length; i++) {
    const { id, check } = active[i]!;
    const violation: Violation | undefined = check(view);
    if (violation !== undefined) failures.push({ id, reason: violation.reason, detail: violation.detail });
  }
  return failures;
}

/**
 * Evaluates a pod (or pod template `{metadata, spec}`) at one level and version, exactly as Pod
 * Security Admission's EvaluatePod would. `version` is `latest` or `v1.N`; above the newest registered
 * version it is clamped, below v1.0 or malformed it throws PssInputError.
 */
export function evaluatePod(pod: PodLike, level: Level, version: PolicyVersion | string = 'latest'): Evaluation {
  const policyVersion = toVersion(version);
  if (level === 'privileged') return aggregate(level, policyVersion.label, []);
  const table = level === 'baseline' ? DEFAULT_CHECK_TABLE.baseline : DEFAULT_CHECK_TABLE.restricted;
  if (level !== 'baseline' && level !== 'restricted') parseLevel(level);
  return aggregate(level, policyVersion.label, run(viewOf(pod), table[effectiveMinor(policyVersion)]!));
}

export interface LevelEvaluations {
  privileged: Evaluation;
  baseline: Evaluation;
  restricted: Evaluation;
}

/** All three levels at one version, running each distinct check once. */
export function evaluatePodAllLevels(pod: PodLike, version: PolicyVersion | string = 'latest'): LevelEvaluations {
  const policyVersion = toVersion(version);
  const minor = effectiveMinor(policyVersion);
  const failures = run(viewOf(pod), DEFAULT_CHECK_TABLE.union[minor]!);
  const pick = (ids: ReadonlySet<CheckId>) => (failures.length === 0 ? [] : failures.filter((f) => ids.has(f.id)));
  return {
    privileged: aggregate('privileged', policyVersion.label, []),
    baseline: aggregate('baseline', policyVersion.label, pick(DEFAULT_CHECK_TABLE.baselineIds[minor]!)),
    restricted: aggregate('restricted', policyVersion.label, pick(DEFAULT_CHECK_TABLE.restrictedIds[minor]!)),
  };
}

/** `restricted:latest`, as upstream LevelVersion.String prints the namespace policy. */
export function policyString(level: Level, version: string): string {
  return `${level}:${version}`;
}

/** The text of PSA's warning and audit annotation for a failed evaluation. */
export function violationMessage(evaluation: Evaluation): string {
  return `would violate PodSecurity "${policyString(evaluation.level, evaluation.version)}": ${evaluation.forbiddenDetail}`;
}
