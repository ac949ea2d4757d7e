import type { CheckDefinition, CheckFn, PodView, Violation } from '../policy/check.types.js';

// Namespaced sysctls isolated from other pods; the list only ever grows.
const ALLOWED_V1_0 = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start',
];
const ALLOWED_V1_27 = [...ALLOWED_V1_0, 'net.ipv4.ip_local_reserved_ports'];
const ALLOWED_V1_29 = [
  ...ALLOWED_V1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const ALLOWED_V1_32 = [...ALLOWED_V1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const ALLOWED_V1_37 = [...ALLOWED_V1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

function sysctlsAllowing(names: readonly string[]): CheckFn {
  const allowed = new Set(names);
  return ({ spec }: PodView): Violation | undefined => {
    const sysctls = spec.securityContext?.sysctls;
    if (!sysctls) return undefined;
    let forbidden: string[] | undefined;
    // Spec order, duplicates kept: upstream does not make a set here.
    for (const sysctl of sysctls) {
      if (!allowed.has(sysctl.name)) (forbidden ??= []).push(sysctl.name);
    }
    return forbidden ? { reason: 'forbidden sysctls', detail: forbidden.join(', ') } : undefined;
  };
}

export const sysctlsCheck: CheckDefinition = {
  id: 'sysctls',
  level: 'baseline',
  versions: [
    { minVersion: 0, check: sysctlsAllowing(ALLOWED_V1_0) },
    { minVersion: 27, check: sysctlsAllowing(ALLOWED_V1_27) },
    { minVersion: 29, check: sysctlsAllowing(ALLOWED_V1_29) },
    { minVersion: 32, check: sysctlsAllowing(ALLOWED_V1_32) },
    { minVersion: 37, check: sysctlsAllowing(ALLOWED_V1_37) },
  ],
};
