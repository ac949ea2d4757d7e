import { z } from 'zod';

import { Dns1123Label, Dns1123Subdomain, KubernetesUid, NamespaceName, ObjectName, Sha256Hex } from './common.contract.js';

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
  apiVersion: shortString.optional().meta({ description: 'metadata.ownerReferences[].apiVersion of the owner, e.g. apps/v1; at most 256 characters.' }),
  kind: z.string().min(1).max(63).meta({ description: 'metadata.ownerReferences[].kind of the owner, e.g. ReplicaSet; 1 to 63 characters.' }),
  name: ObjectName.meta({ description: "metadata.ownerReferences[].name: the owner's name (RFC 1123 subdomain)." }),
  uid: KubernetesUid.optional().meta({ description: "metadata.ownerReferences[].uid: the owner's metadata.uid." }),
  controller: z.boolean().optional().meta({ description: 'metadata.ownerReferences[].controller: true for the managing controller.' }),
});

/** Identity of a projected pod, plus the AppArmor and seccomp annotations only. Templates have no name or uid. */
export const ProjectedMetadata = z.strictObject({
  name: ObjectName.optional().meta({ description: "metadata.name of the pod; absent for a pod template." }),
  namespace: NamespaceName.optional().meta({ description: 'metadata.namespace of the pod; absent for a pod template.' }),
  uid: KubernetesUid.optional().meta({ description: 'metadata.uid of the pod; absent for a pod template.' }),
  ownerReferences: z
    .array(ProjectedOwnerReference)
    .max(32)
    .optional()
    .meta({ description: 'metadata.ownerReferences of the pod, at most 32.' }),
  annotations: z
    .record(
      z.string().max(317).regex(PSA_ANNOTATION_KEY, { message: 'must be an AppArmor or seccomp annotation key' }),
      z.string().max(4096),
    )
    .optional()
    .meta({
      description:
        'metadata.annotations reduced to the keys Pod Security reads: seccomp.security.alpha.kubernetes.io/pod, container.seccomp.security.alpha.kubernetes.io/<container> and container.apparmor.security.beta.kubernetes.io/<container>; any other key is refused. Values at most 4096 characters. Part of the projectionHash ({} when absent).',
    }),
});

const ProfileType = z.strictObject({
  type: shortString
    .optional()
    .meta({ description: 'The profile type as written (e.g. RuntimeDefault, Localhost, Unconfined); the checks judge it, so any string up to 256 characters is accepted.' }),
});

/** SELinux options as the checks read them (`level` is free and dropped). */
export const ProjectedSeLinuxOptions = z.strictObject({
  type: shortString.optional().meta({ description: 'seLinuxOptions.type, at most 256 characters; baseline allows only empty, container_t, container_init_t and container_kvm_t (and container_engine_t from v1.31).' }),
  user: shortString.optional().meta({ description: 'seLinuxOptions.user, at most 256 characters; baseline requires it unset.' }),
  role: shortString.optional().meta({ description: 'seLinuxOptions.role, at most 256 characters; baseline requires it unset.' }),
});

const WindowsOptions = z.strictObject({
  hostProcess: z.boolean().optional().meta({ description: 'windowsOptions.hostProcess: true runs a Windows HostProcess container, which baseline forbids.' }),
});
const UserOrGroupId = z.int();
const CapabilityList = z.array(z.string().max(128)).max(128);
const capabilityList = (field: string) => CapabilityList.optional().meta({ description: `capabilities.${field}: Linux capability names as written (e.g. NET_ADMIN or ALL), at most 128 of at most 128 characters.` });

