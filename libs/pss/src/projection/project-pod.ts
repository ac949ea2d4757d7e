import type { PodLike } from '../api/pod.types.js';
import type { Fields } from './field-reader.util.js';
import {
  asFields,
  describeValue,
  fieldPath,
  invalidField,
  readArray,
  readBoolean,
  readInt32,
  readInteger,
  readObject,
  readRequiredString,
  readString,
  readStringList,
} from './field-reader.util.js';
import type {
  PodProjection,
  ProjectedAppArmorProfile,
  ProjectedCapabilities,
  ProjectedContainer,
  ProjectedHandler,
  ProjectedHostPort,
  ProjectedMetadata,
  ProjectedOwnerReference,
  ProjectedPodSecurityContext,
  ProjectedPodSpec,
  ProjectedSELinuxOptions,
  ProjectedSeccompProfile,
  ProjectedSecurityContext,
  ProjectedVolume,
  ProjectedVolumeMount,
  ProjectedWindowsOptions,
} from './pod-projection.types.js';
import {
  APPARMOR_ANNOTATION_PREFIX,
  CONTAINER_LISTS,
  FIELD_NAME,
  KNOWN_VOLUME_KEYS,
  MAX_UNKNOWN_VOLUME_SOURCES,
  PROBES,
  SECCOMP_CONTAINER_ANNOTATION_PREFIX,
  SECCOMP_POD_ANNOTATION,
  VOLUME_SOURCES,
} from './projected-fields.constant.js';

export type { PodProjection } from './pod-projection.types.js';

// A hand-written walker rather than a zod schema: it validates and copies in one pass over only the fields
// it keeps, where a schema would first parse the whole pod (env, commands, resources) and then need a
// second pass to drop them. This runs on every pod and template the agent watches.


function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function isEmpty(object: object): boolean {
  for (const _ in object) return false;
  return true;
}

function nonEmpty<T extends object>(object: T): T | undefined {
  return isEmpty(object) ? undefined : object;
}

function isSecurityAnnotation(key: string): boolean {
  return (
    key.startsWith(APPARMOR_ANNOTATION_PREFIX) ||
    key.startsWith(SECCOMP_CONTAINER_ANNOTATION_PREFIX) ||
    key === SECCOMP_POD_ANNOTATION
  );
}

function projectAnnotations(annotations: Fields): Record<string, string> | undefined {
  let kept: Record<string, string> | undefined;
  for (const key of Object.keys(annotations)) {
    if (!isSecurityAnnotation(key)) continue;
    const value = annotations[key];
    // Go decodes a JSON null into a map[string]string as "", so the key is present with an empty value.
    if (value != null && typeof value !== 'string') {
      throw invalidField(`metadata.annotations[${key}]`, `expected a string, got ${describeValue(value)}`);
    }
    (kept ??= {})[key] = value ?? '';
  }
  return kept;
}

function projectOwnerReference(value: unknown, path: string): ProjectedOwnerReference {
  const owner = asFields(value, path);
  const apiVersion = readString(owner, 'apiVersion', path);
  const kind = readRequiredString(owner, 'kind', path);
  const name = readRequiredString(owner, 'name', path);
  const projected: ProjectedOwnerReference = apiVersion === undefined ? { kind, name } : { apiVersion, kind, name };
  put(projected, 'uid', readString(owner, 'uid', path));
  put(projected, 'controller', readBoolean(owner, 'controller', path));
  return projected;
}

function projectMetadata(metadata: Fields | undefined): ProjectedMetadata {
  const projected: ProjectedMetadata = {};
  if (metadata === undefined) return projected;
  put(projected, 'name', readString(metadata, 'name', 'metadata'));
  put(projected, 'namespace', readString(metadata, 'namespace', 'metadata'));
  put(projected, 'uid', readString(metadata, 'uid', 'metadata'));
  const owners = readArray(metadata, 'ownerReferences', 'metadata');
  if (owners !== undefined && owners.length > 0) {
    projected.ownerReferences = owners.map((owner, i) => projectOwnerReference(owner, `metadata.ownerReferences[${i}]`));
  }
  const annotations = readObject(metadata, 'annotations', 'metadata');
  if (annotations !== undefined) put(projected, 'annotations', projectAnnotations(annotations));
  return projected;
}

