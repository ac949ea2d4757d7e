import { describe, expect, it } from '@jest/globals';
import type { AuditEvent } from '@ratchet/contracts';

import { readAuditViolations } from './audit-violations.util.js';

const ANNOTATION =
  'would violate PodSecurity "baseline:v1.30": host namespaces (hostNetwork=true), privileged (container "web" must not set securityContext.privileged=true)';

const VIOLATIONS: NonNullable<AuditEvent['violations']> = {
  level: 'baseline',
  version: 'v1.30',
  checks: [
    { id: 'hostNamespaces', reason: 'host namespaces', detail: 'hostNetwork=true' },
    { id: 'privileged', reason: 'privileged', detail: 'container "web" must not set securityContext.privileged=true' },
  ],
};

function event(overrides: { violations?: AuditEvent['violations'] | null; annotation?: string } = {}): AuditEvent {
  const violations = overrides.violations === null ? {} : { violations: overrides.violations ?? VIOLATIONS };
  return {
    auditId: 'a1',
    stage: 'ResponseComplete',
    time: '2026-11-01T00:00:00Z',
    verb: 'create',
    user: { username: 'alice', groups: [] },
    objectRef: { resource: 'pods' },
    namespace: 'shop',
    annotations: { auditViolations: overrides.annotation ?? ANNOTATION },
    ...violations,
  };
}

const PARSED = { unparsed: false, ...VIOLATIONS };

describe('readAuditViolations', () => {
  it('accepts violations that say what the annotation says, every time it is seen', () => {
    expect(readAuditViolations([event(), event(), event()])).toEqual({ readings: [PARSED, PARSED, PARSED], issues: [] });
  });

  it('parses the annotation itself when the agent sends no violations', () => {
    expect(readAuditViolations([event({ violations: null })])).toEqual({ readings: [PARSED], issues: [] });
  });

  it('names each event whose violations differ from a parseable annotation', () => {
    const [hostNamespaces, privileged] = VIOLATIONS.checks;
    const sut = readAuditViolations([
      event(),
      event({ violations: { ...VIOLATIONS, version: 'latest' } }),
      event({ violations: { ...VIOLATIONS, checks: [hostNamespaces!] } }),
      event({ violations: { ...VIOLATIONS, checks: [hostNamespaces!, { ...privileged!, id: undefined }] } }),
      event({ violations: { ...VIOLATIONS, checks: [hostNamespaces!, { ...privileged!, detail: 'container "api" must not set securityContext.privileged=true' }] } }),
    ]);
    expect(sut.issues).toEqual([
      { path: 'body.events[1].violations', message: expect.stringContaining('baseline:latest, the annotation says baseline:v1.30') },
      { path: 'body.events[2].violations', message: expect.stringContaining('list 1 checks, the annotation 2') },
      { path: 'body.events[3].violations', message: expect.stringContaining('check 1 differs') },
      { path: 'body.events[4].violations', message: expect.stringContaining('check 1 differs') },
    ]);
  });

  it('reads an unparseable annotation as unparsed, with the level and version of a readable policy prefix', () => {
    // A known reason whose detail never closes: an unknown reason would be kept as an unrecognised check instead.
    const garbled = 'would violate PodSecurity "restricted:v1.29": runAsNonRoot != true (pod or container "a" must set';
    const sut = readAuditViolations([
      event(),
      // The agent's parse cannot be checked against text the API cannot read: it is not a reason to refuse.
      event({ annotation: garbled }),
      event({ annotation: 'would violate PodSecurity "privileged:latest": x', violations: null }),
      event({ annotation: 'something else entirely', violations: null }),
    ]);
    expect(sut.issues).toEqual([]);
    expect(sut.readings).toEqual([
      PARSED,
      { unparsed: true, parseError: expect.stringMatching(/.+/), level: 'restricted', version: 'v1.29' },
      { unparsed: true, parseError: expect.stringContaining('privileged'), level: null, version: null },
      { unparsed: true, parseError: expect.stringMatching(/.+/), level: null, version: null },
    ]);
  });
});