/** A container's security context, security fields only. */
export const ProjectedSecurityContext = z.strictObject({
  privileged: z.boolean().optional().meta({ description: 'securityContext.privileged of the container.' }),
  allowPrivilegeEscalation: z.boolean().optional().meta({ description: 'securityContext.allowPrivilegeEscalation; restricted requires false.' }),
  capabilities: z
    .strictObject({ add: capabilityList('add'), drop: capabilityList('drop') })
    .optional()
    .meta({ description: 'securityContext.capabilities of the container.' }),
  procMount: shortString.optional().meta({ description: 'securityContext.procMount (Default or Unmasked), at most 256 characters.' }),
  runAsNonRoot: z.boolean().optional().meta({ description: 'securityContext.runAsNonRoot of the container; overrides the pod-level value.' }),
  runAsUser: UserOrGroupId.optional().meta({ description: 'securityContext.runAsUser: a UID (integer); restricted refuses 0.' }),
  runAsGroup: UserOrGroupId.optional().meta({ description: 'securityContext.runAsGroup: a GID (integer).' }),
  readOnlyRootFilesystem: z.boolean().optional().meta({ description: 'securityContext.readOnlyRootFilesystem; no Pod Security check reads it; kept for hardening advice.' }),
  seccompProfile: ProfileType.optional().meta({ description: 'securityContext.seccompProfile of the container.' }),
  seLinuxOptions: ProjectedSeLinuxOptions.optional().meta({ description: 'securityContext.seLinuxOptions of the container; level is not projected.' }),
  appArmorProfile: ProfileType.optional().meta({ description: 'securityContext.appArmorProfile of the container.' }),
  windowsOptions: WindowsOptions.optional().meta({ description: 'securityContext.windowsOptions of the container.' }),
});

/** The pod's security context, security fields only; sysctls by name (their values are configuration). */
export const ProjectedPodSecurityContext = z.strictObject({
  runAsNonRoot: z.boolean().optional().meta({ description: 'spec.securityContext.runAsNonRoot: the default for every container.' }),
  runAsUser: UserOrGroupId.optional().meta({ description: 'spec.securityContext.runAsUser: a UID (integer), the default for every container.' }),
  runAsGroup: UserOrGroupId.optional().meta({ description: 'spec.securityContext.runAsGroup: a GID (integer).' }),
  fsGroup: UserOrGroupId.optional().meta({ description: 'spec.securityContext.fsGroup: a GID (integer).' }),
  seccompProfile: ProfileType.optional().meta({ description: 'spec.securityContext.seccompProfile: the default for every container.' }),
  seLinuxOptions: ProjectedSeLinuxOptions.optional().meta({ description: 'spec.securityContext.seLinuxOptions; level is not projected.' }),
  appArmorProfile: ProfileType.optional().meta({ description: 'spec.securityContext.appArmorProfile: the default for every container.' }),
  windowsOptions: WindowsOptions.optional().meta({ description: 'spec.securityContext.windowsOptions.' }),
  sysctls: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(253).meta({ description: 'sysctls[].name, e.g. net.ipv4.ip_local_port_range; 1 to 253 characters.' }),
      }),
    )
    .max(128)
    .optional()
    .meta({ description: 'spec.securityContext.sysctls by name only (values are configuration and not projected), at most 128.' }),
});

/** A container port that binds the host: only ports with a non-zero `hostPort` are projected. */
export const ProjectedHostPort = z.strictObject({
  containerPort: z.int().min(INT32.min).max(INT32.max).optional().meta({ description: 'ports[].containerPort, a 32-bit integer.' }),
  hostPort: z
    .int()
    .min(INT32.min)
    .max(INT32.max)
    .refine((port) => port !== 0, { message: 'must be non-zero: ports without a hostPort are not projected' })
    .meta({ description: 'ports[].hostPort: a non-zero 32-bit integer (0 is refused: ports without a hostPort are not projected).' }),
});

const HostOnly = z.strictObject({
  host: z.string().min(1).max(253).meta({ description: 'The handler\'s host field, 1 to 253 characters; the probe or handler is projected only when it is set.' }),
});

/** A probe or lifecycle handler reduced to its `host`, kept only when non-empty. */
export const ProjectedHandler = z.strictObject({
  httpGet: HostOnly.optional().meta({ description: 'httpGet of the probe or handler, reduced to its host.' }),
  tcpSocket: HostOnly.optional().meta({ description: 'tcpSocket of the probe or handler, reduced to its host.' }),
});

