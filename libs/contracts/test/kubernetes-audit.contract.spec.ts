import { describe, expect, it } from '@jest/globals';

import { KubernetesAuditEvent, KubernetesAuditEventList } from '../src/index.js';
import { issuePaths } from './support/issues.util.js';

// Shaped like what kube-apiserver's audit webhook backend posts (staging/src/k8s.io/apiserver/plugin/pkg/audit/webhook).
const EVENT = {
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: '5f0c6a8e-1b2c-4d3e-8f4a-5b6c7d8e9f0a',
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/demo/pods',
  verb: 'create',
  user: { username: 'alice', uid: 'u-1', groups: ['system:authenticated'], extra: { scopes: ['openid'] } },
  sourceIPs: ['10.0.0.7'],
  userAgent: 'kubectl/v1.33.2 (linux/amd64) kubernetes/abc1234',
  objectRef: { resource: 'pods', namespace: 'demo', name: 'web', apiVersion: 'v1' },
  responseStatus: { metadata: {}, code: 201 },
  requestReceivedTimestamp: '2026-07-01T12:00:00.000000Z',
  stageTimestamp: '2026-07-01T12:00:00.015000Z',
  annotations: {
    'authorization.k8s.io/decision': 'allow',
    'pod-security.kubernetes.io/enforce-policy': 'baseline:latest',
    'pod-security.kubernetes.io/audit-violations':
      'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false)',
  },
};

describe('KubernetesAuditEventList', () => {
  it('parses a webhook batch and keeps fields it does not know', () => {
    const list = KubernetesAuditEventList.parse({
      kind: 'EventList',
      apiVersion: 'audit.k8s.io/v1',
      metadata: {},
      items: [{ ...EVENT, annotations: { ...EVENT.annotations }, futureField: { x: 1 } }],
    });
    expect(list.items[0]!.annotations?.['pod-security.kubernetes.io/enforce-policy']).toBe('baseline:latest');
    expect(list.items[0]!['futureField']).toEqual({ x: 1 });
  });

  it('rejects another kind or API version', () => {
    expect(issuePaths(KubernetesAuditEventList, { kind: 'Event', apiVersion: 'audit.k8s.io/v1beta1', items: [] })).toEqual([
      'kind',
      'apiVersion',
    ]);
  });
});

describe('KubernetesAuditEvent', () => {
  it('parses every stage, including those the ingest contract refuses', () => {
    expect(KubernetesAuditEvent.safeParse({ ...EVENT, stage: 'RequestReceived', annotations: undefined }).success).toBe(true);
  });

  it('parses a denied request at the RequestResponse level', () => {
    const denied = {
      ...EVENT,
      level: 'RequestResponse',
      responseStatus: { metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403, message: 'pods "web" is forbidden' },
      requestObject: { kind: 'Pod', spec: {} },
      responseObject: { kind: 'Status' },
    };
    expect(KubernetesAuditEvent.parse(denied).responseStatus?.code).toBe(403);
  });

  it('rejects an event without auditID, with a bad stage or a bad timestamp', () => {
    const { auditID: _auditID, ...withoutId } = EVENT;
    expect(issuePaths(KubernetesAuditEvent, withoutId)).toEqual(['auditID']);
    expect(issuePaths(KubernetesAuditEvent, { ...EVENT, stage: 'Done', stageTimestamp: '12:00' })).toEqual([
      'stage',
      'stageTimestamp',
    ]);
  });

  it('rejects a non-string annotation value', () => {
    const event = { ...EVENT, annotations: { 'pod-security.kubernetes.io/enforce-policy': 1 } };
    expect(issuePaths(KubernetesAuditEvent, event)).toEqual(['annotations["pod-security.kubernetes.io/enforce-policy"]']);
  });
});
