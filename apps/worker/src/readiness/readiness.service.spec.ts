import { describe, expect, it } from '@jest/globals';

import { isProvisional, psaContradictions } from './readiness.service.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

describe('isProvisional', () => {
  it.each([
    ['observed longer than the window, with an audit webhook', ago(8), 'webhook', 7, false],
    ['observed exactly the window', ago(7), 'file', 7, false],
    ['observed for less than the window', ago(6.9), 'webhook', 7, true],
    ['a one-day window', ago(2), 'webhook', 1, false],
    ['no audit source (managed cluster)', ago(30), 'none', 7, true],
    ['audit source not reported yet', ago(30), null, 7, true],
  ] as const)('%s → %s', (_name, observedSince, auditSource, windowDays, expected) => {
    expect(isProvisional(observedSince, auditSource, windowDays, NOW)).toBe(expected);
  });
});

describe('psaContradictions', () => {
  const baseline = { level: 'baseline', version: 'v1.30', source: 'default' } as const;
  const latest = (enforcePolicy: string) => ({ enforcePolicy, events: 4, lastSeenAt: ago(1) });

  it('flags a newest enforce-policy that differs from what the configuration and labels say', () => {
    expect(psaContradictions('shop', baseline, latest('privileged:latest'), undefined, [])).toEqual([
      { namespace: 'shop', kind: 'enforce-policy', expected: 'baseline:v1.30', observed: 'privileged:latest', events: 4, lastSeenAt: ago(1).toISOString() },
    ]);
    expect(psaContradictions('shop', baseline, latest('baseline:v1.30'), undefined, [])).toEqual([]);
    expect(psaContradictions('shop', baseline, undefined, undefined, [])).toEqual([]);
  });

  it('flags violations recorded in an exempt namespace, not its enforce-policy', () => {
    const exempt = { level: 'privileged', version: 'latest', source: 'exempt' } as const;
    expect(psaContradictions('kube-system', exempt, latest('restricted:latest'), { events: 2, lastSeenAt: ago(2) }, []).map((c) => c.kind)).toEqual(['exempt-namespace']);
    expect(psaContradictions('kube-system', exempt, latest('restricted:latest'), undefined, [])).toEqual([]);
  });

  it('flags violations recorded for each exempt user', () => {
    const found = psaContradictions('shop', baseline, undefined, undefined, [
      { username: 'ci-bot', events: 3, lastSeenAt: ago(1) },
      { username: 'system:admin', events: 1, lastSeenAt: ago(2) },
    ]);
    expect(found.map((c) => [c.kind, c.observed, c.events])).toEqual([
      ['exempt-username', 'ci-bot', 3],
      ['exempt-username', 'system:admin', 1],
    ]);
  });
});
