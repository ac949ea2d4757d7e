import type { PodLike } from '../api/pod.types.js';
import { projectPod } from './project-pod.js';
import {
  APPARMOR_ANNOTATION_PREFIX,
  CONTAINER_LISTS,
  FIELD_NAME,
  INT32_MAX,
  INT32_MIN,
  INT64_LIMIT,
  KNOWN_VOLUME_KEYS,
  MAX_UNKNOWN_VOLUME_SOURCES,
  PROBES,
  SECCOMP_CONTAINER_ANNOTATION_PREFIX,
  SECCOMP_POD_ANNOTATION,
} from './projected-fields.constant.js';

// `projectPod`'s checks without its copy: callers that evaluate the pod as written (`ratchet eval --jsonl`)
// need only to know that it is well-typed, and building the projection cost them about a third of a line's
// time. This walk builds no objects and no field paths; it only answers yes or no. On "no", `validatePod`
// runs `projectPod`, which throws the error naming the field, so messages and paths have one source.
// Invariant: every pod `projectPod` rejects is rejected here (project-pod.spec.ts and validate-pod.spec.ts
// check both sides agree); a pod rejected here that `projectPod` accepts would only cost time, not a
// wrong answer.

type Fields = Record<string, unknown>;


function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Each `ok*` is true when the field is absent (undefined or null) or has the type its reader accepts.
function okObject(value: unknown): boolean {
  return value == null || isFields(value);
}

function okArray(value: unknown): boolean {
  return value == null || Array.isArray(value);
}

function okBoolean(value: unknown): boolean {
  return value == null || typeof value === 'boolean';
}

function okString(value: unknown): boolean {
  return value == null || typeof value === 'string';
}

function okRequiredString(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

function okInteger(value: unknown): boolean {
  return value == null || (typeof value === 'number' && Number.isInteger(value) && value >= -INT64_LIMIT && value < INT64_LIMIT);
}

function okInt32(value: unknown): boolean {
  return value == null || (typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX);
}

function okStringList(value: unknown): boolean {
  if (value == null) return true;
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (item != null && typeof item !== 'string') return false;
  }
  return true;
}

function okAnnotations(annotations: Fields): boolean {
  for (const key in annotations) {
    const value = annotations[key];
    if (value == null || typeof value === 'string') continue;
    if (
      key.startsWith(APPARMOR_ANNOTATION_PREFIX) ||
      key.startsWith(SECCOMP_CONTAINER_ANNOTATION_PREFIX) ||
      key === SECCOMP_POD_ANNOTATION
    ) {
      return false;
    }
  }
  return true;
}

function okMetadata(metadata: Fields): boolean {
  if (!okString(metadata.name) || !okString(metadata.namespace) || !okString(metadata.uid)) return false;
  const owners = metadata.ownerReferences;
  if (!okArray(owners)) return false;
  if (owners != null) {
    for (const owner of owners as unknown[]) {
      if (!isFields(owner)) return false;
      if (!okString(owner.apiVersion) || !okRequiredString(owner.kind) || !okRequiredString(owner.name)) return false;
      if (!okString(owner.uid) || !okBoolean(owner.controller)) return false;
    }
  }
  const annotations = metadata.annotations;
  if (!okObject(annotations)) return false;
  return annotations == null || okAnnotations(annotations as Fields);
}

function okProfile(value: unknown): boolean {
  if (value == null) return true;
  return isFields(value) && okString(value.type);
}

function okSELinuxOptions(value: unknown): boolean {
  if (value == null) return true;
  return isFields(value) && okString(value.type) && okString(value.user) && okString(value.role);
}

function okWindowsOptions(value: unknown): boolean {
  if (value == null) return true;
  return isFields(value) && okBoolean(value.hostProcess);
}

function okSysctls(value: unknown): boolean {
  if (value == null) return true;
  if (!Array.isArray(value)) return false;
  for (const sysctl of value as unknown[]) {
    if (!isFields(sysctl) || !okRequiredString(sysctl.name)) return false;
  }
  return true;
}

function okPodSecurityContext(value: unknown): boolean {
  if (value == null) return true;
  if (!isFields(value)) return false;
  return (
    okBoolean(value.runAsNonRoot) &&
    okInteger(value.runAsUser) &&
    okInteger(value.runAsGroup) &&
    okInteger(value.fsGroup) &&
    okProfile(value.seccompProfile) &&
    okSELinuxOptions(value.seLinuxOptions) &&
    okProfile(value.appArmorProfile) &&
    okWindowsOptions(value.windowsOptions) &&
    okSysctls(value.sysctls)
  );
}

function okCapabilities(value: unknown): boolean {
  if (value == null) return true;
  return isFields(value) && okStringList(value.add) && okStringList(value.drop);
}

