import type { AppArmorProfile, Container, PodLike, SeccompProfile } from '../api/pod.types.js';
import type { PolicyVersion } from '../api/version.js';
import { parseVersion } from '../api/version.js';
import { podContainers } from '../policy/visit.util.js';
import { defaultHostNetworkPorts } from './default-host-network-ports.util.js';

/*
 * What the kube-apiserver changes in a new pod before Pod Security (a validating admission plugin) sees it,
 * for the fields Pod Security reads. Defaulting runs when the request is decoded; PrepareForCreate runs in
 * the registry before validation and admission (k8s.io/apiserver registry/rest BeforeCreate). Each depends
 * on the apiserver's release, which is not the namespace's policy version:
 *
 * 1. A volume with no source becomes an emptyDir. [k/k] pkg/apis/core/v1/defaults.go SetDefaults_Volume; every
 *    release, pods and templates. Modelled by the restricted volume check itself (restrictedVolumeSource),
 *    because no source and emptyDir evaluate alike.
 * 2. With hostNetwork: true, each port of containers and init containers without a hostPort gets
 *    hostPort = containerPort. [k/k] pkg/apis/core/v1/defaults.go defaultHostNetworkPorts: pods on every
 *    release (SetDefaults_Pod); pod templates too before 1.28 (SetDefaults_PodSpec, then the
 *    DefaultHostNetworkHostPortsInPodTemplates gate, off from 1.28 and removed in 1.31, kubernetes#124417).
 * 3. AppArmor, pods only, not Windows pods: [k/k] pkg/registry/core/pod/strategy.go applyAppArmorVersionSkew.
 *    From 1.30 (kubernetes#123435), a container's `container.apparmor.security.beta.kubernetes.io/<name>`
 *    annotation is copied into its securityContext.appArmorProfile when the field is unset and the value
 *    differs from the pod-level profile; 1.30-1.33 also copy the container's (else the pod's) field into a
 *    missing annotation, which 1.34 stopped (kubernetes#131989).
 * 4. Seccomp, pods only: [k/k] pkg/registry/core/pod/strategy.go applySeccompVersionSkew, for the pod
 *    (`seccomp.security.alpha.kubernetes.io/pod`) and each container
 *    (`container.seccomp.security.alpha.kubernetes.io/<name>`). 1.19-1.26 copy an annotation into an unset
 *    field (removed in 1.27, kubernetes#114947); 1.19-1.24 also copy a field into a missing annotation
 *    (removed in 1.25, kubernetes#109819).
 *
 * Not modelled: PrepareForCreate also drops fields whose feature gate is off (dropDisabledFields: procMount,
 * hostUsers, appArmorProfile before its gate...). That depends on the cluster's gates, not its release, and
 * with the default gates of each release a manifest that sets such a field is what the user meant to check.
 */

const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_POD_KEY = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const LOCALHOST_PREFIX = 'localhost/';

type Profile = AppArmorProfile | SeccompProfile;

function annotationForProfile(profile: Profile): string {
  switch (profile.type) {
    case 'Unconfined':
      return 'unconfined';
    case 'RuntimeDefault':
      return 'runtime/default';
    case 'Localhost':
      return profile.localhostProfile ? `${LOCALHOST_PREFIX}${profile.localhostProfile}` : '';
    default:
      return '';
  }
}

function profileForAnnotation(annotation: string, runtimeDefaults: readonly string[]): Profile | undefined {
  if (annotation === 'unconfined') return { type: 'Unconfined' };
  if (runtimeDefaults.includes(annotation)) return { type: 'RuntimeDefault' };
  if (annotation.startsWith(LOCALHOST_PREFIX) && annotation.length > LOCALHOST_PREFIX.length) {
    return { type: 'Localhost', localhostProfile: annotation.slice(LOCALHOST_PREFIX.length) };
  }
  return undefined;
}

function sameProfile(a: Profile | null | undefined, b: Profile | null | undefined): boolean {
  return a != null && b != null && a.type === b.type && (a.localhostProfile ?? null) === (b.localhostProfile ?? null);
}

/** The release of the kube-apiserver doing the admission: `latest` (the newest) or `v1.N`. */
export type ApiserverVersion = PolicyVersion | string;

function minorOf(version: ApiserverVersion): number {
  return (typeof version === 'string' ? parseVersion(version) : version).minor;
}

function copyAppArmor(pod: PodLike, annotations: Record<string, string>, minor: number): void {
  const spec = pod.spec!;
  if (spec.os?.name === 'windows') return;
  const podProfile = spec.securityContext?.appArmorProfile;
  for (const container of podContainers(spec)) {
    const key = APPARMOR_PREFIX + container.name;
    const containerProfile = container.securityContext?.appArmorProfile;
    if (!Object.hasOwn(annotations, key)) {
      if (minor >= 34) continue;
      const source = containerProfile ?? podProfile;
      const annotation = source == null ? '' : annotationForProfile(source);
      if (annotation !== '') annotations[key] = annotation;
    } else if (containerProfile == null) {
      const field = profileForAnnotation(annotations[key] ?? '', ['runtime/default']);
      if (field !== undefined && !sameProfile(field, podProfile)) setProfile(container, 'appArmorProfile', field);
    }
  }
}

