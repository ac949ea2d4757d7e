import { describe, expect, it } from '@jest/globals';
import { AgentStatus } from '@ratchet/contracts';
import fc from 'fast-check';

import { AGENT_CONNECTED_WITHIN_MS, AGENT_STALE_WITHIN_MS, agentStatus, lastSeenRange } from './agent-status.util.js';
import type { LastSeenRange } from './agent-status.util.js';

const now = new Date('2026-11-26T12:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

function inRange(lastSeenAt: Date | null, range: LastSeenRange): boolean {
  if (range.never) return lastSeenAt === null;
  if (lastSeenAt === null) return false;
  return (range.after === undefined || lastSeenAt > range.after) && (range.notAfter === undefined || lastSeenAt <= range.notAfter);
}

describe('agentStatus', () => {
  it('is never before the first contact', () => {
    expect(agentStatus(null, now)).toBe('never');
  });

  it('turns stale at the connected threshold and offline at the stale one', () => {
    expect(agentStatus(ago(0), now)).toBe('connected');
    expect(agentStatus(ago(AGENT_CONNECTED_WITHIN_MS - 1), now)).toBe('connected');
    expect(agentStatus(ago(AGENT_CONNECTED_WITHIN_MS), now)).toBe('stale');
    expect(agentStatus(ago(AGENT_STALE_WITHIN_MS - 1), now)).toBe('stale');
    expect(agentStatus(ago(AGENT_STALE_WITHIN_MS), now)).toBe('offline');
    expect(agentStatus(ago(30 * 24 * 3_600_000), now)).toBe('offline');
  });

  it('counts a clock running ahead of ours as connected', () => {
    expect(agentStatus(new Date(now.getTime() + 10_000), now)).toBe('connected');
  });
});

describe('lastSeenRange', () => {
  it('selects exactly the last-seen times agentStatus maps to the status', () => {
    const lastSeen = fc.option(fc.integer({ min: -60_000, max: 3 * AGENT_STALE_WITHIN_MS }).map(ago), { nil: null });
    fc.assert(
      fc.property(lastSeen, fc.constantFrom(...AgentStatus.options), (lastSeenAt, status) => {
        expect(inRange(lastSeenAt, lastSeenRange(status, now))).toBe(agentStatus(lastSeenAt, now) === status);
      }),
      { examples: [[ago(AGENT_CONNECTED_WITHIN_MS), 'stale'], [ago(AGENT_STALE_WITHIN_MS), 'offline'], [null, 'never']] },
    );
  });
});
