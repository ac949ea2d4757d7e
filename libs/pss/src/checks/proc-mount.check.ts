import type { CheckDefinition, PodView, Violation } from '../policy/check.types.js';
import { containerNames, joinQuote, sortedSet } from '../policy/format.util.js';
import { inUserNamespace } from '../policy/visit.util.js';

/** Any procMount other than Default unmasks /proc; shared with procMount_restricted. */
export function unmaskedProcMount({ containers }: PodView): Violation | undefined {
  let bad: string[] | undefined;
  let types: string[] | undefined;
  for (const container of containers) {
    const procMount = container.securityContext?.procMount;
    if (procMount != null && procMount !== 'Default') {
      (bad ??= []).push(container.name);
      (types ??= []).push(procMount);
    }
  }
  if (!bad) return undefined;
  return {
    reason: 'procMount',
    detail: `${containerNames(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types ?? []))}`,
  };
}

// From v1.35 baseline trusts user-namespaced pods (hostUsers: false) with any procMount.
function procMountV1_35(pod: PodView): Violation | undefined {
  return inUserNamespace(pod.spec) ? undefined : unmaskedProcMount(pod);
}

export const procMountCheck: CheckDefinition = {
  id: 'procMount',
  level: 'baseline',
  versions: [
    { minVersion: 0, check: unmaskedProcMount },
    { minVersion: 35, check: procMountV1_35 },
  ],
};
