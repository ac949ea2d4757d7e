import type { CheckDefinition, PodView, Violation } from '../policy/check.types.js';
import { containerNames, joinQuote, sortedSet } from '../policy/format.util.js';

// The container runtime's default set; matched exactly, so "chown" and "CAP_CHOWN" are not in it.
const ALLOWED_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

function capabilitiesBaselineV1_0({ containers }: PodView): Violation | undefined {
  let badContainers: string[] | undefined;
  let forbidden: string[] | undefined;
  for (const container of containers) {
    const added = container.securityContext?.capabilities?.add;
    if (!added) continue;
    let valid = true;
    for (const capability of added) {
      if (!ALLOWED_CAPABILITIES.has(capability)) {
        valid = false;
        (forbidden ??= []).push(capability);
      }
    }
    if (!valid) (badContainers ??= []).push(container.name);
  }
  if (!badContainers) return undefined;
  return {
    reason: 'non-default capabilities',
    detail: `${containerNames(badContainers)} must not include ${joinQuote(sortedSet(forbidden ?? []))} in securityContext.capabilities.add`,
  };
}

export const capabilitiesBaselineCheck: CheckDefinition = {
  id: 'capabilities_baseline',
  level: 'baseline',
  versions: [{ minVersion: 0, check: capabilitiesBaselineV1_0 }],
};
