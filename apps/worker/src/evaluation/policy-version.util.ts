import { MAX_MINOR, parseVersion } from '@ratchet/pss';

/**
 * The concrete version the worker evaluates for a cluster's `latest`: the minor of the apiserver's gitVersion
 * (`clusters.kubernetes_version`, e.g. `v1.30.4-eks-a737599`), capped at the evaluator's newest minor. Null before
 * the agent's first heartbeat, or for a version that is no Kubernetes 1.x release: `latest` is unknown then.
 */
export function clusterReleaseVersion(gitVersion: string | null): string | null {
  if (gitVersion === null) return null;
  const match = /^v?1\.(0|[1-9][0-9]*)(?:[.+-]|$)/.exec(gitVersion.trim());
  if (!match) return null;
  return `v1.${Math.min(Number(match[1]), MAX_MINOR)}`;
}

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
