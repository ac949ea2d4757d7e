import type { CheckDefinition, PodView, Violation } from '../policy/check.types.js';
import { containerNames } from '../policy/format.util.js';
import { isWindowsPod } from '../policy/visit.util.js';
import { explicitSeccompViolation, validSeccompType } from './seccomp-profile-baseline.check.js';

function seccompProfileRestrictedV1_19({ spec, containers }: PodView): Violation | undefined {
  const podProfile = spec.securityContext?.seccompProfile;
  let badTypes: string[] | undefined;
  let podCovers = false;
  if (podProfile != null) {
    if (validSeccompType(podProfile)) podCovers = true;
    else badTypes = [podProfile.type ?? ''];
  }
  let explicitlyBad: string[] | undefined;
  let implicitlyBad: string[] | undefined;
  for (const container of containers) {
    const profile = container.securityContext?.seccompProfile;
    if (profile != null) {
      if (!validSeccompType(profile)) {
        (explicitlyBad ??= []).push(container.name);
        (badTypes ??= []).push(profile.type ?? '');
      }
    } else if (!podCovers) {
      (implicitlyBad ??= []).push(container.name);
    }
  }
  if (badTypes) return explicitSeccompViolation(podProfile, explicitlyBad, badTypes);
  if (!implicitlyBad) return undefined;
  return {
    reason: 'seccompProfile',
    detail: `pod or ${containerNames(implicitlyBad)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
  };
}

// API validation forbids seccomp on Windows pods, so from v1.25 they pass without it.
function seccompProfileRestrictedV1_25(pod: PodView): Violation | undefined {
  return isWindowsPod(pod.spec) ? undefined : seccompProfileRestrictedV1_19(pod);
}

export const seccompProfileRestrictedCheck: CheckDefinition = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minVersion: 19, check: seccompProfileRestrictedV1_19, overrides: ['seccompProfile_baseline'] },
    { minVersion: 25, check: seccompProfileRestrictedV1_25, overrides: ['seccompProfile_baseline'] },
  ],
};
