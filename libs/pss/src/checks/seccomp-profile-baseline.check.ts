import type { Maybe, SeccompProfile } from '../api/pod.types.js';
import type { CheckDefinition, PodView, Violation } from '../policy/check.types.js';
import { containerNames, goQuote, joinQuote, pluralize, sortedSet } from '../policy/format.util.js';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function validAnnotationValue(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

/** A profile type the Pod Security Standards accept. A profile object with no type has type "". */
export function validSeccompType(profile: SeccompProfile): boolean {
  return profile.type === 'RuntimeDefault' || profile.type === 'Localhost';
}

// Before v1.19 seccomp was configured through alpha annotations, and only those are read.
function seccompProfileBaselineV1_0({ metadata, containers }: PodView): Violation | undefined {
  const annotations = metadata.annotations;
  if (!annotations) return undefined;
  let forbidden: string[] | undefined;
  const inspect = (key: string): void => {
    if (!Object.hasOwn(annotations, key)) return;
    // Go decodes a null annotation value as "", which is present and not a valid profile.
    const value = annotations[key] ?? '';
    if (!validAnnotationValue(value)) (forbidden ??= []).push(`${key}=${goQuote(value)}`);
  };
  inspect(POD_ANNOTATION);
  for (const container of containers) inspect(CONTAINER_ANNOTATION_PREFIX + container.name);
  if (!forbidden) return undefined;
  const distinct = sortedSet(forbidden);
  return {
    reason: 'seccompProfile',
    detail: `forbidden ${pluralize('annotation', 'annotations', distinct.length)} ${distinct.join(', ')}`,
  };
}

/** Pod and containers that set a bad type explicitly, and the bad types; shared with the restricted check. */
export function explicitSeccompViolation(
  podProfile: Maybe<SeccompProfile>,
  badContainers: string[] | undefined,
  badTypes: readonly string[],
): Violation | undefined {
  const podBad = podProfile != null && !validSeccompType(podProfile);
  if (!podBad && !badContainers) return undefined;
  const setters: string[] = podBad ? ['pod'] : [];
  if (badContainers) setters.push(containerNames(badContainers));
  return {
    reason: 'seccompProfile',
    detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badTypes))}`,
  };
}

// From v1.19 only the fields count; annotations are ignored entirely.
function seccompProfileBaselineV1_19({ spec, containers }: PodView): Violation | undefined {
  const podProfile = spec.securityContext?.seccompProfile;
  let badTypes: string[] | undefined;
  if (podProfile != null && !validSeccompType(podProfile)) badTypes = [podProfile.type ?? ''];
  let badContainers: string[] | undefined;
  for (const container of containers) {
    const profile = container.securityContext?.seccompProfile;
    if (profile != null && !validSeccompType(profile)) {
      (badContainers ??= []).push(container.name);
      (badTypes ??= []).push(profile.type ?? '');
    }
  }
  return badTypes ? explicitSeccompViolation(podProfile, badContainers, badTypes) : undefined;
}

export const seccompProfileBaselineCheck: CheckDefinition = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  versions: [
    { minVersion: 0, check: seccompProfileBaselineV1_0 },
    { minVersion: 19, check: seccompProfileBaselineV1_19 },
  ],
};
