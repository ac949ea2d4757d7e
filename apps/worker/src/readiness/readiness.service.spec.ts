import { describe, expect, it } from '@jest/globals';

import type { ControllerAuditViolations, NamespaceWorkload } from './readiness-sources.repository.js';
import { attachControllerAudits, isProvisional, psaContradictions, type NamespaceAdmissionRecord } from './readiness.service.js';

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
  const none = { usernames: [], runtimeClasses: [], namespaces: [] };
  const seen = (record: Partial<NamespaceAdmissionRecord> = {}): NamespaceAdmissionRecord => ({ exemptUsers: [], exempted: [], ...record });

  it('flags a newest enforce-policy that differs from what the configuration and labels say', () => {
    expect(psaContradictions('shop', baseline, none, seen({ latest: latest('privileged:latest') }))).toEqual([
      { namespace: 'shop', kind: 'enforce-policy', expected: 'baseline:v1.30', observed: 'privileged:latest', events: 4, lastSeenAt: ago(1).toISOString() },
    ]);
    expect(psaContradictions('shop', baseline, none, seen({ latest: latest('baseline:v1.30') }))).toEqual([]);
    expect(psaContradictions('shop', baseline, none, seen())).toEqual([]);
  });

  it('flags requests evaluated in an exempt namespace (violations or enforce-policy), not its enforce-policy', () => {
    const exempt = { level: 'privileged', version: 'latest', source: 'exempt' } as const;
    const config = { ...none, namespaces: ['kube-system'] };
    expect(psaContradictions('kube-system', exempt, config, seen({ latest: latest('restricted:latest'), violations: { events: 2, lastSeenAt: ago(2) } }))).toEqual([
      { namespace: 'kube-system', kind: 'exempt-namespace', expected: 'exempt (exemptions.namespaces)', observed: 'audit violations recorded', events: 2, lastSeenAt: ago(2).toISOString() },
    ]);
    expect(
      psaContradictions('kube-system', exempt, config, seen({ violations: { events: 2, lastSeenAt: ago(2) }, evaluated: { events: 5, lastSeenAt: ago(1) } })),
    ).toEqual([
      {
        namespace: 'kube-system',
        kind: 'exempt-namespace',
        expected: 'exempt (exemptions.namespaces)',
        observed: 'requests evaluated (enforce-policy recorded)',
        events: 7,
        lastSeenAt: ago(1).toISOString(),
      },
    ]);
    expect(psaContradictions('kube-system', exempt, config, seen({ latest: latest('restricted:latest') }))).toEqual([]);
    // PSA exempting the namespace is what the configuration says: nothing to flag.
    expect(psaContradictions('kube-system', exempt, config, seen({ exempted: [{ exempt: 'namespace', username: 'u', events: 9, lastSeenAt: ago(1) }] }))).toEqual([]);
  });

  it('flags requests evaluated for each exempt user', () => {
    const found = psaContradictions(
      'shop',
      baseline,
      { ...none, usernames: ['ci-bot', 'system:admin'] },
      seen({
        exemptUsers: [
          { username: 'ci-bot', events: 3, lastSeenAt: ago(1) },
          { username: 'system:admin', events: 1, lastSeenAt: ago(2) },
        ],
      }),
    );
    expect(found.map((c) => [c.kind, c.observed, c.events])).toEqual([
      ['exempt-username', 'ci-bot', 3],
      ['exempt-username', 'system:admin', 1],
    ]);
  });

  it("flags exemptions PSA applied that the configuration does not have: namespace, user, runtime class", () => {
    const exempted = [
      { exempt: 'namespace', username: 'system:serviceaccount:kube-system:replicaset-controller', events: 3, lastSeenAt: ago(1) },
      { exempt: 'runtimeClass', username: 'alice', events: 1, lastSeenAt: ago(2) },
      { exempt: 'user', username: 'ci-bot', events: 2, lastSeenAt: ago(3) },
      { exempt: 'user', username: 'system:admin', events: 4, lastSeenAt: ago(3) },
      { exempt: 'somethingNew', username: 'bob', events: 1, lastSeenAt: ago(3) },
    ];
    expect(psaContradictions('shop', baseline, { ...none, usernames: ['system:admin'] }, seen({ exempted }))).toEqual([
      { namespace: 'shop', kind: 'unexpected-exemption', expected: 'evaluated: exemptions.namespaces does not list shop', observed: 'exempt: namespace', events: 3, lastSeenAt: ago(1).toISOString() },
      { namespace: 'shop', kind: 'unexpected-exemption', expected: 'evaluated: exemptions.runtimeClasses is empty', observed: 'exempt: runtimeClass', events: 1, lastSeenAt: ago(2).toISOString() },
      { namespace: 'shop', kind: 'unexpected-exemption', expected: 'evaluated: exemptions.usernames does not list ci-bot', observed: 'exempt: user (ci-bot)', events: 2, lastSeenAt: ago(3).toISOString() },
    ]);
    // A configuration that exempts what PSA exempted: consistent (a listed runtime class cannot be checked further).
    expect(psaContradictions('shop', baseline, { usernames: ['ci-bot', 'system:admin'], runtimeClasses: ['kata'], namespaces: ['shop'] }, seen({ exempted }))).toEqual([]);
  });
});

