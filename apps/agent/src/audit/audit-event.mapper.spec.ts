import { describe, expect, it } from '@jest/globals';
import { AuditEvent, KubernetesAuditEvent } from '@ratchet/contracts';

import { RESTRICTED_VIOLATIONS, auditEvent } from '../../test/support/audit-events.js';
import { mapAuditEvent } from '@ratchet/collector';

function forward(raw: Record<string, unknown>): AuditEvent {
  const sut = mapAuditEvent(KubernetesAuditEvent.parse(raw));
  if (sut.outcome !== 'forward') throw new Error(`expected forward, got ${JSON.stringify(sut)}`);
  return AuditEvent.parse(sut.event);
}

describe('mapAuditEvent', () => {
  it('maps a pod create with audit-violations: parsed checks, raw annotation, built-in key prefix', () => {
    const event = forward(auditEvent({ auditID: 'a1' }));
    expect(event).toMatchObject({
      auditId: 'a1',
      stage: 'ResponseComplete',
      verb: 'create',
      namespace: 'payments',
      objectRef: { resource: 'pods', name: 'web', namespace: 'payments' },
      annotations: { auditViolations: RESTRICTED_VIOLATIONS, enforcePolicy: 'privileged:latest', keyPrefix: 'pod-security.kubernetes.io' },
      responseCode: 201,
    });
    expect(event.violations!.level).toBe('restricted');
    expect(event.violations!.checks.map((c) => c.id)).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted']);
    expect(event.dryRun).toBeUndefined();
    expect(event.impersonatedUser).toBeUndefined();
  });

  it('ignores the RequestReceived stage of the same request (it carries no admission annotations)', () => {
    const sut = mapAuditEvent(KubernetesAuditEvent.parse({ ...auditEvent(), stage: 'RequestReceived' }));
    expect(sut.outcome).toBe('ignored');
  });

  it('keeps a controller event (Deployment) with its resource: the violation belongs to the workload', () => {
    const event = forward(
      auditEvent({
        requestURI: '/apis/apps/v1/namespaces/payments/deployments',
        objectRef: { resource: 'deployments', namespace: 'payments', name: 'web', apiGroup: 'apps', apiVersion: 'v1' },
      }),
    );
    expect(event.objectRef).toEqual({ resource: 'deployments', namespace: 'payments', name: 'web', apiGroup: 'apps', apiVersion: 'v1' });
  });

  it('keeps a generateName pod create, which has no name at Metadata level, without inventing one', () => {
    const event = forward(auditEvent({ objectRef: { resource: 'pods', namespace: 'payments', apiVersion: 'v1' } }));
    expect(event.objectRef.name).toBeUndefined();
  });

  it('marks a server-side dry run (dryRun=All) but keeps its real annotations', () => {
    const event = forward(auditEvent({ requestURI: '/api/v1/namespaces/payments/pods?dryRun=All&fieldManager=kubectl-run' }));
    expect(event.dryRun).toBe(true);
    expect(event.violations!.checks).toHaveLength(4);
  });

  it('keeps a request refused by enforce (403) with its annotation', () => {
    const event = forward(
      auditEvent({ responseStatus: { metadata: {}, status: 'Failure', message: 'pods "web" is forbidden: violates PodSecurity "restricted:latest"', reason: 'Forbidden', code: 403 } }),
    );
    expect(event.responseCode).toBe(403);
  });

  it('reports the impersonated user, the one PSA evaluated and exempts', () => {
    const event = forward(auditEvent({ impersonatedUser: { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts'] } }));
    expect(event.user.username).toBe('kubernetes-admin');
    expect(event.impersonatedUser).toEqual({ username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts'] });
  });

  it('reads the Pod Security webhook build, whose annotation keys carry the webhook name', () => {
    const event = forward(
      auditEvent({}, {
        'pod-security-webhook.kubernetes.io/audit-violations': RESTRICTED_VIOLATIONS,
        'pod-security-webhook.kubernetes.io/enforce-policy': 'baseline:v1.33',
      }),
    );
    expect(event.annotations).toEqual({ auditViolations: RESTRICTED_VIOLATIONS, enforcePolicy: 'baseline:v1.33', keyPrefix: 'pod-security-webhook.kubernetes.io' });
  });

  it('ignores events without audit-violations, and forwards an unreadable annotation raw, without violations', () => {
    expect(mapAuditEvent(KubernetesAuditEvent.parse(auditEvent({}, { 'authorization.k8s.io/decision': 'allow' }))).outcome).toBe('ignored');
    const unreadable = mapAuditEvent(KubernetesAuditEvent.parse(auditEvent({}, { 'pod-security.kubernetes.io/audit-violations': 'something else' })));
    expect(unreadable).toMatchObject({ outcome: 'forward', unreadable: expect.stringContaining('pod-security.kubernetes.io/audit-violations') });
    if (unreadable.outcome !== 'forward') throw new Error('not forwarded');
    expect(unreadable.event.violations).toBeUndefined();
    expect(unreadable.event.annotations.auditViolations).toBe('something else');
  });

  describe('Pod Security decisions without violations', () => {
    const decision = (annotations: Record<string, string>, overrides: Record<string, unknown> = {}) =>
      mapAuditEvent(KubernetesAuditEvent.parse(auditEvent(overrides, { 'authorization.k8s.io/decision': 'allow', ...annotations })));

    it.each([
      ['namespace', 'pod-security.kubernetes.io'],
      ['user', 'pod-security.kubernetes.io'],
      ['runtimeClass', 'pod-security-webhook.kubernetes.io'],
    ])('maps exempt: %s under %s as a decision of the effective user', (reason, prefix) => {
      const sut = decision({ [`${prefix}/exempt`]: reason }, { auditID: 'x', impersonatedUser: { username: 'ci-bot' } });
      expect(sut).toEqual({
        outcome: 'decision',
        decision: {
          auditId: 'x',
          time: '2026-11-30T10:15:02.123456Z',
          decision: {
            namespace: 'payments',
            resource: 'pods',
            exempt: reason,
            username: 'ci-bot',
            ...(prefix === 'pod-security.kubernetes.io' ? {} : { keyPrefix: prefix }),
          },
        },
      });
    });

    it('maps an evaluated pod (enforce-policy only), marking dry runs', () => {
      const sut = decision({ 'pod-security.kubernetes.io/enforce-policy': 'restricted:v1.30' }, { requestURI: '/api/v1/namespaces/payments/pods?dryRun=All' });
      expect(sut).toMatchObject({ outcome: 'decision', decision: { decision: { enforcePolicy: 'restricted:v1.30', dryRun: true, username: 'kubernetes-admin' } } });
    });

    it("ignores other webhooks' exempt annotations, events without PSA annotations, and the RequestReceived stage", () => {
      expect(decision({ 'example.com/exempt': 'true' }).outcome).toBe('ignored');
      expect(decision({}).outcome).toBe('ignored');
      expect(decision({ 'pod-security.kubernetes.io/exempt': 'namespace' }, { stage: 'RequestReceived' }).outcome).toBe('ignored');
    });

    it('keeps violations as violations: an event with audit-violations is never a decision', () => {
      expect(mapAuditEvent(KubernetesAuditEvent.parse(auditEvent())).outcome).toBe('forward');
    });
  });
});
