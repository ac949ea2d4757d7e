import { z } from 'zod';

import { Dns1123Label, KubernetesUid, NamespaceName, ObjectName, Sha256Hex } from './common.contract.js';

// Mirrors `PodProjection` of libs/pss (projection/pod-projection.types.ts); a test parses `projectPod` output
// with these schemas. Every object is strict: a projection carries exactly the fields Pod Security reads plus
// identity, so anything else (environment, commands, config) is refused rather than stored.

/** The key of a projection: the lowercase hex sha256 `projectionHash` of libs/pss. */
export const ProjectionHash = Sha256Hex.meta({
  description:
    'Lowercase hex SHA-256 of the canonical JSON (keys sorted at every level, no whitespace) of { annotations: metadata.annotations or {}, spec } of the projection; see the API description.',
});
export type ProjectionHash = z.infer<typeof ProjectionHash>;

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

const shortString = z.string().max(256);

/** Volume sources restricted allows, as libs/pss lists them. */
export const ALLOWED_VOLUME_SOURCES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
] as const;

/** Every other volume source, in the order upstream names the first one set. */
export const RESTRICTED_VOLUME_SOURCES = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
] as const;

// The annotations Pod Security reads; a projection carries no others.
const PSA_ANNOTATION_KEY =
  /^(seccomp\.security\.alpha\.kubernetes\.io\/pod|container\.seccomp\.security\.alpha\.kubernetes\.io\/.+|container\.apparmor\.security\.beta\.kubernetes\.io\/.+)$/;

/** An owner reference of a projected pod. */
export const ProjectedOwnerReference = z.strictObject({
  apiVersion: shortString.optional(),
  kind: z.string().min(1).max(63),
  name: ObjectName,
  uid: KubernetesUid.optional(),
  controller: z.boolean().optional(),
});

/** Identity of a projected pod, plus the AppArmor and seccomp annotations only. Templates have no name or uid. */
export const ProjectedMetadata = z.strictObject({
  name: ObjectName.optional(),
  namespace: NamespaceName.optional(),
  uid: KubernetesUid.optional(),
  ownerReferences: z.array(ProjectedOwnerReference).max(32).optional(),
  annotations: z
    .record(
      z.string().max(317).regex(PSA_ANNOTATION_KEY, { message: 'must be an AppArmor or seccomp annotation key' }),
      z.string().max(4096),
    )
    .optional(),
});

const ProfileType = z.strictObject({ type: shortString.optional() });

/** SELinux options as the checks read them (`level` is free and dropped). */
export const ProjectedSeLinuxOptions = z.strictObject({
  type: shortString.optional(),
  user: shortString.optional(),
  role: shortString.optional(),
});

const WindowsOptions = z.strictObject({ hostProcess: z.boolean().optional() });
const UserOrGroupId = z.int();
const CapabilityList = z.array(z.string().max(128)).max(128);

/** A container's security context, security fields only. */
export const ProjectedSecurityContext = z.strictObject({
  privileged: z.boolean().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  capabilities: z.strictObject({ add: CapabilityList.optional(), drop: CapabilityList.optional() }).optional(),
  procMount: shortString.optional(),
  runAsNonRoot: z.boolean().optional(),
  runAsUser: UserOrGroupId.optional(),
  runAsGroup: UserOrGroupId.optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  seccompProfile: ProfileType.optional(),
  seLinuxOptions: ProjectedSeLinuxOptions.optional(),
  appArmorProfile: ProfileType.optional(),
  windowsOptions: WindowsOptions.optional(),
});

/** The pod's security context, security fields only; sysctls by name (their values are configuration). */
export const ProjectedPodSecurityContext = z.strictObject({
  runAsNonRoot: z.boolean().optional(),
  runAsUser: UserOrGroupId.optional(),
  runAsGroup: UserOrGroupId.optional(),
  fsGroup: UserOrGroupId.optional(),
  seccompProfile: ProfileType.optional(),
  seLinuxOptions: ProjectedSeLinuxOptions.optional(),
  appArmorProfile: ProfileType.optional(),
  windowsOptions: WindowsOptions.optional(),
  sysctls: z
    .array(z.strictObject({ name: z.string().min(1).max(253) }))
    .max(128)
    .optional(),
});

/** A container port that binds the host: only ports with a non-zero `hostPort` are projected. */
export const ProjectedHostPort = z.strictObject({
  containerPort: z.int().min(INT32.min).max(INT32.max).optional(),
  hostPort: z
    .int()
    .min(INT32.min)
    .max(INT32.max)
    .refine((port) => port !== 0, { message: 'must be non-zero: ports without a hostPort are not projected' }),
});

const HostOnly = z.strictObject({ host: z.string().min(1).max(253) });

