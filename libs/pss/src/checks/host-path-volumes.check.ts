import type { CheckDefinition, PodView, Violation } from '../policy/check.types.js';
import { joinQuote } from '../policy/format.util.js';

function hostPathVolumesV1_0({ spec }: PodView): Violation | undefined {
  let bad: string[] | undefined;
  for (const volume of spec.volumes ?? []) {
    if (volume.hostPath != null) (bad ??= []).push(volume.name);
  }
  if (!bad) return undefined;
  return { reason: 'hostPath volumes', detail: `${bad.length === 1 ? 'volume' : 'volumes'} ${joinQuote(bad)}` };
}

export const hostPathVolumesCheck: CheckDefinition = {
  id: 'hostPathVolumes',
  level: 'baseline',
  versions: [{ minVersion: 0, check: hostPathVolumesV1_0 }],
};
