import { stringify } from 'yaml';

import type { Level } from '../api/level.js';
import type { PodLike, PodSpec } from '../api/pod.types.js';
import type { PolicyVersion } from '../api/version.js';
import type { CheckId } from '../policy/check.types.js';
import { evaluatePod } from '../policy/evaluate.js';
import { isWindowsPod } from '../policy/visit.util.js';
import { validSeccompType } from '../checks/seccomp-profile-baseline.check.js';
import { EXCEPTION_REASONS, MANUAL_REASONS } from './manual-reason.constant.js';
import { remediationFor } from './remediation.constant.js';
import type { Remediation } from './remediation.types.js';
import type { ContainerRef, SecurityContextChange } from './security-context-patch.util.js';
import { applyChanges, changePath, containerRefs, patchDocument } from './security-context-patch.util.js';

/** One field suggestPatch sets. */
export interface SuggestedChange {
  /** Where, e.g. `spec.containers[0].securityContext.allowPrivilegeEscalation`. */
  path: string;
  /** The field's whole new value. */
  value: unknown;
  /** The failing check this change fixes. */
  checkId: CheckId;
}

/** A failing check, or part of one, that needs a human decision. */
export interface ManualFix {
  checkId: CheckId;
  /** Why suggestPatch did not change it in this pod. */
  reason: string;
  /** What Pod Security still reports for this check once the suggested changes are applied. */
  detail: string;
  remediation: Remediation;
}

export interface PatchSuggestion {
  allowedBefore: boolean;
  /** In upstream's check order; empty when the pod already passes. */
  changes: SuggestedChange[];
  /** A copy of the pod with `changes` applied. */
  patchedPod: PodLike;
  /** Exactly the checks that still fail on `patchedPod`. */
  manual: ManualFix[];
  /** True exactly when `manual` is empty. */
  allowedAfter: boolean;
  /** `changes` as a strategic merge patch of `{spec: ...}` with containers keyed by name; `{}` when empty. */
  yaml: string;
}

interface PodFacts {
  spec: PodSpec;
  refs: ContainerRef[];
  windows: boolean;
  /**
   * Ephemeral containers exist only on a running pod (the ephemeralcontainers subresource adds them), and a
   * running pod's securityContext and ephemeral containers cannot be changed: no patch applies to it.
   */
  live: boolean;
}

interface Fix {
  changes: SecurityContextChange[];
  /** Set when at least part of the failure is left to a human. */
  manual?: string;
}

// An explicit true is a choice (file capabilities of a non-root image need it), like runAsNonRoot: false.
function fixAllowPrivilegeEscalation({ refs, windows }: PodFacts): Fix {
  if (windows) return { changes: [], manual: EXCEPTION_REASONS.windowsPod('allowPrivilegeEscalation') };
  const changes: SecurityContextChange[] = [];
  let forced = false;
  let explicit = false;
  for (const ref of refs) {
    const context = ref.container.securityContext;
    if (context?.allowPrivilegeEscalation === false) continue;
    if (context?.privileged === true || context?.capabilities?.add?.includes('CAP_SYS_ADMIN')) {
      forced = true;
    } else if (context?.allowPrivilegeEscalation === true) {
      explicit = true;
    } else {
      changes.push({ checkId: 'allowPrivilegeEscalation', container: ref, field: ['allowPrivilegeEscalation'], value: false });
    }
  }
  const reasons = [forced && EXCEPTION_REASONS.escalationForced, explicit && EXCEPTION_REASONS.escalationExplicit].filter(
    (reason): reason is string => typeof reason === 'string',
  );
  return reasons.length > 0 ? { changes, manual: reasons.join(' ') } : { changes };
}

// Adds "ALL" to drop but never removes an added capability: the app may need it.
function fixCapabilitiesRestricted({ refs, windows }: PodFacts): Fix {
  if (windows) return { changes: [], manual: EXCEPTION_REASONS.windowsPod('capabilities') };
  const changes: SecurityContextChange[] = [];
  let adds = false;
  for (const ref of refs) {
    const capabilities = ref.container.securityContext?.capabilities;
    const drop = capabilities?.drop ?? [];
    if (!drop.includes('ALL')) {
      changes.push({ checkId: 'capabilities_restricted', container: ref, field: ['capabilities', 'drop'], value: [...drop, 'ALL'] });
    }
    if (capabilities?.add?.some((capability) => capability !== 'NET_BIND_SERVICE')) adds = true;
  }
  return adds ? { changes, manual: EXCEPTION_REASONS.capabilityAdded } : { changes };
}