function setProfile(container: Container, key: 'appArmorProfile' | 'seccompProfile', profile: Profile): void {
  container.securityContext = { ...container.securityContext, [key]: profile };
}

// Pod-level first, then each container, as upstream does.
function copySeccomp(pod: PodLike, annotations: Record<string, string>, minor: number): void {
  const spec = pod.spec!;
  const fieldToAnnotation = minor <= 24;
  const sync = (key: string, field: SeccompProfile | null | undefined, setField: (profile: Profile) => void) => {
    const hasAnnotation = Object.hasOwn(annotations, key);
    if (field != null && !hasAnnotation) {
      const annotation = fieldToAnnotation ? annotationForProfile(field) : '';
      if (annotation !== '') annotations[key] = annotation;
    } else if (hasAnnotation && field == null) {
      const profile = profileForAnnotation(annotations[key] ?? '', ['runtime/default', 'docker/default']);
      if (profile !== undefined) setField(profile);
    }
  };
  sync(SECCOMP_POD_KEY, spec.securityContext?.seccompProfile, (profile) => {
    spec.securityContext = { ...spec.securityContext, seccompProfile: profile };
  });
  for (const container of podContainers(spec)) {
    sync(SECCOMP_CONTAINER_PREFIX + container.name, container.securityContext?.seccompProfile, (profile) =>
      setProfile(container, 'seccompProfile', profile),
    );
  }
}

/**
 * Whether a pod names an AppArmor or seccomp profile anywhere, as an annotation or a field: without one, neither copy
 * above can change it. Most pods name none, and this spares them a deep copy and two serializations (the agent
 * runs this on every pod it lists: docs/agent.md, Resources).
 */
function namesAProfile(pod: PodLike): boolean {
  for (const key of Object.keys(pod.metadata?.annotations ?? {})) {
    if (key.startsWith(APPARMOR_PREFIX) || key === SECCOMP_POD_KEY || key.startsWith(SECCOMP_CONTAINER_PREFIX)) return true;
  }
  const spec = pod.spec!;
  if (spec.securityContext?.appArmorProfile != null || spec.securityContext?.seccompProfile != null) return true;
  for (const container of podContainers(spec)) {
    if (container.securityContext?.appArmorProfile != null || container.securityContext?.seccompProfile != null) return true;
  }
  return false;
}

/**
 * A Pod as Pod Security sees it when a kube-apiserver of release `apiserverVersion` admits its creation:
 * hostPort defaulting, and the AppArmor and seccomp annotation/field copies of that release (see the list
 * above). Returns a copy when anything changes; never mutates.
 *
 * Which release decides: the apiserver's, not the namespace's policy version (a 1.29 apiserver at
 * `restricted:latest` does not copy AppArmor annotations). A caller that knows the cluster's version passes
 * it (the agent's heartbeat reports it). `ratchet check` reads manifests with no cluster: its `--version`
 * (default `latest`, the newest apiserver) is the best stand-in there, on the grounds that a pinned policy
 * version usually names the release it targets; extractPodTemplates takes it as `apiserverVersion`.
 *
 * @throws PssInputError for a malformed version.
 */
export function defaultPodOnCreate(pod: PodLike, apiserverVersion: ApiserverVersion = 'latest'): PodLike {
  const minor = minorOf(apiserverVersion);
  const withPorts = defaultHostNetworkPorts(pod);
  const spec = withPorts.spec;
  if (spec == null || typeof spec !== 'object' || minor < 19) return withPorts;
  const appArmor = minor >= 30;
  const seccomp = minor <= 26;
  if ((!appArmor && !seccomp) || !namesAProfile(withPorts)) return withPorts;

  const copy = structuredClone(withPorts);
  const annotations: Record<string, string> = { ...copy.metadata?.annotations };
  if (appArmor) copyAppArmor(copy, annotations, minor);
  if (seccomp) copySeccomp(copy, annotations, minor);
  if (Object.keys(annotations).length > 0) copy.metadata = { ...copy.metadata, annotations };
  // Only a changed pod is returned as a copy, so callers can tell by identity that nothing happened.
  return JSON.stringify(copy) === JSON.stringify(withPorts) ? withPorts : copy;
}

/**
 * A pod template (of a Deployment, Job, ...) as Pod Security sees it when a kube-apiserver of release
 * `apiserverVersion` admits the workload: only hostPort defaulting, and only before 1.28. The AppArmor and
 * seccomp copies run on pods alone (PrepareForCreate of the pod registry), so a template keeps what it says.
 *
 * @throws PssInputError for a malformed version.
 */
export function defaultTemplateOnCreate(template: PodLike, apiserverVersion: ApiserverVersion = 'latest'): PodLike {
  return minorOf(apiserverVersion) < 28 ? defaultHostNetworkPorts(template) : template;
}
