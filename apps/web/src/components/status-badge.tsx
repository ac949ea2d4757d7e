import type { ReadinessStatus } from '@ratchet/contracts';

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
