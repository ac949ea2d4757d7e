import type { CheckDefinition, PodView, Violation } from '../policy/check.types.js';
import { containerNames } from '../policy/format.util.js';

function windowsHostProcessV1_0({ spec, containers }: PodView): Violation | undefined {
  let bad: string[] | undefined;
  for (const container of containers) {
    if (container.securityContext?.windowsOptions?.hostProcess === true) (bad ??= []).push(container.name);
  }
  const podForbidden = spec.securityContext?.windowsOptions?.hostProcess === true;
  if (!bad && !podForbidden) return undefined;
  const setters: string[] = [];
  if (podForbidden) setters.push('pod');
  if (bad) setters.push(containerNames(bad));
  return {
    reason: 'hostProcess',
    detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
  };
}

export const windowsHostProcessCheck: CheckDefinition = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [{ minVersion: 0, check: windowsHostProcessV1_0 }],
};
