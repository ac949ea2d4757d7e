import type { LevelReadiness, ReadinessStatus } from '@ratchet/contracts';

import { STATUS_GLYPH, STATUS_TEXT } from '@/lib/psa.util';

/** A readiness state as a word with a glyph and a colour: the word carries the meaning. */
export function StatusBadge({ status, level }: { status: ReadinessStatus; level?: string }) {
  return (
    <span className={`badge ${status}`} data-status={status}>
      <span aria-hidden="true">{STATUS_GLYPH[status]}</span>
      {level ? `${level}: ` : ''}
      {STATUS_TEXT[status]}
    </span>
  );
}

/**
 * A level's readiness with what qualifies it: an exempt namespace says so (PSA evaluates nothing there, so `ready`
 * means nothing), and a provisional `ready` says why it is not firm yet.
 */
export function ReadinessBadge({ readiness, level }: { readiness: LevelReadiness; level?: string }) {
  const prefix = level ? `${level}: ` : '';
  if (readiness.exempt) {
    return (
      <span className="badge unknown" data-status="exempt" title="The cluster's PSA configuration exempts this namespace: nothing is evaluated, so readiness says nothing about compliance.">
        <span aria-hidden="true">○</span>
        {prefix}Exempt
      </span>
    );
  }
  if (readiness.status === 'ready' && readiness.provisional) {
    const why = readiness.auditSource === 'none' || readiness.auditSource === null ? 'no audit source: short-lived pods may go unseen' : `observed only since ${readiness.observedSince?.slice(0, 10) ?? 'recently'}`;
    return (
      <span className="badge unknown" data-status="provisional" title={`Provisional: ${why}`}>
        <span aria-hidden="true">✓?</span>
        {prefix}Ready (provisional)
      </span>
    );
  }
  return <StatusBadge status={readiness.status} level={level} />;
}
