import { describe, expect, it } from '@jest/globals';
import { AuditEventBatch } from '@ratchet/contracts';

import { requestHash, sortedRecord } from './request-hash.util.js';

const event = {
  auditId: 'a1',
  stage: 'ResponseComplete',
  time: '2026-11-01T00:00:00Z',
  verb: 'create',
  user: { username: 'alice', groups: ['g'] },
  objectRef: { resource: 'pods' },
  namespace: 'shop',
  annotations: { auditViolations: 'would violate PodSecurity "restricted:latest": runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)' },
  violations: { level: 'restricted', version: 'latest', checks: [{ reason: 'runAsNonRoot != true', detail: 'x' }] },
};

describe('requestHash', () => {
  it('hashes a parsed body alike whatever the order the agent wrote its keys in', () => {
    const reordered = Object.fromEntries(Object.entries({ ...event, user: { groups: ['g'], username: 'alice' } }).reverse());
    const sut = requestHash('/a', JSON.stringify(AuditEventBatch.parse({ events: [event] })));
    expect(requestHash('/a', JSON.stringify(AuditEventBatch.parse({ events: [reordered] })))).toBe(sut);
    expect(sut).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tells apart other bodies and other endpoints', () => {
    const sut = requestHash('/a', '{"a":[1,2]}');
    expect(requestHash('/a', '{"a":[2,1]}')).not.toBe(sut);
    expect(requestHash('/b', '{"a":[1,2]}')).not.toBe(sut);
  });
});

describe('sortedRecord', () => {
  it('orders the keys of a record', () => {
    expect(JSON.stringify(sortedRecord({ b: 1, c: 2, a: 3 }))).toBe('{"a":3,"b":1,"c":2}');
  });
});
