import { readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';

import type { ParsedViolations } from '../src/index.js';
import { PssInputError, formatAuditViolations, parseAuditViolations } from '../src/index.js';

const sut = parseAuditViolations;

// Audit annotations as kube-apiservers from 1.22 on print them, from public reports (see PROVENANCE.md there).
interface ReportCase {
  id: string;
  title: string;
  input: string;
  expected: ParsedViolations;
  variants: { what: string; input: string; expected: ParsedViolations | string }[];
}

function loadCase(file: string): ReportCase {
  return JSON.parse(readFileSync(new URL(`./public-reports/${file}`, import.meta.url), 'utf8')) as ReportCase;
}

const CASES = [
  'a1-apparmor-annotation-wording-before-1.30.json',
  'a2-selinux-empty-detail-1.23-1.25.json',
  'a3-procmount-order-before-1.35-silent-misparse.json',
  'a4-no-overrides-before-1.24.json',
].map(loadCase);

const examples = CASES.flatMap((report) => [
  [`${report.id}: ${report.title}`, report.input, report.expected] as const,
  ...report.variants.flatMap((variant) =>
    typeof variant.expected === 'string' ? [] : [[`${report.id}: ${variant.what}`, variant.input, variant.expected] as const],
  ),
]);

describe('parseAuditViolations on annotations from older kube-apiservers', () => {
  it.each(examples)('reads %s', (_what, input, expected) => {
    const parsed = sut(input);

    expect(parsed).toEqual(expected);
    expect(formatAuditViolations(parsed)).toBe(input);
  });

  it('a3: reads three checks where a 1.34 apiserver prints procMount before allowPrivilegeEscalation', () => {
    const input =
      'would violate PodSecurity "restricted:latest": procMount (container "b" must not set securityContext.procMount to "Unmasked"), ' +
      'allowPrivilegeEscalation != false (container "b" must set securityContext.allowPrivilegeEscalation=false), ' +
      'runAsNonRoot != true (pod or container "b" must set securityContext.runAsNonRoot=true)';

    expect(sut(input).checks.map((check) => check.id)).toEqual(['procMount', 'allowPrivilegeEscalation', 'runAsNonRoot']);
  });

  it('reads the issue\'s 1.31-1.34 procMount message as four checks, not one procMount holding the others', () => {
    const input =
      'would violate PodSecurity "restricted:latest": procMount (container "b" must not set securityContext.procMount to "Unmasked"), ' +
      'allowPrivilegeEscalation != false (container "b" must set securityContext.allowPrivilegeEscalation=false), ' +
      'runAsNonRoot != true (pod or container "b" must set securityContext.runAsNonRoot=true), ' +
      'seccompProfile (pod or container "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

    expect(sut(input).checks).toEqual([
      { id: 'procMount', reason: 'procMount', detail: 'container "b" must not set securityContext.procMount to "Unmasked"' },
      { id: 'allowPrivilegeEscalation', reason: 'allowPrivilegeEscalation != false', detail: 'container "b" must set securityContext.allowPrivilegeEscalation=false' },
      { id: 'runAsNonRoot', reason: 'runAsNonRoot != true', detail: 'pod or container "b" must set securityContext.runAsNonRoot=true' },
      {
        id: 'seccompProfile_restricted',
        reason: 'seccompProfile',
        detail: 'pod or container "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
      },
    ]);
  });

  it('still reads a lone procMount at restricted:latest as the current procMount_restricted', () => {
    const input = 'would violate PodSecurity "restricted:latest": procMount (container "b" must not set securityContext.procMount to "Unmasked")';

    expect(sut(input).checks.map((check) => check.id)).toEqual(['procMount_restricted']);
  });

  it('a3: reads a 1.22/1.23 restricted message with seccompProfile printed twice as three checks', () => {
    const input =
      'would violate PodSecurity "restricted:latest": seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined"), ' +
      'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ' +
      'seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")';

    expect(sut(input).checks.map((check) => check.id)).toEqual(['seccompProfile_baseline', 'allowPrivilegeEscalation', 'seccompProfile_restricted']);
  });

  it('a4: reads a 1.22/1.23 message with both capabilities checks as three checks', () => {
    const input =
      'would violate PodSecurity "restricted:latest": non-default capabilities (container "init" must not include "NET_ADMIN", "NET_RAW" in securityContext.capabilities.add), ' +
      'allowPrivilegeEscalation != false (container "init" must set securityContext.allowPrivilegeEscalation=false), ' +
      'unrestricted capabilities (container "init" must not include "NET_ADMIN", "NET_RAW" in securityContext.capabilities.add)';

    expect(sut(input).checks.map((check) => check.id)).toEqual(['capabilities_baseline', 'allowPrivilegeEscalation', 'capabilities_restricted']);
  });
});

describe('parseAuditViolations on a reason it does not know', () => {
  it('a3: keeps a newer apiserver\'s reason after hostPath volumes as a check without an id', () => {
    const input =
      'would violate PodSecurity "baseline:latest": hostPath volumes (volume "host"), someNewCheck (container "app" must not set spec.newThing to "x")';

    expect(sut(input)).toEqual({
      level: 'baseline',
      version: 'latest',
      checks: [
        { id: 'hostPathVolumes', reason: 'hostPath volumes', detail: 'volume "host"' },
        { reason: 'someNewCheck', detail: 'container "app" must not set spec.newThing to "x"' },
      ],
    });
  });

  it('keeps it anywhere, with or without a detail, and keeps checking the order of the known ones', () => {
    const privileged = 'privileged (container "a" must not set securityContext.privileged=true)';
    const input = `would violate PodSecurity "baseline:latest": brand new, ${privileged}, another one (x (y) z), hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)`;

    const parsed = sut(input);

    expect(parsed.checks).toEqual([
      { reason: 'brand new', detail: '' },
      { id: 'privileged', reason: 'privileged', detail: 'container "a" must not set securityContext.privileged=true' },
      { reason: 'another one', detail: 'x (y) z' },
      { id: 'windowsHostProcess', reason: 'hostProcess', detail: 'pod must not set securityContext.windowsOptions.hostProcess=true' },
    ]);
    expect(formatAuditViolations(parsed)).toBe(input);
    expect(() => sut(`would violate PodSecurity "baseline:latest": ${privileged}, brand new, host namespaces (hostPID=true)`)).toThrow(
      PssInputError,
    );
  });

  it('never folds a known check into the detail of the check before it', () => {
    // Each detail here would match its format if it swallowed what follows; upstream never prints that.
    const input =
      'would violate PodSecurity "baseline:v1.24": hostPath volumes (volume "host"), seLinuxOptions (container "app" set forbidden ' +
      'securityContext.seLinuxOptions: type "x"), hostPath volumes (volume "again")';

    expect(() => sut(input)).toThrow('reason "hostPath volumes" at offset 167 cannot follow seLinuxOptions');
  });
});

describe('parseAuditViolations when a known reason follows in a wording it does not know', () => {
  it('reads the procMount of a 1.34 apiserver apart from a later item it cannot read, and says so, rather than fold it', () => {
    const input =
      'would violate PodSecurity "restricted:latest": procMount (container "b" must not set securityContext.procMount to "Unmasked"), ' +
      'allowPrivilegeEscalation != false (a future wording for "b")';

    expect(() => sut(input)).toThrow(
      'the detail of "allowPrivilegeEscalation != false" at offset 162 is not in upstream\'s format',
    );
  });
});
