import { MAX_MINOR } from './version.js';

/**
 * The concrete version `latest` means on a cluster, as its apiserver applies it: the minor of the apiserver's
 * gitVersion (e.g. `v1.30.4-eks-a737599` is `v1.30`), capped at the evaluator's newest minor (MAX_MINOR). Null for
 * no version (no heartbeat yet) or one that is no Kubernetes 1.x release: `latest` is unknown then.
 */
export function clusterReleaseVersion(gitVersion: string | null | undefined): string | null {
  if (gitVersion === null || gitVersion === undefined) return null;
  const match = /^v?1\.(0|[1-9][0-9]*)(?:[.+-]|$)/.exec(gitVersion.trim());
  if (!match) return null;
  return `v1.${Math.min(Number(match[1]), MAX_MINOR)}`;
}