/** A volume mount of a container. */
export const ProjectedVolumeMount = z.strictObject({
  name: Dns1123Label.meta({ description: 'volumeMounts[].name: the volume mounted (RFC 1123 label).' }),
  mountPath: z.string().min(1).max(4096).meta({ description: 'volumeMounts[].mountPath, 1 to 4096 characters.' }),
  readOnly: z.boolean().optional().meta({ description: 'volumeMounts[].readOnly.' }),
});

/** A container (init, regular or ephemeral): name, image and the fields the checks read. */
export const ProjectedContainer = z.strictObject({
  name: Dns1123Label.meta({ description: 'The container name (RFC 1123 label).' }),
  image: z.string().max(2048).optional().meta({ description: 'The container image reference as written, at most 2048 characters.' }),
  securityContext: ProjectedSecurityContext.optional().meta({ description: "The container's securityContext, security fields only." }),
  ports: z
    .array(ProjectedHostPort)
    .max(256)
    .optional()
    .meta({ description: 'The ports with a non-zero hostPort, at most 256; other ports are not projected.' }),
  livenessProbe: ProjectedHandler.optional().meta({ description: 'livenessProbe reduced to its host, present only when a host is set.' }),
  readinessProbe: ProjectedHandler.optional().meta({ description: 'readinessProbe reduced to its host, present only when a host is set.' }),
  startupProbe: ProjectedHandler.optional().meta({ description: 'startupProbe reduced to its host, present only when a host is set.' }),
  lifecycle: z
    .strictObject({
      postStart: ProjectedHandler.optional().meta({ description: 'lifecycle.postStart reduced to its host.' }),
      preStop: ProjectedHandler.optional().meta({ description: 'lifecycle.preStop reduced to its host.' }),
    })
    .optional()
    .meta({ description: 'lifecycle handlers reduced to their host, present only when a host is set.' }),
  volumeMounts: z.array(ProjectedVolumeMount).max(256).optional().meta({ description: "The container's volumeMounts, at most 256." }),
});

/** A volume source name. */
export type VolumeSourceName = (typeof ALLOWED_VOLUME_SOURCES)[number] | (typeof RESTRICTED_VOLUME_SOURCES)[number];

const KNOWN_VOLUME_KEYS: ReadonlySet<string> = new Set(['name', ...ALLOWED_VOLUME_SOURCES, ...RESTRICTED_VOLUME_SOURCES]);

// Which source a volume sets is all the checks need, so every source but hostPath is an empty marker object.
const SourceMarker = z.strictObject({});
const sourceMarkers = Object.fromEntries(
  [...ALLOWED_VOLUME_SOURCES, ...RESTRICTED_VOLUME_SOURCES]
    .filter((source) => source !== 'hostPath')
    .map((source) => [
      source,
      SourceMarker.optional().meta({
        description: `{} when the volume's source is ${source}; its settings are not projected. ${(RESTRICTED_VOLUME_SOURCES as readonly string[]).includes(source) ? 'Restricted forbids this source.' : 'Restricted allows this source.'}`,
      }),
    ]),
) as { [source in Exclude<VolumeSourceName, 'hostPath'>]: z.ZodOptional<typeof SourceMarker> };

/**
 * A volume: its name and which source it sets, each source as an empty object except `hostPath`, which keeps
 * its path and type. `unknownSources` lists, sorted, the keys of sources libs/pss does not know (a newer
 * Kubernetes's): the restricted check reports such a volume as type "unknown" rather than pass it, and the
 * worker must reach the same verdict as the agent.
 */
