import type { CheckDefinition, PodView, Violation } from '../policy/check.types.js';
import { containerNames, pluralize, sortedSet } from '../policy/format.util.js';

function hostPortsV1_0({ containers }: PodView): Violation | undefined {
  let badContainers: string[] | undefined;
  let ports: string[] | undefined;
  for (const container of containers) {
    let valid = true;
    for (const port of container.ports ?? []) {
      const hostPort = port.hostPort;
      if (hostPort != null && hostPort !== 0) {
        valid = false;
        (ports ??= []).push(String(hostPort));
      }
    }
    if (!valid) (badContainers ??= []).push(container.name);
  }
  if (!badContainers) return undefined;
  // Upstream sorts the ports as strings, so "10" comes before "9".
  const distinct = sortedSet(ports ?? []);
  return {
    reason: 'hostPort',
    detail: `${containerNames(badContainers)} ${pluralize('uses', 'use', badContainers.length)} ${pluralize('hostPort', 'hostPorts', distinct.length)} ${distinct.join(', ')}`,
  };
}

export const hostPortsCheck: CheckDefinition = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [{ minVersion: 0, check: hostPortsV1_0 }],
};
