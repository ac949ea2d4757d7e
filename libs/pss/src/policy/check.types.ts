import type { Level } from '../api/level.js';
import type { Container, ObjectMeta, PodSpec } from '../api/pod.types.js';

/** The 19 Pod Security check IDs, spelled as upstream registers them. */
export type CheckId =
  | 'appArmorProfile'
  | 'capabilities_baseline'
  | 'hostNamespaces'
  | 'hostPathVolumes'
  | 'hostPorts'
  | 'hostProbesAndHostLifecycle'
  | 'privileged'
  | 'procMount'
  | 'seLinuxOptions'
  | 'seccompProfile_baseline'
  | 'sysctls'
  | 'windowsHostProcess'
  | 'allowPrivilegeEscalation'
  | 'capabilities_restricted'
  | 'procMount_restricted'
  | 'restrictedVolumes'
  | 'runAsNonRoot'
  | 'runAsUser'
  | 'seccompProfile_restricted';

/** A failed check: what PSA prints as `reason (detail)`. */
export interface Violation {
  reason: string;
  detail: string;
}

/** What a check reads: the pod's metadata and spec, and its containers in visit order (computed once). */
export interface PodView {
  metadata: ObjectMeta;
  spec: PodSpec;
  containers: readonly Container[];
}

/** Returns `undefined` when the pod passes: passing is the common case and allocates nothing. */
export type CheckFn = (pod: PodView) => Violation | undefined;

export interface VersionedCheck {
  /** Minor version of v1.x from which this implementation applies. */
  minVersion: number;
  check: CheckFn;
  overrides?: readonly CheckId[];
}

export interface CheckDefinition {
  id: CheckId;
  level: Exclude<Level, 'privileged'>;
  /** Strictly increasing by `minVersion`. */
  versions: readonly VersionedCheck[];
}
