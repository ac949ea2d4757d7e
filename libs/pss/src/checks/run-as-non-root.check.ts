import type { CheckDefinition, PodView, Violation } from '../policy/check.types.js';
import { containerNames } from '../policy/format.util.js';
import { inUserNamespace } from '../policy/visit.util.js';

function runAsNonRootV1_0({ spec, containers }: PodView): Violation | undefined {
  const podValue = spec.securityContext?.runAsNonRoot;
  const podNonRoot = podValue === true;

  let explicitlyBad: string[] | undefined;
  let implicitlyBad: string[] | undefined;
  for (const container of containers) {
    const value = container.securityContext?.runAsNonRoot;
    if (value != null) {
      if (value === false) (explicitlyBad ??= []).push(container.name);
    } else if (!podNonRoot) {
      (implicitlyBad ??= []).push(container.name);
    }
  }
  // An explicit false is the clearer thing to fix, so it wins the message.
  if (podValue === false || explicitlyBad) {
    const setters: string[] = podValue === false ? ['pod'] : [];
    if (explicitlyBad) setters.push(containerNames(explicitlyBad));
    return { reason: 'runAsNonRoot != true', detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false` };
  }
  if (implicitlyBad) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `pod or ${containerNames(implicitlyBad)} must set securityContext.runAsNonRoot=true`,
    };
  }
  return undefined;
}

// KEP-127: a user-namespaced pod's root is not the host's root.
function runAsNonRootV1_35(pod: PodView): Violation | undefined {
  return inUserNamespace(pod.spec) ? undefined : runAsNonRootV1_0(pod);
}

export const runAsNonRootCheck: CheckDefinition = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [
    { minVersion: 0, check: runAsNonRootV1_0 },
    { minVersion: 35, check: runAsNonRootV1_35 },
  ],
};