// One pod-level true covers every container that leaves the field unset.
function fixRunAsNonRoot({ spec, refs }: PodFacts): Fix {
  const podContext = spec.securityContext;
  const explicitFalse =
    podContext?.runAsNonRoot === false || refs.some((ref) => ref.container.securityContext?.runAsNonRoot === false);
  if (explicitFalse) return { changes: [], manual: EXCEPTION_REASONS.runAsNonRootFalse };
  const coversRoot = refs.some((ref) => {
    const context = ref.container.securityContext;
    return context?.runAsNonRoot == null && (context?.runAsUser ?? podContext?.runAsUser) === 0;
  });
  if (coversRoot) return { changes: [], manual: EXCEPTION_REASONS.rootUid };
  return { changes: [{ checkId: 'runAsNonRoot', field: ['runAsNonRoot'], value: true }] };
}

// One pod-level profile covers every container that leaves the field unset.
function fixSeccompProfileRestricted({ spec, refs, windows }: PodFacts): Fix {
  if (windows) return { changes: [], manual: EXCEPTION_REASONS.windowsPod('seccompProfile') };
  const podProfile = spec.securityContext?.seccompProfile;
  const explicitBad =
    (podProfile != null && !validSeccompType(podProfile)) ||
    refs.some((ref) => {
      const profile = ref.container.securityContext?.seccompProfile;
      return profile != null && !validSeccompType(profile);
    });
  if (explicitBad) return { changes: [], manual: EXCEPTION_REASONS.seccompExplicit };
  return { changes: [{ checkId: 'seccompProfile_restricted', field: ['seccompProfile'], value: { type: 'RuntimeDefault' } }] };
}

function fixFor(checkId: CheckId, pod: PodFacts): Fix {
  switch (checkId) {
    case 'allowPrivilegeEscalation':
      return fixAllowPrivilegeEscalation(pod);
    case 'capabilities_restricted':
      return fixCapabilitiesRestricted(pod);
    case 'runAsNonRoot':
      return fixRunAsNonRoot(pod);
    case 'seccompProfile_restricted':
      return fixSeccompProfileRestricted(pod);
    case 'hostPorts':
      return { changes: [], manual: pod.spec.hostNetwork === true ? EXCEPTION_REASONS.hostNetworkPorts : MANUAL_REASONS.hostPorts };
    default:
      return { changes: [], manual: MANUAL_REASONS[checkId] };
  }
}

/**
 * The smallest securityContext change that makes `pod` pass `level` at `version`, as far as that needs no human
 * decision: `allowPrivilegeEscalation: false` and `capabilities.drop: [ALL]` per container, pod-level
 * `runAsNonRoot: true` and `seccompProfile: {type: RuntimeDefault}`, each only where the level at that version
 * fails without it. Everything else (explicit choices, added capabilities, host access, volumes) is listed in
 * `manual` with its remediation. The result is checked by evaluating the patched pod; the input is not mutated.
 * Meant for manifests and pod templates: a running pod's securityContext cannot be changed in place, so a pod
 * with ephemeral containers (which only a running pod has) gets no changes, and every failure is `manual`.
 */
export function suggestPatch(
  pod: PodLike,
  level: Exclude<Level, 'privileged'>,
  version: PolicyVersion | string = 'latest',
): PatchSuggestion {
  const before = evaluatePod(pod, level, version);
  const spec = pod.spec ?? {};
  const facts: PodFacts = {
    spec,
    refs: containerRefs(spec),
    windows: isWindowsPod(spec),
    live: (spec.ephemeralContainers?.length ?? 0) > 0,
  };

  const planned: SecurityContextChange[] = [];
  const manualReasons = new Map<CheckId, string>();
  for (const failure of before.checks) {
    const fix = fixFor(failure.id, facts);
    if (facts.live && fix.changes.length > 0) {
      manualReasons.set(failure.id, fix.manual === undefined ? EXCEPTION_REASONS.livePod : `${EXCEPTION_REASONS.livePod} ${fix.manual}`);
      continue;
    }
    planned.push(...fix.changes);
    if (fix.manual !== undefined) manualReasons.set(failure.id, fix.manual);
  }

  const patchedPod = applyChanges(pod, planned);
  const after = evaluatePod(patchedPod, level, version);
  const manual: ManualFix[] = [];
  for (const failure of after.checks) {
    const reason = manualReasons.get(failure.id);
    if (reason === undefined) {
      throw new Error(`suggestPatch left ${failure.id} failing at ${level}:${before.version}: ${failure.detail}`);
    }
    manual.push({ checkId: failure.id, reason, detail: failure.detail, remediation: remediationFor(failure.id, pod) });
  }
  if (manual.length !== manualReasons.size) {
    const passing = [...manualReasons.keys()].filter((id) => !manual.some((fix) => fix.checkId === id));
    throw new Error(`suggestPatch marked ${passing.join(', ')} manual, but the patched pod passes`);
  }

  return {
    allowedBefore: before.allowed,
    changes: planned.map((change) => ({ path: changePath(change), value: change.value, checkId: change.checkId })),
    patchedPod,
    manual,
    allowedAfter: after.allowed,
    yaml: stringify(patchDocument(planned)),
  };
}