function okSecurityContext(value: unknown): boolean {
  if (value == null) return true;
  if (!isFields(value)) return false;
  return (
    okBoolean(value.privileged) &&
    okBoolean(value.allowPrivilegeEscalation) &&
    okCapabilities(value.capabilities) &&
    okString(value.procMount) &&
    okBoolean(value.runAsNonRoot) &&
    okInteger(value.runAsUser) &&
    okInteger(value.runAsGroup) &&
    okBoolean(value.readOnlyRootFilesystem) &&
    okProfile(value.seccompProfile) &&
    okSELinuxOptions(value.seLinuxOptions) &&
    okProfile(value.appArmorProfile) &&
    okWindowsOptions(value.windowsOptions)
  );
}

function okPorts(value: unknown): boolean {
  if (value == null) return true;
  if (!Array.isArray(value)) return false;
  for (const port of value as unknown[]) {
    if (!isFields(port) || !okInt32(port.containerPort) || !okInt32(port.hostPort)) return false;
  }
  return true;
}

function okHandlerAction(value: unknown): boolean {
  if (value == null) return true;
  return isFields(value) && okString(value.host);
}

function okHandler(value: unknown): boolean {
  if (value == null) return true;
  return isFields(value) && okHandlerAction(value.httpGet) && okHandlerAction(value.tcpSocket);
}

function okLifecycle(value: unknown): boolean {
  if (value == null) return true;
  return isFields(value) && okHandler(value.postStart) && okHandler(value.preStop);
}

function okVolumeMounts(value: unknown): boolean {
  if (value == null) return true;
  if (!Array.isArray(value)) return false;
  for (const mount of value as unknown[]) {
    if (!isFields(mount) || !okRequiredString(mount.name) || !okRequiredString(mount.mountPath)) return false;
    if (!okBoolean(mount.readOnly)) return false;
  }
  return true;
}

function okContainer(value: unknown): boolean {
  if (!isFields(value)) return false;
  if (!okRequiredString(value.name) || !okString(value.image)) return false;
  if (!okSecurityContext(value.securityContext) || !okPorts(value.ports)) return false;
  for (const probe of PROBES) if (!okHandler(value[probe])) return false;
  return okLifecycle(value.lifecycle) && okVolumeMounts(value.volumeMounts);
}

function okVolume(value: unknown): boolean {
  if (!isFields(value) || !okRequiredString(value.name)) return false;
  let unknownSources = 0;
  for (const key in value) {
    const contents = value[key];
    if (contents == null) continue;
    if (KNOWN_VOLUME_KEYS.has(key)) {
      if (key === 'name') continue;
      if (!isFields(contents)) return false;
      if (key === 'hostPath' && (!okString(contents.path) || !okString(contents.type))) return false;
    } else {
      if (!FIELD_NAME.test(key)) return false;
      if (++unknownSources > MAX_UNKNOWN_VOLUME_SOURCES) return false;
    }
  }
  return true;
}

function okSpec(spec: Fields): boolean {
  if (!okBoolean(spec.hostNetwork) || !okBoolean(spec.hostPID) || !okBoolean(spec.hostIPC) || !okBoolean(spec.hostUsers)) {
    return false;
  }
  const os = spec.os;
  if (os != null && (!isFields(os) || !okString(os.name))) return false;
  if (!okString(spec.runtimeClassName)) return false;
  if (!okBoolean(spec.automountServiceAccountToken) || !okPodSecurityContext(spec.securityContext)) return false;
  const volumes = spec.volumes;
  if (!okArray(volumes)) return false;
  if (volumes != null) for (const volume of volumes as unknown[]) if (!okVolume(volume)) return false;
  for (const list of CONTAINER_LISTS) {
    const containers = spec[list];
    if (!okArray(containers)) return false;
    if (containers != null) for (const container of containers as unknown[]) if (!okContainer(container)) return false;
  }
  return true;
}

/** True when `projectPod(pod)` would not throw; builds nothing. */
export function isValidPod(pod: unknown): boolean {
  if (!isFields(pod)) return false;
  const { metadata, spec } = pod;
  if (!okObject(metadata) || !okObject(spec)) return false;
  if (metadata != null && !okMetadata(metadata as Fields)) return false;
  return spec == null || okSpec(spec as Fields);
}

/**
 * Checks a pod or pod template `{metadata, spec}` exactly as `projectPod` does, without building the
 * projection: for callers that then evaluate the pod as written. Throws the PssInputError `projectPod`
 * throws, naming the field (e.g. `spec.containers[1].securityContext.runAsUser: expected an integer, got "0"`).
 */
export function validatePod(pod: PodLike): void {
  if (!isValidPod(pod)) projectPod(pod);
}
