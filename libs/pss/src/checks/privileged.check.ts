import type { CheckDefinition, PodView, Violation } from '../policy/check.types.js';
import { containerNames } from '../policy/format.util.js';

function privilegedV1_0({ containers }: PodView): Violation | undefined {
  let bad: string[] | undefined;
  for (const container of containers) {
    if (container.securityContext?.privileged === true) (bad ??= []).push(container.name);
  }
  if (!bad) return undefined;
  return { reason: 'privileged', detail: `${containerNames(bad)} must not set securityContext.privileged=true` };
}

export const privilegedCheck: CheckDefinition = {
  id: 'privileged',
  level: 'baseline',
  versions: [{ minVersion: 0, check: privilegedV1_0 }],
};
