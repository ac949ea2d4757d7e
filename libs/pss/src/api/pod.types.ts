/**
 * The parts of a core/v1 Pod that Pod Security reads, plus identity. Every field is optional and may be
 * null, as in JSON from the API server; `null` and absent mean the same (a nil pointer in Go).
 */
export type Maybe<T> = T | null | undefined;

export interface SeccompProfile {
  type?: Maybe<string>;
  localhostProfile?: Maybe<string>;
}

export interface AppArmorProfile {
  type?: Maybe<string>;
  localhostProfile?: Maybe<string>;
}

export interface SELinuxOptions {
  user?: Maybe<string>;
  role?: Maybe<string>;
  type?: Maybe<string>;
  level?: Maybe<string>;
}

export interface WindowsSecurityContextOptions {
  hostProcess?: Maybe<boolean>;
  [field: string]: unknown;
}

export interface Capabilities {
  add?: Maybe<string[]>;
  drop?: Maybe<string[]>;
}

export interface SecurityContext {
  privileged?: Maybe<boolean>;
  allowPrivilegeEscalation?: Maybe<boolean>;
  capabilities?: Maybe<Capabilities>;
  procMount?: Maybe<string>;
  runAsNonRoot?: Maybe<boolean>;
  runAsUser?: Maybe<number>;
  runAsGroup?: Maybe<number>;
  readOnlyRootFilesystem?: Maybe<boolean>;
  seccompProfile?: Maybe<SeccompProfile>;
  seLinuxOptions?: Maybe<SELinuxOptions>;
  appArmorProfile?: Maybe<AppArmorProfile>;
  windowsOptions?: Maybe<WindowsSecurityContextOptions>;
  [field: string]: unknown;
}

export interface Sysctl {
  name: string;
  value?: Maybe<string>;
}

export interface PodSecurityContext {
  runAsNonRoot?: Maybe<boolean>;
  runAsUser?: Maybe<number>;
  runAsGroup?: Maybe<number>;
  fsGroup?: Maybe<number>;
  seccompProfile?: Maybe<SeccompProfile>;
  seLinuxOptions?: Maybe<SELinuxOptions>;
  appArmorProfile?: Maybe<AppArmorProfile>;
  windowsOptions?: Maybe<WindowsSecurityContextOptions>;
  sysctls?: Maybe<Sysctl[]>;
  [field: string]: unknown;
}

export interface HostHandler {
  host?: Maybe<string>;
  [field: string]: unknown;
}

export interface ProbeLike {
  httpGet?: Maybe<HostHandler>;
  tcpSocket?: Maybe<HostHandler>;
  [field: string]: unknown;
}

export interface ContainerPort {
  containerPort?: Maybe<number>;
  hostPort?: Maybe<number>;
  [field: string]: unknown;
}

export interface Container {
  name: string;
  image?: Maybe<string>;
  ports?: Maybe<ContainerPort[]>;
  securityContext?: Maybe<SecurityContext>;
  livenessProbe?: Maybe<ProbeLike>;
  readinessProbe?: Maybe<ProbeLike>;
  startupProbe?: Maybe<ProbeLike>;
  lifecycle?: Maybe<{ postStart?: Maybe<ProbeLike>; preStop?: Maybe<ProbeLike> }>;
  [field: string]: unknown;
}

export interface Volume {
  name: string;
  [source: string]: unknown;
}

export interface PodSpec {
  hostNetwork?: Maybe<boolean>;
  hostPID?: Maybe<boolean>;
  hostIPC?: Maybe<boolean>;
  hostUsers?: Maybe<boolean>;
  os?: Maybe<{ name?: Maybe<string> }>;
  securityContext?: Maybe<PodSecurityContext>;
  volumes?: Maybe<Volume[]>;
  initContainers?: Maybe<Container[]>;
  containers?: Maybe<Container[]>;
  ephemeralContainers?: Maybe<Container[]>;
  automountServiceAccountToken?: Maybe<boolean>;
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: Maybe<boolean>;
}

export interface ObjectMeta {
  name?: Maybe<string>;
  namespace?: Maybe<string>;
  uid?: Maybe<string>;
  labels?: Maybe<Record<string, string>>;
  annotations?: Maybe<Record<string, string>>;
  ownerReferences?: Maybe<OwnerReference[]>;
  [field: string]: unknown;
}

/** A Pod, or anything shaped like one (a pod template is `{metadata, spec}` too). */
export interface PodLike {
  apiVersion?: Maybe<string>;
  kind?: Maybe<string>;
  metadata?: Maybe<ObjectMeta>;
  spec?: Maybe<PodSpec>;
  [field: string]: unknown;
}
