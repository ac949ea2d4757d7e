/**
 * How kube-apiserver words Pod Security violations, by apiserver minor version. Learned from
 * kubernetes/pod-security-admission at release tags v0.22.0..v0.36.0 (policy/check_*.go, policy/checks.go,
 * policy/registry.go, admission/admission.go); see PROVENANCE.md. Written independently of libs/pss so
 * that the agent's parser is tested against the apiserver's wording, not against our own formatter.
 *
 * What changed between releases (minor = the apiserver's, not the policy version's):
 * - 1.22: the audit annotation is `pod-security.kubernetes.io/audit` and holds the bare detail; from 1.23 it
 *   is `audit-violations` and starts with `would violate PodSecurity "level:version": `.
 * - 1.22, 1.23: no check overrides: restricted reports the baseline checks it tightens too (seccompProfile
 *   twice, capabilities twice, hostPath volumes beside restricted volume types).
 * - before 1.26: seLinuxOptions lists only bad types; a bad user or role alone leaves an empty list.
 * - before 1.30: AppArmor details are the annotations `key="value"`, comma-separated; from 1.30 they read
 *   `<setters> must not set AppArmor profile type to <values>`.
 * - 1.35: procMount_restricted overrides procMount at restricted and is reported among the restricted checks.
 */
export interface WordingEra {
  /** The first apiserver minor version with this wording. */
  sinceMinor: number;
}

/** Go's pluralize(singular, plural, n). */
export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** Go's %q of a plain ASCII string (the only kind the simulator generates). */
export function goQuote(value: string): string {
  return JSON.stringify(value);
}

/** Upstream joinQuote (policy/helpers.go): items wrapped in plain double quotes, joined by ", ", never escaped. */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

/** `container "a"` / `containers "a", "b"`. */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

export const annotationKeys = {
  /** 1.22 only. */
  auditLegacy: 'audit',
  auditViolations: 'audit-violations',
  enforcePolicy: 'enforce-policy',
  exempt: 'exempt',
  error: 'error',
} as const;

/** The audit annotation key (without prefix) and value for a failing audit evaluation. */
export function auditAnnotation(apiserverMinor: number, policy: string, detail: string): { key: string; value: string } {
  if (apiserverMinor <= 22) return { key: annotationKeys.auditLegacy, value: detail };
  return { key: annotationKeys.auditViolations, value: `would violate PodSecurity ${goQuote(policy)}: ${detail}` };
}

/** The reason a create was rejected, as the 403 Status message carries it. */
export function forbiddenMessage(apiserverMinor: number, resource: string, name: string, policy: string, detail: string): string {
  // 1.22 answered the bare detail (admission.go forbiddenResponse(result.ForbiddenDetail())).
  if (apiserverMinor <= 22) return detail;
  return `${resource} ${goQuote(name)} is forbidden: violates PodSecurity ${goQuote(policy)}: ${detail}`;
}
