import { describe, expect, it } from '@jest/globals';
import { AuditEventBatch } from '@ratchet/contracts';
import { pino } from 'pino';

import { auditEvent, requestReceived } from '../../test/support/audit-events.js';
import { AgentMetrics } from '../common/metrics.js';
import type { OutgoingBatch } from '@ratchet/collector';
import { AuditForwarder, MAX_PENDING_DECISIONS } from './audit-forwarder.js';

function forwarder() {
  const spooled: OutgoingBatch[] = [];
  const metrics = new AgentMetrics();
  const sut = new AuditForwarder(
    (batches) => {
      spooled.push(...batches);
      return Promise.resolve();
    },
    pino({ level: 'silent' }),
    metrics,
  );
  const outcomes = async () => {
    const sums: Record<string, number> = {};
    for (const v of (await metrics.auditEvents.get()).values) sums[String(v.labels.outcome)] = (sums[String(v.labels.outcome)] ?? 0) + v.value;
    return sums;
  };
  return { sut, spooled, outcomes };
}

const decisionEvent = (auditID: string, annotations: Record<string, string>, overrides: Record<string, unknown> = {}) =>
  auditEvent({ auditID, ...overrides }, { 'authorization.k8s.io/decision': 'allow', ...annotations });

describe('AuditForwarder admission decisions', () => {
  it('counts decisions per key (namespace, resource, decision, effective user, dry run, prefix), each auditID once, beside violations', async () => {
    const { sut, spooled, outcomes } = forwarder();
    const first = decisionEvent('e1', { 'pod-security.kubernetes.io/enforce-policy': 'baseline:latest' }, { requestReceivedTimestamp: '2026-11-30T10:00:05.000000Z' });
    sut.accept(requestReceived(first), 'webhook');
    sut.accept(first, 'webhook');
    sut.accept(first, 'webhook');
    sut.accept(decisionEvent('e2', { 'pod-security.kubernetes.io/enforce-policy': 'baseline:latest' }, { requestReceivedTimestamp: '2026-11-30T10:00:01.000000Z' }), 'webhook');
    sut.accept(decisionEvent('e3', { 'pod-security.kubernetes.io/enforce-policy': 'baseline:latest' }, { requestURI: '/api/v1/namespaces/payments/pods?dryRun=All' }), 'webhook');
    sut.accept(decisionEvent('x1', { 'pod-security.kubernetes.io/exempt': 'user' }, { impersonatedUser: { username: 'ci-bot' } }), 'file');
    sut.accept(auditEvent({ auditID: 'v1' }), 'webhook');
    await sut.flush();

    expect(spooled).toHaveLength(1);
    const body = AuditEventBatch.parse(spooled[0]!.body);
    expect(body.events.map((e) => e.auditId)).toEqual(['v1']);
    expect(body.admissionDecisions).toEqual([
      { namespace: 'payments', resource: 'pods', enforcePolicy: 'baseline:latest', username: 'kubernetes-admin', count: 2, firstSeen: '2026-11-30T10:00:01.000000Z', lastSeen: '2026-11-30T10:00:05.000000Z' },
      { namespace: 'payments', resource: 'pods', enforcePolicy: 'baseline:latest', username: 'kubernetes-admin', dryRun: true, count: 1, firstSeen: expect.any(String), lastSeen: expect.any(String) },
      { namespace: 'payments', resource: 'pods', exempt: 'user', username: 'ci-bot', count: 1, firstSeen: expect.any(String), lastSeen: expect.any(String) },
    ]);
    expect(await outcomes()).toMatchObject({ decision: 4, duplicate: 1, ignored: 1, forwarded: 1 });
    expect(sut.pendingCount).toBe(0);
  });

  it(`holds at most ${MAX_PENDING_DECISIONS} keys between flushes, counting the rest as dropped, and splits batches at 500`, async () => {
    const { sut, spooled, outcomes } = forwarder();
    for (let i = 0; i <= MAX_PENDING_DECISIONS; i += 1) {
      sut.accept(decisionEvent(`k${i}`, { 'pod-security.kubernetes.io/exempt': 'user' }, { user: { username: `user-${i}` } }), 'webhook');
    }
    // A key already held keeps counting.
    sut.accept(decisionEvent('again', { 'pod-security.kubernetes.io/exempt': 'user' }, { user: { username: 'user-0' } }), 'webhook');
    expect(await outcomes()).toMatchObject({ decision: MAX_PENDING_DECISIONS + 1, decision_dropped: 1 });
    await sut.flush();
    const bodies = spooled.map((batch) => AuditEventBatch.parse(batch.body));
    expect(bodies.map((b) => [b.events.length, b.admissionDecisions?.length])).toEqual([
      [0, 500],
      [0, 500],
      [0, 500],
      [0, 500],
    ]);
    expect(bodies[0]!.admissionDecisions![0]).toMatchObject({ username: 'user-0', count: 2 });
  });
});
