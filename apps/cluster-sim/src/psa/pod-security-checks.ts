import { containersPhrase, goQuote, joinQuote, pluralize } from './pod-security-wording.js';

/** The pod fields the checks read, as JSON (the simulator's pods and templates are plain objects). */
export interface PodLike {
  metadata?: { annotations?: Record<string, string> };
  spec: PodSpecLike;
}
interface SecurityContextLike {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  procMount?: string;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type: string; localhostProfile?: string };
  appArmorProfile?: { type: string; localhostProfile?: string };
  seLinuxOptions?: { type?: string; user?: string; role?: string; level?: string };
}
interface ContainerLike {
  name: string;
  ports?: Array<{ containerPort: number; hostPort?: number }>;
  securityContext?: SecurityContextLike;
}
interface PodSpecLike {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: SecurityContextLike & { sysctls?: Array<{ name: string; value: string }> };
  volumes?: Array<Record<string, unknown> & { name: string }>;
  initContainers?: ContainerLike[];
  containers: ContainerLike[];
  ephemeralContainers?: ContainerLike[];
}

export type Level = 'privileged' | 'baseline' | 'restricted';

/** One failed check, as upstream's CheckResult reports it. */
export interface CheckFailure {
  id: string;
  reason: string;
  detail: string;
}

interface CheckDefinition {
  id: string;
  level: 'baseline' | 'restricted';
  /** First policy version (minor) that has the check. */
  sincePolicyMinor: number;
  /** First apiserver minor whose binary has the check. */
  sinceApiserverMinor: number;
  /** Check ids this one replaces at restricted, from apiserver 1.24 (OverrideCheckIDs). */
  overrides?: string[];
  evaluate(pod: PodLike, apiserverMinor: number): Omit<CheckFailure, 'id'> | undefined;
}

// upstream visitContainers order: init containers, containers, ephemeral containers.
function containersOf(spec: PodSpecLike): ContainerLike[] {
  return [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])];
}

const sortedUnique = (values: Iterable<string>) => [...new Set(values)].sort();

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
const RESTRICTED_VOLUME_SOURCES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
// The sysctls every policy version since 1.0 allows; the simulator only generates these or clearly unsafe ones.
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
]);
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const allowedSelinuxTypes = (apiserverMinor: number) =>
  new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', ...(apiserverMinor >= 31 ? ['container_engine_t'] : [])]);

function settersPhrase(podBad: boolean, badContainers: readonly string[]): string[] {
  const setters: string[] = [];
  if (podBad) setters.push('pod');
  if (badContainers.length > 0) setters.push(containersPhrase(badContainers));
  return setters;
}