// Presence matters for these two: a profile object with no type fails the checks as type "".
function projectProfile(fields: Fields, key: string, parent: string): ProjectedSeccompProfile | ProjectedAppArmorProfile | undefined {
  const profile = readObject(fields, key, parent);
  if (profile === undefined) return undefined;
  const projected: ProjectedSeccompProfile = {};
  put(projected, 'type', readString(profile, 'type', fieldPath(parent, key)));
  return projected;
}

function projectSELinuxOptions(fields: Fields, parent: string): ProjectedSELinuxOptions | undefined {
  const options = readObject(fields, 'seLinuxOptions', parent);
  if (options === undefined) return undefined;
  const path = fieldPath(parent, 'seLinuxOptions');
  const projected: ProjectedSELinuxOptions = {};
  put(projected, 'type', readString(options, 'type', path));
  put(projected, 'user', readString(options, 'user', path));
  put(projected, 'role', readString(options, 'role', path));
  return nonEmpty(projected);
}

function projectWindowsOptions(fields: Fields, parent: string): ProjectedWindowsOptions | undefined {
  const options = readObject(fields, 'windowsOptions', parent);
  if (options === undefined) return undefined;
  const projected: ProjectedWindowsOptions = {};
  put(projected, 'hostProcess', readBoolean(options, 'hostProcess', fieldPath(parent, 'windowsOptions')));
  return nonEmpty(projected);
}

function projectSysctls(fields: Fields, parent: string): { name: string }[] | undefined {
  const sysctls = readArray(fields, 'sysctls', parent);
  if (sysctls === undefined || sysctls.length === 0) return undefined;
  return sysctls.map((sysctl, i) => {
    const path = `${fieldPath(parent, 'sysctls')}[${i}]`;
    return { name: readRequiredString(asFields(sysctl, path), 'name', path) };
  });
}

function projectPodSecurityContext(spec: Fields): ProjectedPodSecurityContext | undefined {
  const context = readObject(spec, 'securityContext', 'spec');
  if (context === undefined) return undefined;
  const path = 'spec.securityContext';
  const projected: ProjectedPodSecurityContext = {};
  put(projected, 'runAsNonRoot', readBoolean(context, 'runAsNonRoot', path));
  put(projected, 'runAsUser', readInteger(context, 'runAsUser', path));
  put(projected, 'runAsGroup', readInteger(context, 'runAsGroup', path));
  put(projected, 'fsGroup', readInteger(context, 'fsGroup', path));
  put(projected, 'seccompProfile', projectProfile(context, 'seccompProfile', path));
  put(projected, 'seLinuxOptions', projectSELinuxOptions(context, path));
  put(projected, 'appArmorProfile', projectProfile(context, 'appArmorProfile', path));
  put(projected, 'windowsOptions', projectWindowsOptions(context, path));
  put(projected, 'sysctls', projectSysctls(context, path));
  return nonEmpty(projected);
}

function projectCapabilities(context: Fields, parent: string): ProjectedCapabilities | undefined {
  const capabilities = readObject(context, 'capabilities', parent);
  if (capabilities === undefined) return undefined;
  const path = fieldPath(parent, 'capabilities');
  const projected: ProjectedCapabilities = {};
  const add = readStringList(capabilities, 'add', path);
  if (add !== undefined && add.length > 0) projected.add = add;
  const drop = readStringList(capabilities, 'drop', path);
  if (drop !== undefined && drop.length > 0) projected.drop = drop;
  return nonEmpty(projected);
}

