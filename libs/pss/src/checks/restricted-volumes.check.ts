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

/**
 * The restricted source a volume uses, or `undefined` when it is allowed. A volume with no known source
 * is an emptyDir: the API server defaults it so before admission (SetDefaults_Volume), so upstream's
 * "unknown" type can only come from a pod that skipped defaulting.
 */
export function restrictedVolumeSource(volume: Volume): string | undefined {
  // A volume has a name and (normally) one source: walk its few keys rather than probing thirty names.
  let first: number = RESTRICTED_VOLUME_SOURCES.length;
  for (const key in volume) {
    const rank = SOURCE_RANK.get(key);
    if (rank === undefined || volume[key] == null) continue;
    if (rank < 0) return undefined;
    if (rank < first) first = rank;
  }
  return first < RESTRICTED_VOLUME_SOURCES.length ? RESTRICTED_VOLUME_SOURCES[first] : undefined;
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