const CHECKS: CheckDefinition[] = [
  {
    id: 'appArmorProfile', level: 'baseline', sincePolicyMinor: 0, sinceApiserverMinor: 0,
    evaluate(pod, apiserverMinor) {
      const annotations = Object.entries(pod.metadata?.annotations ?? {})
        .filter(([key, value]) => key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !(value === '' || value === 'runtime/default' || value.startsWith('localhost/')))
        .map(([key, value]) => `${key}=${goQuote(value)}`)
        .sort();
      if (apiserverMinor < 30) {
        if (annotations.length === 0) return undefined;
        return { reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', annotations.length), detail: annotations.join(', ') };
      }
      const badValues = new Set<string>();
      const podType = pod.spec.securityContext?.appArmorProfile?.type;
      const podBad = podType !== undefined && podType !== 'RuntimeDefault' && podType !== 'Localhost';
      if (podBad) badValues.add(podType);
      const badContainers: string[] = [];
      for (const c of containersOf(pod.spec)) {
        const type = c.securityContext?.appArmorProfile?.type;
        if (type !== undefined && type !== 'RuntimeDefault' && type !== 'Localhost') {
          badContainers.push(c.name);
          badValues.add(type);
        }
      }
      const setters = settersPhrase(podBad, badContainers);
      const values = [...sortedUnique(badValues), ...annotations];
      if (annotations.length > 0) setters.push(pluralize('annotation', 'annotations', annotations.length));
      if (setters.length === 0) return undefined;
      return {
        reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', values.length),
        detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(values)}`,
      };
    },
  },
  {
    id: 'capabilities_baseline', level: 'baseline', sincePolicyMinor: 0, sinceApiserverMinor: 0,
    evaluate(pod) {
      const bad: string[] = [];
      const caps = new Set<string>();
      for (const c of containersOf(pod.spec)) {
        const added = (c.securityContext?.capabilities?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
        if (added.length) {
          bad.push(c.name);
          added.forEach((cap) => caps.add(cap));
        }
      }
      if (!bad.length) return undefined;
      return { reason: 'non-default capabilities', detail: `${containersPhrase(bad)} must not include ${joinQuote(sortedUnique(caps))} in securityContext.capabilities.add` };
    },
  },
  {
    id: 'hostNamespaces', level: 'baseline', sincePolicyMinor: 0, sinceApiserverMinor: 0,
    evaluate({ spec }) {
      const on = [spec.hostNetwork && 'hostNetwork=true', spec.hostPID && 'hostPID=true', spec.hostIPC && 'hostIPC=true'].filter(Boolean) as string[];
      return on.length ? { reason: 'host namespaces', detail: on.join(', ') } : undefined;
    },
  },
  {
    id: 'hostPathVolumes', level: 'baseline', sincePolicyMinor: 0, sinceApiserverMinor: 0,
    evaluate({ spec }) {
      const names = (spec.volumes ?? []).filter((v) => v.hostPath !== undefined).map((v) => v.name);
      return names.length ? { reason: 'hostPath volumes', detail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}` } : undefined;
    },
  },
  {
    id: 'hostPorts', level: 'baseline', sincePolicyMinor: 0, sinceApiserverMinor: 0,
    evaluate({ spec }) {
      const bad: string[] = [];
      const ports = new Set<string>();
      for (const c of containersOf(spec)) {
        const used = (c.ports ?? []).filter((p) => p.hostPort !== undefined && p.hostPort !== 0).map((p) => String(p.hostPort));
        if (used.length) {
          bad.push(c.name);
          used.forEach((p) => ports.add(p));
        }
      }
      if (!bad.length) return undefined;
      // upstream keeps the ports in a sets.String: sorted as strings.
      const list = sortedUnique(ports);
      return {
        reason: 'hostPort',
        detail: `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}`,
      };
    },
  },
  {
    id: 'privileged', level: 'baseline', sincePolicyMinor: 0, sinceApiserverMinor: 0,
    evaluate({ spec }) {
      const bad = containersOf(spec).filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
      return bad.length ? { reason: 'privileged', detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` } : undefined;
    },
  },
  {
    id: 'procMount', level: 'baseline', sincePolicyMinor: 0, sinceApiserverMinor: 0,
    evaluate: procMountFailure,
  },
  {
    id: 'seLinuxOptions', level: 'baseline', sincePolicyMinor: 0, sinceApiserverMinor: 0,
    evaluate({ spec }, apiserverMinor) {
      const allowed = allowedSelinuxTypes(apiserverMinor);
      const badTypes = new Set<string>();
      let setUser = false;
      let setRole = false;
      const isBad = (o: SecurityContextLike['seLinuxOptions']) => {
        if (!o) return false;
        let bad = false;
        if (!allowed.has(o.type ?? '')) {
          badTypes.add(o.type ?? '');
          bad = true;
        }
        if (o.user) { setUser = true; bad = true; }
        if (o.role) { setRole = true; bad = true; }
        return bad;
      };
      const podBad = isBad(spec.securityContext?.seLinuxOptions);
      const bad = containersOf(spec).filter((c) => isBad(c.securityContext?.seLinuxOptions)).map((c) => c.name);
      const setters = settersPhrase(podBad, bad);
      if (!setters.length) return undefined;
      const data: string[] = [];
      if (badTypes.size) data.push(`${pluralize('type', 'types', badTypes.size)} ${joinQuote(sortedUnique(badTypes))}`);
      // Before 1.26 (kubernetes PR 113111) user and role were named only beside a bad type.
      if (apiserverMinor >= 26 || badTypes.size) {
        if (setUser) data.push('user may not be set');
        if (setRole) data.push('role may not be set');
      }
      return { reason: 'seLinuxOptions', detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
    },
  },
  {
    id: 'seccompProfile_baseline', level: 'baseline', sincePolicyMinor: 0, sinceApiserverMinor: 0,
    evaluate({ spec }) {
      const values = new Set<string>();
      const podType = spec.securityContext?.seccompProfile?.type;
      const podBad = podType === 'Unconfined';
      if (podBad) values.add(podType);
      const bad = containersOf(spec).filter((c) => c.securityContext?.seccompProfile?.type === 'Unconfined').map((c) => c.name);
      if (bad.length) values.add('Unconfined');
      const setters = settersPhrase(podBad, bad);
      if (!setters.length) return undefined;
      return { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(values))}` };
    },
  },
  {
    id: 'sysctls', level: 'baseline', sincePolicyMinor: 0, sinceApiserverMinor: 0,
    evaluate({ spec }) {
      const bad = (spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((name) => !SAFE_SYSCTLS.has(name));
      return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
    },
  },
  {
    id: 'allowPrivilegeEscalation', level: 'restricted', sincePolicyMinor: 8, sinceApiserverMinor: 0,
    evaluate({ spec }) {
      const bad = containersOf(spec).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => c.name);
      return bad.length ? { reason: 'allowPrivilegeEscalation != false', detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false` } : undefined;
    },
  },
  {
    id: 'capabilities_restricted', level: 'restricted', sincePolicyMinor: 22, sinceApiserverMinor: 0, overrides: ['capabilities_baseline'],
    evaluate({ spec }) {
      const missingDrop: string[] = [];
      const adding: string[] = [];
      const forbidden = new Set<string>();
      for (const c of containersOf(spec)) {
        const caps = c.securityContext?.capabilities;
        if (!(caps?.drop ?? []).includes('ALL')) missingDrop.push(c.name);
        const extra = (caps?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
        if (extra.length) {
          adding.push(c.name);
          extra.forEach((cap) => forbidden.add(cap));
        }
      }
      const details: string[] = [];
      if (missingDrop.length) details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
      if (adding.length) details.push(`${containersPhrase(adding)} must not include ${joinQuote(sortedUnique(forbidden))} in securityContext.capabilities.add`);
      return details.length ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
    },
  },
  {
    id: 'procMount_restricted', level: 'restricted', sincePolicyMinor: 35, sinceApiserverMinor: 35, overrides: ['procMount'],
    evaluate: procMountFailure,
  },
  {
    id: 'restrictedVolumes', level: 'restricted', sincePolicyMinor: 0, sinceApiserverMinor: 0, overrides: ['hostPathVolumes'],
    evaluate({ spec }) {
      const names: string[] = [];
      const types = new Set<string>();
      for (const volume of spec.volumes ?? []) {
        const source = Object.keys(volume).find((key) => key !== 'name');
        if (source !== undefined && !RESTRICTED_VOLUME_SOURCES.has(source)) {
          names.push(volume.name);
          types.add(source);
        }
      }
      if (!names.length) return undefined;
      return {
        reason: 'restricted volume types',
        detail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('restricted volume type', 'restricted volume types', types.size)} ${joinQuote(sortedUnique(types))}`,
      };
    },
  },
  {
    id: 'runAsNonRoot', level: 'restricted', sincePolicyMinor: 0, sinceApiserverMinor: 0,
    evaluate({ spec }) {
      const podValue = spec.securityContext?.runAsNonRoot;
      const podExplicitlyBad = podValue === false;
      const explicitlyBad: string[] = [];
      const implicitlyBad: string[] = [];
      for (const c of containersOf(spec)) {
        const value = c.securityContext?.runAsNonRoot;
        if (value === false) explicitlyBad.push(c.name);
        else if (value === undefined && podValue !== true) implicitlyBad.push(c.name);
      }
      const setters = settersPhrase(podExplicitlyBad, explicitlyBad);
      if (setters.length) return { reason: 'runAsNonRoot != true', detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false` };
      if (implicitlyBad.length) return { reason: 'runAsNonRoot != true', detail: `pod or ${containersPhrase(implicitlyBad)} must set securityContext.runAsNonRoot=true` };
      return undefined;
    },
  },
  {
    id: 'runAsUser', level: 'restricted', sincePolicyMinor: 23, sinceApiserverMinor: 23,
    evaluate({ spec }) {
      const podBad = spec.securityContext?.runAsUser === 0;
      const bad = containersOf(spec).filter((c) => c.securityContext?.runAsUser === 0).map((c) => c.name);
      const setters = settersPhrase(podBad, bad);
      return setters.length ? { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0` } : undefined;
    },
  },
  {
    id: 'seccompProfile_restricted', level: 'restricted', sincePolicyMinor: 19, sinceApiserverMinor: 0, overrides: ['seccompProfile_baseline'],
    evaluate({ spec }) {
      const ok = (type: string | undefined) => type === 'RuntimeDefault' || type === 'Localhost';
      const podType = spec.securityContext?.seccompProfile?.type;
      const podBad = podType !== undefined && !ok(podType);
      const values = new Set<string>();
      if (podBad) values.add(podType);
      const explicitlyBad: string[] = [];
      const implicitlyBad: string[] = [];
      for (const c of containersOf(spec)) {
        const type = c.securityContext?.seccompProfile?.type;
        if (type !== undefined && !ok(type)) {
          explicitlyBad.push(c.name);
          values.add(type);
        } else if (type === undefined && !ok(podType)) {
          implicitlyBad.push(c.name);
        }
      }
      const setters = settersPhrase(podBad, explicitlyBad);
      if (setters.length) return { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(values))}` };
      if (implicitlyBad.length) {
        return { reason: 'seccompProfile', detail: `pod or ${containersPhrase(implicitlyBad)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
      }
      return undefined;
    },
  },
];

