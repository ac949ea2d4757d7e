import type { Maybe, SELinuxOptions } from '../api/pod.types.js';
import type { CheckDefinition, CheckFn, PodView, Violation } from '../policy/check.types.js';
import { containerNames, joinQuote, pluralize, sortedSet } from '../policy/format.util.js';

const ALLOWED_TYPES_V1_0 = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const ALLOWED_TYPES_V1_31 = new Set([...ALLOWED_TYPES_V1_0, 'container_engine_t']);

// The level is free; type is allow-listed; user and role must stay empty.
function isBadOptions(options: Maybe<SELinuxOptions>, allowedTypes: ReadonlySet<string>): boolean {
  return options != null && (!allowedTypes.has(options.type ?? '') || !!options.user || !!options.role);
}

function seLinuxOptionsWith(allowedTypes: ReadonlySet<string>): CheckFn {
  return (pod: PodView): Violation | undefined => {
    // Nearly every pod passes: decide that without allocating, then build the message.
    let any = isBadOptions(pod.spec.securityContext?.seLinuxOptions, allowedTypes);
    for (let i = 0; i < pod.containers.length && !any; i++) {
      any = isBadOptions(pod.containers[i]!.securityContext?.seLinuxOptions, allowedTypes);
    }
    if (!any) return undefined;
    const { spec, containers } = pod;
    let badTypes: string[] | undefined;
    let setUser = false;
    let setRole = false;
    const valid = (options: SELinuxOptions): boolean => {
      let ok = true;
      const type = options.type ?? '';
      if (!allowedTypes.has(type)) {
        ok = false;
        (badTypes ??= []).push(type);
      }
      if (options.user) {
        ok = false;
        setUser = true;
      }
      if (options.role) {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    const isBad = (options: Maybe<SELinuxOptions>): boolean => options != null && !valid(options);

    const setters: string[] = [];
    if (isBad(spec.securityContext?.seLinuxOptions)) setters.push('pod');
    let badContainers: string[] | undefined;
    for (const container of containers) {
      if (isBad(container.securityContext?.seLinuxOptions)) (badContainers ??= []).push(container.name);
    }
    if (badContainers) setters.push(containerNames(badContainers));
    if (setters.length === 0) return undefined;

    const problems: string[] = [];
    if (badTypes) {
      const distinct = sortedSet(badTypes);
      problems.push(`${pluralize('type', 'types', distinct.length)} ${joinQuote(distinct)}`);
    }
    if (setUser) problems.push('user may not be set');
    if (setRole) problems.push('role may not be set');
    return {
      reason: 'seLinuxOptions',
      detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${problems.join('; ')}`,
    };
  };
}

export const seLinuxOptionsCheck: CheckDefinition = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minVersion: 0, check: seLinuxOptionsWith(ALLOWED_TYPES_V1_0) },
    { minVersion: 31, check: seLinuxOptionsWith(ALLOWED_TYPES_V1_31) },
  ],
};
