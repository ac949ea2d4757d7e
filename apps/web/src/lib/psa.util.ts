import type { Finding, NamespacePsaLabels, NamespaceSummary, ReadinessStatus } from '@ratchet/contracts';

export const LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export type Level = (typeof LEVELS)[number];
export type Mode = 'enforce' | 'audit' | 'warn';

/**
 * The level each mode applies, as Pod Security admission reads the labels: an absent label is privileged (the
 * admission defaults are the cluster's), an invalid `enforce` falls back to restricted and an invalid
 * `audit`/`warn` to privileged (upstream `pod-security-admission/admission/admission.go`, PolicyToEvaluate).
 */
export function effectiveLevels(labels: NamespacePsaLabels): Record<Mode, { level: Level; raw: string | undefined; invalid: boolean }> {
  const read = (raw: string | undefined, fallback: Level) => {
    if (raw === undefined) return { level: 'privileged' as Level, raw, invalid: false };
    if ((LEVELS as readonly string[]).includes(raw)) return { level: raw as Level, raw, invalid: false };
    return { level: fallback, raw, invalid: true };
  };
  return { enforce: read(labels.enforce, 'restricted'), audit: read(labels.audit, 'privileged'), warn: read(labels.warn, 'privileged') };
}

/** `enforce=baseline@v1.30`-style text for one mode. */
export function modeText(labels: NamespacePsaLabels, mode: Mode): string {
  const value = labels[mode];
  if (value === undefined) return 'unset';
  const version = labels[`${mode}Version`];
  return version ? `${value}@${version}` : value;
}

export const STATUS_TEXT: Record<ReadinessStatus, string> = { ready: 'Ready', blocked: 'Blocked', 'at-risk': 'At risk', unknown: 'Unknown' };
// A glyph beside the word, so a state never reads by colour alone.
export const STATUS_GLYPH: Record<ReadinessStatus, string> = { ready: '✓', blocked: '■', 'at-risk': '▲', unknown: '?' };
/** Order in which states matter most: at-risk namespaces are about to break a rollout. */
export const STATUS_ORDER: Record<ReadinessStatus, number> = { 'at-risk': 0, blocked: 1, unknown: 2, ready: 3 };

/** The highest level the namespace is ready to enforce today (privileged when baseline is not ready). */
export function readyFor(namespace: Pick<NamespaceSummary, 'readiness'>): Level {
  if (namespace.readiness.restricted.status === 'ready') return 'restricted';
  if (namespace.readiness.baseline.status === 'ready') return 'baseline';
  return 'privileged';
}

/** The worse of the two levels' states, for sorting namespaces by urgency. */
export function worstStatus(namespace: Pick<NamespaceSummary, 'readiness'>): ReadinessStatus {
  const { baseline, restricted } = namespace.readiness;
  return STATUS_ORDER[baseline.status] <= STATUS_ORDER[restricted.status] ? baseline.status : restricted.status;
}

/** PSA's words for a failure: the reason, with the detail when the reason does not already carry it. */
export function reasonText(finding: Pick<Finding, 'reason' | 'detail'>): string {
  return finding.detail && !finding.reason.includes(finding.detail) ? `${finding.reason} (${finding.detail})` : finding.reason;
}
