import type { CheckDefinition, PodView, Violation } from '../policy/check.types.js';
import { containerNames, joinQuote, sortedSet } from '../policy/format.util.js';
import { isWindowsPod } from '../policy/visit.util.js';

function capabilitiesRestrictedV1_22({ containers }: PodView): Violation | undefined {
  let missingDropAll: string[] | undefined;
  let addingForbidden: string[] | undefined;
  let forbidden: string[] | undefined;
  for (const container of containers) {
    const capabilities = container.securityContext?.capabilities;
    if (capabilities == null) {
      (missingDropAll ??= []).push(container.name);
      continue;
    }
    if (!capabilities.drop?.includes('ALL')) (missingDropAll ??= []).push(container.name);
    let addedForbidden = false;
    for (const capability of capabilities.add ?? []) {
      if (capability !== 'NET_BIND_SERVICE') {
        addedForbidden = true;
        (forbidden ??= []).push(capability);
      }
    }
    if (addedForbidden) (addingForbidden ??= []).push(container.name);
  }
  if (!missingDropAll && !addingForbidden) return undefined;
  const missing = missingDropAll && `${containerNames(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`;
  const adding =
    addingForbidden &&
    `${containerNames(addingForbidden)} must not include ${joinQuote(sortedSet(forbidden ?? []))} in securityContext.capabilities.add`;
  return { reason: 'unrestricted capabilities', detail: missing && adding ? `${missing}; ${adding}` : (missing || adding || '') };
}

// API validation forbids capabilities on Windows pods, so from v1.25 they pass without them.
function capabilitiesRestrictedV1_25(pod: PodView): Violation | undefined {
  return isWindowsPod(pod.spec) ? undefined : capabilitiesRestrictedV1_22(pod);
}

export const capabilitiesRestrictedCheck: CheckDefinition = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { minVersion: 22, check: capabilitiesRestrictedV1_22, overrides: ['capabilities_baseline'] },
    { minVersion: 25, check: capabilitiesRestrictedV1_25, overrides: ['capabilities_baseline'] },
  ],
};