function procMountFailure({ spec }: PodLike): Omit<CheckFailure, 'id'> | undefined {
  const bad: string[] = [];
  const types = new Set<string>();
  for (const c of containersOf(spec)) {
    const type = c.securityContext?.procMount;
    if (type !== undefined && type !== 'Default') {
      bad.push(c.name);
      types.add(type);
    }
  }
  return bad.length ? { reason: 'procMount', detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedUnique(types))}` } : undefined;
}

// upstream registry: baseline ids sorted, then restricted ids sorted (byte order).
const ORDERED = [
  ...CHECKS.filter((c) => c.level === 'baseline').sort((a, b) => (a.id < b.id ? -1 : 1)),
  ...CHECKS.filter((c) => c.level === 'restricted').sort((a, b) => (a.id < b.id ? -1 : 1)),
];

/**
 * Evaluates a pod (or a pod template's metadata + spec) at `level` and policy minor `policyMinor`, as a
 * kube-apiserver of minor `apiserverMinor` would, and returns the failures in upstream's report order.
 */
export function evaluatePodSecurity(pod: PodLike, level: Level, policyMinor: number, apiserverMinor: number): CheckFailure[] {
  if (level === 'privileged') return [];
  const active = ORDERED.filter(
    (c) =>
      (level === 'restricted' || c.level === 'baseline') &&
      c.sincePolicyMinor <= policyMinor &&
      c.sinceApiserverMinor <= apiserverMinor,
  );
  // Overrides arrived in 1.24: earlier apiservers report both the baseline and the restricted check.
  const overridden = new Set(level === 'restricted' && apiserverMinor >= 24 ? active.flatMap((c) => c.overrides ?? []) : []);
  const failures: CheckFailure[] = [];
  for (const check of active) {
    if (overridden.has(check.id)) continue;
    const failure = check.evaluate(pod, apiserverMinor);
    if (failure) failures.push({ id: check.id, ...failure });
  }
  return failures;
}

/** Upstream AggregateCheckResult.ForbiddenDetail: `reason (detail), reason (detail)`. */
export function forbiddenDetail(failures: readonly CheckFailure[]): string {
  return failures.map((f) => (f.detail ? `${f.reason} (${f.detail})` : f.reason)).join(', ');
}