describe('attachControllerAudits', () => {
  const cronJob: NamespaceWorkload = { id: 'w-cron', uid: 'u-cron', namespaceId: 'ns', kind: 'CronJob', name: 'report', projectionId: 'p1' };
  const deployment: NamespaceWorkload = { id: 'w-web', uid: 'u-web', namespaceId: 'ns', kind: 'Deployment', name: 'web', projectionId: 'p2' };
  const event = (kind: string, name: string, checks: string[], count: number, days: number, unparsed = false): ControllerAuditViolations => ({
    namespaceName: 'ns',
    kind,
    name,
    level: unparsed ? null : 'baseline',
    unparsed,
    checks,
    count,
    newestAt: ago(days),
  });

  it('attaches a Job to its CronJob and a ReplicaSet to its Deployment, and names controllers not in the inventory', () => {
    const topLevelOf = new Map([
      ['Job/report-2911', 'u-cron'],
      ['ReplicaSet/web-5d9f8', 'u-web'],
      ['Deployment/web', 'u-web'],
      // Live, but its top-level workload is not (deleted): nothing to attach to.
      ['ReplicaSet/orphan-1', 'u-gone'],
    ]);
    const { attached, unattached } = attachControllerAudits(
      [
        event('Job', 'report-2911', ['privileged'], 2, 1),
        event('ReplicaSet', 'web-5d9f8', ['hostNamespaces'], 1, 3),
        event('Deployment', 'web', ['hostPorts', 'hostNamespaces'], 1, 2),
        event('Deployment', 'web', [], 4, 1, true),
        event('StatefulSet', 'ghost', ['privileged'], 1, 5),
        event('ReplicaSet', 'orphan-1', ['sysctls'], 3, 6),
      ],
      topLevelOf,
      new Map([
        ['u-cron', cronJob],
        ['u-web', deployment],
      ]),
    );
    expect(Object.fromEntries(attached)).toEqual({
      'w-cron': { source: 'audit', violations: 2, checks: ['privileged'], unparsed: 0, lastSeenAt: ago(1).toISOString(), objects: ['Job/report-2911'] },
      'w-web': {
        source: 'audit',
        violations: 6,
        checks: ['hostNamespaces', 'hostPorts'],
        unparsed: 4,
        lastSeenAt: ago(1).toISOString(),
        objects: ['Deployment/web', 'ReplicaSet/web-5d9f8'],
      },
    });
    expect(unattached).toEqual([
      { kind: 'ReplicaSet', name: 'orphan-1', violations: 3, checks: ['sysctls'], unparsed: 0, lastSeenAt: ago(6).toISOString() },
      { kind: 'StatefulSet', name: 'ghost', violations: 1, checks: ['privileged'], unparsed: 0, lastSeenAt: ago(5).toISOString() },
    ]);
  });
});
