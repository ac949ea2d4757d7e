import type { Container, ObjectMeta, PodLike, PodSecurityContext, PodSpec, SecurityContext } from '../../src/index.js';

/** A container with a name and an image and no security settings at all. */
export function createContainer(name: string, overrides: Partial<Container> = {}): Container {
  return { name, image: 'registry.example/app:1.0', ...overrides };
}

/**
 * A container that passes every restricted container-level check at every version:
 * `allowPrivilegeEscalation: false` and `capabilities.drop: [ALL]`, with `securityContext` merged over them.
 */
export function createRestrictedContainer(name: string, securityContext: SecurityContext = {}): Container {
  return createContainer(name, {
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...securityContext },
  });
}

/** A bare pod: the spec exactly as given, named `pod`. */
export function createPod(spec: PodSpec, metadata: ObjectMeta = {}): PodLike {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod', ...metadata }, spec };
}

export interface RestrictedPodOverrides extends PodSpec {
  metadata?: ObjectMeta;
}

/**
 * A pod that passes restricted at every version: upstream's minimal restricted pod (pod-level
 * `runAsNonRoot: true` and `RuntimeDefault` seccomp, one restricted container `app`). Spec fields replace
 * the defaults, except `securityContext`, which is merged over the pod-level defaults (null removes one).
 */
export function createRestrictedPod(overrides: RestrictedPodOverrides = {}): PodLike {
  const { metadata, securityContext, ...spec } = overrides;
  const podSecurityContext: PodSecurityContext = {
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
    ...securityContext,
  };
  return createPod({ containers: [createRestrictedContainer('app')], ...spec, securityContext: podSecurityContext }, metadata);
}