function projectSecurityContext(container: Fields, parent: string): ProjectedSecurityContext | undefined {
  const context = readObject(container, 'securityContext', parent);
  if (context === undefined) return undefined;
  const path = fieldPath(parent, 'securityContext');
  const projected: ProjectedSecurityContext = {};
  put(projected, 'privileged', readBoolean(context, 'privileged', path));
  put(projected, 'allowPrivilegeEscalation', readBoolean(context, 'allowPrivilegeEscalation', path));
  put(projected, 'capabilities', projectCapabilities(context, path));
  put(projected, 'procMount', readString(context, 'procMount', path));
  put(projected, 'runAsNonRoot', readBoolean(context, 'runAsNonRoot', path));
  put(projected, 'runAsUser', readInteger(context, 'runAsUser', path));
  put(projected, 'runAsGroup', readInteger(context, 'runAsGroup', path));
  put(projected, 'readOnlyRootFilesystem', readBoolean(context, 'readOnlyRootFilesystem', path));
  put(projected, 'seccompProfile', projectProfile(context, 'seccompProfile', path));
  put(projected, 'seLinuxOptions', projectSELinuxOptions(context, path));
  put(projected, 'appArmorProfile', projectProfile(context, 'appArmorProfile', path));
  put(projected, 'windowsOptions', projectWindowsOptions(context, path));
  return nonEmpty(projected);
}

function projectHostPorts(container: Fields, parent: string): ProjectedHostPort[] | undefined {
  const ports = readArray(container, 'ports', parent);
  if (ports === undefined) return undefined;
  let kept: ProjectedHostPort[] | undefined;
  for (let i = 0; i < ports.length; i++) {
    const path = `${fieldPath(parent, 'ports')}[${i}]`;
    const port = asFields(ports[i], path);
    const containerPort = readInt32(port, 'containerPort', path);
    const hostPort = readInt32(port, 'hostPort', path);
    if (hostPort === undefined || hostPort === 0) continue;
    (kept ??= []).push(containerPort === undefined ? { hostPort } : { containerPort, hostPort });
  }
  return kept;
}

function projectHandlerHost(handler: Fields, key: 'httpGet' | 'tcpSocket', parent: string): { host: string } | undefined {
  const action = readObject(handler, key, parent);
  if (action === undefined) return undefined;
  const host = readString(action, 'host', fieldPath(parent, key));
  return host ? { host } : undefined;
}

function projectHandler(fields: Fields, key: string, parent: string): ProjectedHandler | undefined {
  const handler = readObject(fields, key, parent);
  if (handler === undefined) return undefined;
  const path = fieldPath(parent, key);
  const projected: ProjectedHandler = {};
  put(projected, 'httpGet', projectHandlerHost(handler, 'httpGet', path));
  put(projected, 'tcpSocket', projectHandlerHost(handler, 'tcpSocket', path));
  return nonEmpty(projected);
}

function projectLifecycle(container: Fields, parent: string): ProjectedContainer['lifecycle'] {
  const lifecycle = readObject(container, 'lifecycle', parent);
  if (lifecycle === undefined) return undefined;
  const path = fieldPath(parent, 'lifecycle');
  const projected: NonNullable<ProjectedContainer['lifecycle']> = {};
  put(projected, 'postStart', projectHandler(lifecycle, 'postStart', path));
  put(projected, 'preStop', projectHandler(lifecycle, 'preStop', path));
  return nonEmpty(projected);
}

function projectVolumeMounts(container: Fields, parent: string): ProjectedVolumeMount[] | undefined {
  const mounts = readArray(container, 'volumeMounts', parent);
  if (mounts === undefined || mounts.length === 0) return undefined;
  return mounts.map((value, i) => {
    const path = `${fieldPath(parent, 'volumeMounts')}[${i}]`;
    const mount = asFields(value, path);
    const projected: ProjectedVolumeMount = {
      name: readRequiredString(mount, 'name', path),
      mountPath: readRequiredString(mount, 'mountPath', path),
    };
    put(projected, 'readOnly', readBoolean(mount, 'readOnly', path));
    return projected;
  });
}

function projectContainer(value: unknown, path: string): ProjectedContainer {
  const container = asFields(value, path);
  const projected: ProjectedContainer = { name: readRequiredString(container, 'name', path) };
  put(projected, 'image', readString(container, 'image', path));
  put(projected, 'securityContext', projectSecurityContext(container, path));
  put(projected, 'ports', projectHostPorts(container, path));
  for (const probe of PROBES) put(projected, probe, projectHandler(container, probe, path));
  put(projected, 'lifecycle', projectLifecycle(container, path));
  put(projected, 'volumeMounts', projectVolumeMounts(container, path));
  return projected;
}

