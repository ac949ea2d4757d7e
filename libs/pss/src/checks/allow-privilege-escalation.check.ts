import type { CheckDefinition, PodView, Violation } from '../policy/check.types.js';
import { containerNames } from '../policy/format.util.js';
import { isWindowsPod } from '../policy/visit.util.js';

// Only an explicit false passes: a nil securityContext or field fails.
function allowPrivilegeEscalationV1_8({ containers }: PodView): Violation | undefined {
  let bad: string[] | undefined;
  for (const container of containers) {
    if (container.securityContext?.allowPrivilegeEscalation !== false) (bad ??= []).push(container.name);
  }
  if (!bad) return undefined;
  return {
    reason: 'allowPrivilegeEscalation != false',
    detail: `${containerNames(bad)} must set securityContext.allowPrivilegeEscalation=false`,
  };
}

// API validation forbids the field on Windows pods, so from v1.25 they pass without it.
function allowPrivilegeEscalationV1_25(pod: PodView): Violation | undefined {
  return isWindowsPod(pod.spec) ? undefined : allowPrivilegeEscalationV1_8(pod);
}

export const allowPrivilegeEscalationCheck: CheckDefinition = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minVersion: 8, check: allowPrivilegeEscalationV1_8 },
    { minVersion: 25, check: allowPrivilegeEscalationV1_25 },
  ],
};
