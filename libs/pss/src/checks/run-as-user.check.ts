import type { CheckDefinition, PodView, Violation } from '../policy/check.types.js';
import { containerNames } from '../policy/format.util.js';
import { inUserNamespace } from '../policy/visit.util.js';

// A non-zero container value does not excuse a pod-level 0: both are reported.
function runAsUserV1_23({ spec, containers }: PodView): Violation | undefined {
  const podRoot = spec.securityContext?.runAsUser === 0;
  let bad: string[] | undefined;
  for (const container of containers) {
    if (container.securityContext?.runAsUser === 0) (bad ??= []).push(container.name);
  }
  if (!podRoot && !bad) return undefined;
  const setters: string[] = podRoot ? ['pod'] : [];
  if (bad) setters.push(containerNames(bad));
  return { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0` };
}

function runAsUserV1_35(pod: PodView): Violation | undefined {
  return inUserNamespace(pod.spec) ? undefined : runAsUserV1_23(pod);
}

export const runAsUserCheck: CheckDefinition = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [
    { minVersion: 23, check: runAsUserV1_23 },
    { minVersion: 35, check: runAsUserV1_35 },
  ],
};
