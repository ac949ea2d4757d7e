import { PsaLevel, PsaVersion } from '@ratchet/contracts';
import type { InvalidPsaLabel, NamespacePsaLabels } from '@ratchet/contracts';

/** The Pod Security label values stored for a namespace, raw, null when the label is absent. */
export interface StoredPsaLabels {
  enforceLevel: string | null;
  enforceVersion: string | null;
  auditLevel: string | null;
  auditVersion: string | null;
  warnLevel: string | null;
  warnVersion: string | null;
}

type LabelKey = keyof NamespacePsaLabels;

const LEVEL_LABELS = [
  ['enforce', 'enforceLevel'],
  ['audit', 'auditLevel'],
  ['warn', 'warnLevel'],
] as const;
const VERSION_LABELS = [
  ['enforceVersion', 'enforceVersion'],
  ['auditVersion', 'auditVersion'],
  ['warnVersion', 'warnVersion'],
] as const;

/** The labels as the API shows them: absent labels are left out. */
export function psaLabels(stored: StoredPsaLabels): NamespacePsaLabels {
  const labels: NamespacePsaLabels = {};
  for (const [label, column] of [...LEVEL_LABELS, ...VERSION_LABELS]) {
    const value = stored[column];
    if (value !== null) labels[label] = value;
  }
  return labels;
}

// PSA's fallbacks for a value it cannot parse (SEMANTICS.md §5): enforce fails closed, audit and warn fail open,
// versions become latest. The message says both what is wrong and what PSA does meanwhile.
const LEVEL_FALLBACK: Record<'enforce' | 'audit' | 'warn', string> = { enforce: 'restricted', audit: 'privileged', warn: 'privileged' };

/** The labels PSA would reject, with the upstream message and the value PSA uses instead. */
export function invalidPsaLabels(stored: StoredPsaLabels): InvalidPsaLabel[] {
  const invalid: InvalidPsaLabel[] = [];
  const report = (label: LabelKey, value: string, message: string) => invalid.push({ label, value: value.slice(0, 63), message });
  for (const [label, column] of LEVEL_LABELS) {
    const value = stored[column];
    if (value !== null && !PsaLevel.safeParse(value).success) {
      report(label, value, `must be one of privileged, baseline, restricted; Pod Security uses ${LEVEL_FALLBACK[label]} meanwhile`);
    }
  }
  for (const [label, column] of VERSION_LABELS) {
    const value = stored[column];
    if (value !== null && !PsaVersion.safeParse(value).success) {
      report(label, value, 'must be "latest" or "v1.x"; Pod Security uses latest meanwhile');
    }
  }
  return invalid;
}
