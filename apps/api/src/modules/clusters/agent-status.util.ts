import type { AgentStatus } from '@ratchet/contracts';

/** An agent heard from this recently is `connected`; its heartbeat comes every minute. */
export const AGENT_CONNECTED_WITHIN_MS = 5 * 60_000;
/** Past `connected`, an agent heard from this recently is `stale`; after that it is `offline`. */
export const AGENT_STALE_WITHIN_MS = 60 * 60_000;

/** The agent's status at `now`, from the cluster's last batch or heartbeat. */
export function agentStatus(lastSeenAt: Date | null, now: Date): AgentStatus {
  if (lastSeenAt === null) return 'never';
  const age = now.getTime() - lastSeenAt.getTime();
  if (age < AGENT_CONNECTED_WITHIN_MS) return 'connected';
  if (age < AGENT_STALE_WITHIN_MS) return 'stale';
  return 'offline';
}

/**
 * The last-seen times that give `status` at `now`, for filtering in SQL: `null` (never seen), or seen after
 * `after` (exclusive) and at or before `notAfter`. It is the exact inverse of agentStatus.
 */
export type LastSeenRange = { never: true } | { never: false; after?: Date; notAfter?: Date };

export function lastSeenRange(status: AgentStatus, now: Date): LastSeenRange {
  const connectedSince = new Date(now.getTime() - AGENT_CONNECTED_WITHIN_MS);
  const staleSince = new Date(now.getTime() - AGENT_STALE_WITHIN_MS);
  switch (status) {
    case 'never':
      return { never: true };
    case 'connected':
      return { never: false, after: connectedSince };
    case 'stale':
      return { never: false, after: staleSince, notAfter: connectedSince };
    case 'offline':
      return { never: false, notAfter: staleSince };
  }
}
