import type { NamespaceSummary } from '@ratchet/contracts';

import { LEVELS, effectiveLevels, readyFor, type Mode } from '@/lib/psa.util';

/**
 * A namespace's place on the staircase privileged → baseline → restricted: which step each mode (enforce, audit,
 * warn) stands on today and the highest step it is ready for. Every marker is text; the filled step is the
 * enforced one.
 */
export function Staircase({ namespace, compact = false }: { namespace: Pick<NamespaceSummary, 'labels' | 'readiness'>; compact?: boolean }) {
  const modes = effectiveLevels(namespace.labels);
  const ready = readyFor(namespace);
  const summary = `Enforces ${modes.enforce.level}${modes.enforce.invalid ? ' (invalid label)' : ''}, audits ${modes.audit.level}, warns ${modes.warn.level}; ready for ${ready}.`;
  return (
    <ol className={`stairs${compact ? ' compact' : ''}`} aria-label={summary} title={summary}>
      {LEVELS.map((level, index) => {
        const here = (['enforce', 'audit', 'warn'] as Mode[]).filter((mode) => modes[mode].level === level);
        const isReady = ready === level;
        return (
          <li key={level} className={`step l${index}${modes.enforce.level === level ? ' enforced' : ''}`}>
            <span className="level">{compact ? level.slice(0, 4) : level}</span>
            {here.map((mode) => (
              <span key={mode} className="tag">
                {compact ? mode[0] : mode}
              </span>
            ))}
            {isReady ? <span className="tag">{compact ? '✓' : '✓ ready for'}</span> : null}
          </li>
        );
      })}
    </ol>
  );
}