export const ProjectedVolume = z.strictObject({
  name: Dns1123Label.meta({ description: 'volumes[].name (RFC 1123 label).' }),
  hostPath: z
    .strictObject({
      path: z.string().max(4096).optional().meta({ description: 'hostPath.path on the node, at most 4096 characters.' }),
      type: shortString.optional().meta({ description: 'hostPath.type (e.g. Directory, Socket), at most 256 characters.' }),
    })
    .optional()
    .meta({ description: 'hostPath of the volume, keeping path and type; baseline forbids hostPath volumes.' }),
  ...sourceMarkers,
  unknownSources: z
    .array(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/, { message: 'must be a field name' }))
    .min(1)
    .max(16)
    .refine((keys) => keys.every((key, i) => i === 0 || keys[i - 1]! < key), { message: 'must be sorted and distinct' })
    .refine((keys) => keys.every((key) => !KNOWN_VOLUME_KEYS.has(key)), { message: 'must name no known volume source' })
    .optional()
    .meta({
      description:
        'Field names of volume sources this version does not know (a newer Kubernetes), sorted and distinct, 1 to 16, none of them a known source; restricted reports the volume as type "unknown".',
    }),
});

const ContainerList = z.array(ProjectedContainer).max(256);

/** The pod spec, security fields only. */
export const ProjectedPodSpec = z.strictObject({
  hostNetwork: z.boolean().optional().meta({ description: 'spec.hostNetwork; baseline forbids true.' }),
  hostPID: z.boolean().optional().meta({ description: 'spec.hostPID; baseline forbids true.' }),
  hostIPC: z.boolean().optional().meta({ description: 'spec.hostIPC; baseline forbids true.' }),
  hostUsers: z.boolean().optional().meta({ description: 'spec.hostUsers: false runs the pod in a user namespace.' }),
  runtimeClassName: Dns1123Subdomain.optional().meta({
    description: "spec.runtimeClassName (RFC 1123 subdomain). Read by no check: PSA exempts a pod whose runtime class its configuration lists (exemptions.runtimeClasses).",
  }),
  os: z
    .strictObject({ name: shortString.optional().meta({ description: 'spec.os.name: linux or windows as written, at most 256 characters.' }) })
    .optional()
    .meta({ description: 'spec.os: some restricted checks do not apply to a windows pod.' }),
  automountServiceAccountToken: z.boolean().optional().meta({ description: 'spec.automountServiceAccountToken; no Pod Security check reads it; kept for hardening advice.' }),
  securityContext: ProjectedPodSecurityContext.optional().meta({ description: "The pod's spec.securityContext, security fields only." }),
  volumes: z.array(ProjectedVolume).max(512).optional().meta({ description: 'spec.volumes, each reduced to its name and source, at most 512.' }),
  initContainers: ContainerList.optional().meta({ description: 'spec.initContainers, at most 256.' }),
  containers: ContainerList.optional().meta({ description: 'spec.containers, at most 256.' }),
  ephemeralContainers: ContainerList.optional().meta({ description: 'spec.ephemeralContainers, at most 256.' }),
});

/**
 * The security projection of a pod or pod template: identity plus exactly the fields the Pod Security checks
 * read, as `projectPod` of libs/pss produces it. It is a `PodLike`, so it can be evaluated as is.
 */
export const SecurityProjection = z.strictObject({
  metadata: ProjectedMetadata.meta({ description: 'Identity of the pod plus its AppArmor and seccomp annotations.' }),
  spec: ProjectedPodSpec.meta({ description: 'The pod spec, security fields only.' }),
});
export type SecurityProjection = z.infer<typeof SecurityProjection>;

/**
 * What a `projectionHash` covers: a projection without its identity (name, namespace, uid, owners), so every
 * replica of a template shares one hash. This is what travels under its hash in ingestion batches; identity
 * travels on the inventory objects that refer to it. Also a `PodLike`.
 */
export const ProjectionContent = z.strictObject({
  metadata: ProjectedMetadata.pick({ annotations: true }).meta({ description: 'metadata without identity: only the AppArmor and seccomp annotations.' }),
  spec: ProjectedPodSpec.meta({ description: 'The pod spec (of the pod, or of the workload\'s spec.template), security fields only.' }),
});
export type ProjectionContent = z.infer<typeof ProjectionContent>;
export type ProjectedContainer = z.infer<typeof ProjectedContainer>;
export type ProjectedVolume = z.infer<typeof ProjectedVolume>;