/** A probe or lifecycle handler reduced to its `host`, kept only when non-empty. */
export const ProjectedHandler = z.strictObject({
  httpGet: HostOnly.optional(),
  tcpSocket: HostOnly.optional(),
});

/** A volume mount of a container. */
export const ProjectedVolumeMount = z.strictObject({
  name: Dns1123Label,
  mountPath: z.string().min(1).max(4096),
  readOnly: z.boolean().optional(),
});

/** A container (init, regular or ephemeral): name, image and the fields the checks read. */
export const ProjectedContainer = z.strictObject({
  name: Dns1123Label,
  image: z.string().max(2048).optional(),
  securityContext: ProjectedSecurityContext.optional(),
  ports: z.array(ProjectedHostPort).max(256).optional(),
  livenessProbe: ProjectedHandler.optional(),
  readinessProbe: ProjectedHandler.optional(),
  startupProbe: ProjectedHandler.optional(),
  lifecycle: z.strictObject({ postStart: ProjectedHandler.optional(), preStop: ProjectedHandler.optional() }).optional(),
  volumeMounts: z.array(ProjectedVolumeMount).max(256).optional(),
});

/** A volume source name. */
export type VolumeSourceName = (typeof ALLOWED_VOLUME_SOURCES)[number] | (typeof RESTRICTED_VOLUME_SOURCES)[number];

const KNOWN_VOLUME_KEYS: ReadonlySet<string> = new Set(['name', ...ALLOWED_VOLUME_SOURCES, ...RESTRICTED_VOLUME_SOURCES]);

// Which source a volume sets is all the checks need, so every source but hostPath is an empty marker object.
const SourceMarker = z.strictObject({});
const sourceMarkers = Object.fromEntries(
  [...ALLOWED_VOLUME_SOURCES, ...RESTRICTED_VOLUME_SOURCES]
    .filter((source) => source !== 'hostPath')
    .map((source) => [source, SourceMarker.optional()]),
) as { [source in Exclude<VolumeSourceName, 'hostPath'>]: z.ZodOptional<typeof SourceMarker> };

/**
 * A volume: its name and which source it sets, each source as an empty object except `hostPath`, which keeps
 * its path and type. `unknownSources` lists, sorted, the keys of sources libs/pss does not know (a newer
 * Kubernetes's): the restricted check reports such a volume as type "unknown" rather than pass it, and the
 * worker must reach the same verdict as the agent.
 */
export const ProjectedVolume = z.strictObject({
  name: Dns1123Label,
  hostPath: z.strictObject({ path: z.string().max(4096).optional(), type: shortString.optional() }).optional(),
  ...sourceMarkers,
  unknownSources: z
    .array(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/, { message: 'must be a field name' }))
    .min(1)
    .max(16)
    .refine((keys) => keys.every((key, i) => i === 0 || keys[i - 1]! < key), { message: 'must be sorted and distinct' })
    .refine((keys) => keys.every((key) => !KNOWN_VOLUME_KEYS.has(key)), { message: 'must name no known volume source' })
    .optional(),
});

const ContainerList = z.array(ProjectedContainer).max(256);

/** The pod spec, security fields only. */
export const ProjectedPodSpec = z.strictObject({
  hostNetwork: z.boolean().optional(),
  hostPID: z.boolean().optional(),
  hostIPC: z.boolean().optional(),
  hostUsers: z.boolean().optional(),
  os: z.strictObject({ name: shortString.optional() }).optional(),
  automountServiceAccountToken: z.boolean().optional(),
  securityContext: ProjectedPodSecurityContext.optional(),
  volumes: z.array(ProjectedVolume).max(512).optional(),
  initContainers: ContainerList.optional(),
  containers: ContainerList.optional(),
  ephemeralContainers: ContainerList.optional(),
});

/**
 * The security projection of a pod or pod template: identity plus exactly the fields the Pod Security checks
 * read, as `projectPod` of libs/pss produces it. It is a `PodLike`, so it can be evaluated as is.
 */
export const SecurityProjection = z.strictObject({
  metadata: ProjectedMetadata,
  spec: ProjectedPodSpec,
});
export type SecurityProjection = z.infer<typeof SecurityProjection>;

/**
 * What a `projectionHash` covers: a projection without its identity (name, namespace, uid, owners), so every
 * replica of a template shares one hash. This is what travels under its hash in ingestion batches; identity
 * travels on the inventory objects that refer to it. Also a `PodLike`.
 */
export const ProjectionContent = z.strictObject({
  metadata: ProjectedMetadata.pick({ annotations: true }),
  spec: ProjectedPodSpec,
});
export type ProjectionContent = z.infer<typeof ProjectionContent>;
export type ProjectedContainer = z.infer<typeof ProjectedContainer>;
export type ProjectedVolume = z.infer<typeof ProjectedVolume>;
