import { MAX_MINOR, parseVersion } from '@ratchet/pss';

// The rule lives in libs/pss, so the API resolves a cluster's `latest` exactly as the worker does.
export { clusterReleaseVersion } from '@ratchet/pss';

/**
 * A namespace's version label as the worker keys results by: a valid `v1.<minor>` as written, else `latest`. An
 * absent or invalid label is `latest`, which is what Pod Security Admission applies for an absent one; an invalid
 * one is evaluated at `latest` too, the strictest reading, so readiness never looks better than the apiserver's.
 */
export function versionLabel(label: string | null | undefined): string {
  if (label === null || label === undefined) return 'latest';
  try {
    return parseVersion(label).label;
  } catch {
    return 'latest';
  }
}

/**
 * The concrete version a label is evaluated at: `v1.<minor>` capped at the evaluator's newest, `latest` resolved to
 * the cluster's release (null while that is unknown).
 */
export function concreteVersion(label: string, clusterRelease: string | null): string | null {
  if (label === 'latest') return clusterRelease;
  const parsed = parseVersion(label);
  return `v1.${Math.min(parsed.minor, MAX_MINOR)}`;
}