// Sources the evaluator does not know (a newer Kubernetes's, say), by key, sorted so the hash does not depend
// on key order. The restricted check reports them as "unknown", so the projection must carry them.
function unknownVolumeSources(volume: Fields, path: string): string[] | undefined {
  let unknown: string[] | undefined;
  for (const key of Object.keys(volume)) {
    if (KNOWN_VOLUME_KEYS.has(key) || volume[key] == null) continue;
    if (!FIELD_NAME.test(key)) throw invalidField(fieldPath(path, key), 'not a volume source: expected a field name such as emptyDir');
    (unknown ??= []).push(key);
  }
  if (unknown !== undefined && unknown.length > MAX_UNKNOWN_VOLUME_SOURCES) {
    throw invalidField(path, `sets ${unknown.length} fields that are no known volume source; a volume has one source`);
  }
  return unknown?.sort();
}

function projectVolume(value: unknown, path: string): ProjectedVolume {
  const volume = asFields(value, path);
  const projected: ProjectedVolume = { name: readRequiredString(volume, 'name', path) };
  for (const source of VOLUME_SOURCES) {
    const contents = readObject(volume, source, path);
    if (contents === undefined) continue;
    if (source === 'hostPath') {
      const hostPath: NonNullable<ProjectedVolume['hostPath']> = {};
      put(hostPath, 'path', readString(contents, 'path', fieldPath(path, source)));
      put(hostPath, 'type', readString(contents, 'type', fieldPath(path, source)));
      projected.hostPath = hostPath;
    } else {
      // Which source a volume uses is all the checks need; its contents stay in the cluster.
      projected[source] = {};
    }
  }
  put(projected, 'unknownSources', unknownVolumeSources(volume, path));
  return projected;
}

function projectSpec(spec: Fields | undefined): ProjectedPodSpec {
  const projected: ProjectedPodSpec = {};
  if (spec === undefined) return projected;
  put(projected, 'hostNetwork', readBoolean(spec, 'hostNetwork', 'spec'));
  put(projected, 'hostPID', readBoolean(spec, 'hostPID', 'spec'));
  put(projected, 'hostIPC', readBoolean(spec, 'hostIPC', 'spec'));
  put(projected, 'hostUsers', readBoolean(spec, 'hostUsers', 'spec'));
  const os = readObject(spec, 'os', 'spec');
  if (os !== undefined) {
    const name = readString(os, 'name', 'spec.os');
    if (name !== undefined) projected.os = { name };
  }
  // Kept for PSA's runtime-class exemption (PodSecurityConfiguration exemptions.runtimeClasses), not for a check.
  put(projected, 'runtimeClassName', readString(spec, 'runtimeClassName', 'spec'));
  put(projected, 'automountServiceAccountToken', readBoolean(spec, 'automountServiceAccountToken', 'spec'));
  put(projected, 'securityContext', projectPodSecurityContext(spec));
  const volumes = readArray(spec, 'volumes', 'spec');
  if (volumes !== undefined && volumes.length > 0) {
    projected.volumes = volumes.map((volume, i) => projectVolume(volume, `spec.volumes[${i}]`));
  }
  for (const list of CONTAINER_LISTS) {
    const containers = readArray(spec, list, 'spec');
    if (containers !== undefined && containers.length > 0) {
      projected[list] = containers.map((container, i) => projectContainer(container, `spec.${list}[${i}]`));
    }
  }
  return projected;
}

/**
 * Reduces a pod or pod template `{metadata, spec}` to its security projection, validating the type of
 * every field it reads. `null` counts as absent. Throws PssInputError naming the field, e.g.
 * `spec.containers[1].securityContext.runAsUser: expected an integer, got "0"`.
 */
export function projectPod(pod: PodLike): PodProjection {
  const root = asFields(pod, 'pod');
  return {
    metadata: projectMetadata(readObject(root, 'metadata', '')),
    spec: projectSpec(readObject(root, 'spec', '')),
  };
}
