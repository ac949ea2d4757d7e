import { describe, expect, it } from '@jest/globals';
import type { AuditEvent } from '@ratchet/contracts';

import { auditViolationIssues } from './audit-violations.util.js';

const ANNOTATION =
  'would violate PodSecurity "baseline:v1.30": host namespaces (hostNetwork=true), privileged (container "web" must not set securityContext.privileged=true)';

const VIOLATIONS: AuditEvent['violations'] = {
  level: 'baseline',
  version: 'v1.30',
  checks: [
    { id: 'hostNamespaces', reason: 'host namespaces', detail: 'hostNetwork=true' },
    { id: 'privileged', reason: 'privileged', detail: 'container "web" must not set securityContext.privileged=true' },
  ],
};

function event(overrides: { violations?: AuditEvent['violations']; annotation?: string } = {}): AuditEvent {
  return {
    auditId: 'a1',
    stage: 'ResponseComplete',
    time: '2026-11-01T00:00:00Z',
    verb: 'create',
    user: { username: 'alice', groups: [] },
    objectRef: { resource: 'pods' },
    namespace: 'shop',
    annotations: { auditViolations: overrides.annotation ?? ANNOTATION },
    violations: overrides.violations ?? VIOLATIONS,
  };
}

describe('auditViolationIssues', () => {
  it('accepts violations that say what the annotation says, every time it is seen', () => {
    expect(auditViolationIssues([event(), event(), event()])).toEqual([]);
  });

  it('names each event whose violations differ from its annotation', () => {
    const [hostNamespaces, privileged] = VIOLATIONS.checks;
    const sut = auditViolationIssues([
      event(),
      event({ violations: { ...VIOLATIONS, version: 'latest' } }),
      event({ violations: { ...VIOLATIONS, checks: [hostNamespaces!] } }),
      event({ violations: { ...VIOLATIONS, checks: [hostNamespaces!, { ...privileged!, id: undefined }] } }),
      event({ violations: { ...VIOLATIONS, checks: [hostNamespaces!, { ...privileged!, detail: 'container "api" must not set securityContext.privileged=true' }] } }),
    ]);
    expect(sut).toEqual([
      { path: 'body.events[1].violations', message: expect.stringContaining('baseline:latest, the annotation says baseline:v1.30') },
      { path: 'body.events[2].violations', message: expect.stringContaining('list 1 checks, the annotation 2') },
      { path: 'body.events[3].violations', message: expect.stringContaining('check 1 differs') },
      { path: 'body.events[4].violations', message: expect.stringContaining('check 1 differs') },
    ]);
  });

  it('reports an annotation that is not a Pod Security violation with the parser\'s reason', () => {
    const sut = auditViolationIssues([event(), event({ annotation: 'would violate PodSecurity "privileged:latest": x' })]);
    expect(sut).toEqual([{ path: 'body.events[1].annotations.auditViolations', message: expect.stringContaining('privileged') }]);
  });
});
