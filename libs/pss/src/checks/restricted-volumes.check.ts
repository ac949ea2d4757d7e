import type { Volume } from '../api/pod.types.js';
import type { CheckDefinition, PodView, Violation } from '../policy/check.types.js';
import { joinQuote, pluralize, sortedSet } from '../policy/format.util.js';

/** Volume sources the restricted level allows, at every version (no gating by when a source appeared). */
export const ALLOWED_VOLUME_SOURCES = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
] as const;

/** The other sources, in the order upstream names the first one set. */
export const RESTRICTED_VOLUME_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume',
  'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk',
  'portworxVolume', 'scaleIO', 'storageos',
] as const;

/** -1 for an allowed source, else the position in upstream's order of restricted sources. */
const SOURCE_RANK = new Map<string, number>([
  ...ALLOWED_VOLUME_SOURCES.map((source) => [source, -1] as const),
  ...RESTRICTED_VOLUME_SOURCES.map((source, index) => [source, index] as const),
]);

/** What upstream names a source it does not recognise (check_restrictedVolumes.go, the `default` case). */
export const UNKNOWN_VOLUME_SOURCE = 'unknown';

/**
 * The restricted source a volume uses, or `undefined` when it is allowed.
 *
 * - A volume with no source at all is an emptyDir: the API server defaults it so before admission
 *   (SetDefaults_Volume), so that case is allowed.
 * - Any other key (not `name`, not a source listed above), such as a source a newer Kubernetes added, is a
 *   source this evaluator does not know, and upstream reports it as `"unknown"`. A readiness verdict must
 *   never call a volume safe because it did not recognise its source. The security projection carries such
 *   keys in `unknownSources`, itself a key this rule counts, so a projection evaluates like its pod.
 * - Upstream tests the allowed sources first, then the restricted ones in order, then falls back to
 *   "unknown"; the same precedence applies here.
 */
export function restrictedVolumeSource(volume: Volume): string | undefined {
  // A volume has a name and (normally) one source: walk its few keys rather than probing thirty names.
  let first: number = RESTRICTED_VOLUME_SOURCES.length;
  let unrecognised = false;
  for (const key in volume) {
    const rank = SOURCE_RANK.get(key);
    if (rank === undefined) {
      if (key !== 'name' && volume[key] != null) unrecognised = true;
      continue;
    }
    if (volume[key] == null) continue;
    if (rank < 0) return undefined;
    if (rank < first) first = rank;
  }
  if (first < RESTRICTED_VOLUME_SOURCES.length) return RESTRICTED_VOLUME_SOURCES[first];
  return unrecognised ? UNKNOWN_VOLUME_SOURCE : undefined;
}

function restrictedVolumesV1_0({ spec }: PodView): Violation | undefined {
  let badVolumes: string[] | undefined;
  let types: string[] | undefined;
  for (const volume of spec.volumes ?? []) {
    const source = restrictedVolumeSource(volume);
    if (source !== undefined) {
      (badVolumes ??= []).push(volume.name);
      (types ??= []).push(source);
    }
  }
  if (!badVolumes) return undefined;
  const distinct = sortedSet(types ?? []);
  return {
    reason: 'restricted volume types',
    detail: `${pluralize('volume', 'volumes', badVolumes.length)} ${joinQuote(badVolumes)} ${pluralize('uses', 'use', badVolumes.length)} ${pluralize('restricted volume type', 'restricted volume types', distinct.length)} ${joinQuote(distinct)}`,
  };
}

export const restrictedVolumesCheck: CheckDefinition = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [{ minVersion: 0, check: restrictedVolumesV1_0, overrides: ['hostPathVolumes'] }],
};
