import { ALLOWED_VOLUME_SOURCES, RESTRICTED_VOLUME_SOURCES } from '../checks/restricted-volumes.check.js';

// What the projection reads, shared by projectPod (which copies it) and isValidPod (which only checks it), so the
// two walks cannot drift apart on a name or a limit.

export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;
export const INT64_LIMIT = 2 ** 63;
export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
export const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
export const VOLUME_SOURCES = [...ALLOWED_VOLUME_SOURCES, ...RESTRICTED_VOLUME_SOURCES];
export const KNOWN_VOLUME_KEYS: ReadonlySet<string> = new Set(['name', ...VOLUME_SOURCES]);
// How a core/v1 field name is spelt: a JSON key that is anything else cannot be a volume source.
export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9]{0,62}$/;
export const MAX_UNKNOWN_VOLUME_SOURCES = 16;
export const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
export const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
