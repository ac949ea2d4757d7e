import type { ALLOWED_VOLUME_SOURCES, RESTRICTED_VOLUME_SOURCES } from '../checks/restricted-volumes.check.js';

// Type aliases rather than interfaces: an interface has no implicit index signature, so it would not be
// assignable to PodLike, whose objects allow unknown extra fields.

export type ProjectedOwnerReference = {
  apiVersion?: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
};

export type ProjectedMetadata = {
  name?: string;
  namespace?: string;
  uid?: string;
  ownerReferences?: ProjectedOwnerReference[];
  /** Only the AppArmor and seccomp annotations Pod Security reads. */
  annotations?: Record<string, string>;
};

export type ProjectedSeccompProfile = { type?: string };
export type ProjectedAppArmorProfile = { type?: string };
export type ProjectedSELinuxOptions = { type?: string; user?: string; role?: string };
export type ProjectedWindowsOptions = { hostProcess?: boolean };
export type ProjectedCapabilities = { add?: string[]; drop?: string[] };

export type ProjectedSecurityContext = {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: ProjectedCapabilities;
  procMount?: string;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  readOnlyRootFilesystem?: boolean;
  seccompProfile?: ProjectedSeccompProfile;
  seLinuxOptions?: ProjectedSELinuxOptions;
  appArmorProfile?: ProjectedAppArmorProfile;
  windowsOptions?: ProjectedWindowsOptions;
};

export type ProjectedPodSecurityContext = {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  seccompProfile?: ProjectedSeccompProfile;
  seLinuxOptions?: ProjectedSELinuxOptions;
  appArmorProfile?: ProjectedAppArmorProfile;
  windowsOptions?: ProjectedWindowsOptions;
  /** Names only: the values are configuration, not security content. */
  sysctls?: { name: string }[];
};

/** Only ports with a non-zero hostPort are kept. */
export type ProjectedHostPort = { containerPort?: number; hostPort: number };

/** Only a non-empty `host` is kept; ports, paths and headers are dropped. */
export type ProjectedHandler = { httpGet?: { host: string }; tcpSocket?: { host: string } };

export type ProjectedVolumeMount = { name: string; mountPath: string; readOnly?: boolean };

export type ProjectedContainer = {
  name: string;
  image?: string;
  securityContext?: ProjectedSecurityContext;
  ports?: ProjectedHostPort[];
  livenessProbe?: ProjectedHandler;
  readinessProbe?: ProjectedHandler;
  startupProbe?: ProjectedHandler;
  lifecycle?: { postStart?: ProjectedHandler; preStop?: ProjectedHandler };
  volumeMounts?: ProjectedVolumeMount[];
};

export type VolumeSourceName = (typeof ALLOWED_VOLUME_SOURCES)[number] | (typeof RESTRICTED_VOLUME_SOURCES)[number];

export type ProjectedHostPathSource = { path?: string; type?: string };

/**
 * A volume's name and which sources it sets; only hostPath keeps its contents. `unknownSources` names, sorted,
 * the keys that are no source the evaluator knows (a newer Kubernetes's): the restricted check reports such a
 * volume as type "unknown", and so does a projection, whose `unknownSources` key is itself no known source.
 */
export type ProjectedVolume = { name: string; hostPath?: ProjectedHostPathSource; unknownSources?: string[] } & {
  [source in Exclude<VolumeSourceName, 'hostPath'>]?: Record<string, never>;
};

export type ProjectedPodSpec = {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  hostUsers?: boolean;
  os?: { name?: string };
  /** Not read by any check: PSA exempts pods whose runtime class its configuration lists (exemptions.runtimeClasses). */
  runtimeClassName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: ProjectedPodSecurityContext;
  volumes?: ProjectedVolume[];
  initContainers?: ProjectedContainer[];
  containers?: ProjectedContainer[];
  ephemeralContainers?: ProjectedContainer[];
};

/**
 * The security projection of a pod or pod template: identity plus exactly the fields the Pod Security
 * checks read (and the few remediation explains). Evaluating it gives the same result as evaluating the
 * pod it came from. Absent fields are omitted, never `undefined`.
 */
export type PodProjection = {
  metadata: ProjectedMetadata;
  spec: ProjectedPodSpec;
};
