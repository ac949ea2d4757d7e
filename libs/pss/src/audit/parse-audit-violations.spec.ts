import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

import type { Container, Evaluation, PodLike, Volume } from '../index.js';
import { PssInputError, evaluatePod, goQuote, violationMessage } from '../index.js';
import { loadFixtures } from '../../test/support/fixtures.util.js';
import { createContainer, createPod } from '../../test/support/pod.factory.js';
import type { ParsedViolations } from './parse-audit-violations.js';
import { formatAuditViolations, parseAuditViolations } from './parse-audit-violations.js';

const sut = parseAuditViolations;

function expectedOf(evaluation: Evaluation): ParsedViolations {
  const { level, version, checks } = evaluation;
  if (level === 'privileged') throw new Error('privileged evaluations have no violations');
  return { level, version, checks };
}

function errorOf(annotationValue: string): Error {
  try {
    sut(annotationValue);
  } catch (error) {
    expect(error).toBeInstanceOf(PssInputError);
    return error as Error;
  }
  throw new Error(`parsed without error: ${annotationValue}`);
}

describe('parseAuditViolations on the upstream fixtures', () => {
  it('reads back every failing fixture at its own level and version and at latest', () => {
    const seen = new Set<string>();
    const mismatches: string[] = [];
    let parsed = 0;
    for (const fixture of loadFixtures()) {
      for (const version of [fixture.version, 'latest']) {
        const key = `${fixture.sha256}:${fixture.level}:${version}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const evaluation = evaluatePod(fixture.pod, fixture.level, version);
        if (evaluation.allowed) continue;
        parsed++;
        const message = violationMessage(evaluation);
        try {
          expect(sut(message)).toEqual(expectedOf(evaluation));
        } catch {
          mismatches.push(`${fixture.file} at ${fixture.level}:${version}: ${message}`);
        }
      }
    }

    expect(mismatches).toEqual([]);
    // Upstream ships 3,486 failing fixtures; most fail again at latest.
    expect(parsed).toBeGreaterThan(3000);
  });
});

// Free text that tries every trick: separators, quotes, parentheses, whole reasons and the fixed wording
// of details. What it never contains is `(` directly followed by how a detail starts (`container`, `pod`,
// `volume`, `host`, `annotation`, `forbidden annotation`), nor the two reasons whose details are free
// (`forbidden sysctls`, `unknown forbidden reason`). Without those, no part of it can be read as a
// complete item, so each message has exactly one reading and the round trip must be exact. With them,
// a string can be built that upstream prints identically for two different pods; see "ambiguity" below.
// Nor does it contain `), ` and then a phrase without parentheses or quotes that ends where a detail opens
// or an item ends: that is how a reason a newer apiserver added looks, and it is read as a check of its own.
const HOSTILE_PIECES = [
  ',', ', ', '"', '""', '(', ')', '), ', ' (', '")', '"), ', '", "', '\\', '\\"', '\n', ' ', ' and ', '; ', '=', ':',
  'forbidden AppArmor profile', 'forbidden AppArmor profiles', 'non-default capabilities', 'host namespaces',
  'hostPath volumes', 'hostPort', 'probe or lifecycle host', 'privileged', 'procMount', 'seLinuxOptions',
  'seccompProfile', 'hostProcess', 'allowPrivilegeEscalation != false', 'unrestricted capabilities',
  'restricted volume types', 'runAsNonRoot != true', 'runAsUser=0',
  'hostPort (1)', '), privileged (x', 'seccompProfile ("x")', ' uses hostPort 1', 'hostNetwork=true',
  '" must not set securityContext.privileged=true', '" in securityContext.capabilities.add',
  ' must not set runAsUser=0', ' must not set securityContext.procMount to "', 'container "', 'pod or ',
  'volume "x" uses restricted volume type "nfs"', ' set forbidden securityContext.seLinuxOptions: user may not be set',
] as const;
const COMPLETE_ITEM_START = /\((?:container|pod|volume|host|annotation|forbidden annotation)/;
const UNKNOWN_ITEM_START = /\), [^()"]*(?: \(|, |$)/;

const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ maxLength: 3 }), fc.string({ unit: 'grapheme', maxLength: 2 })), {
    maxLength: 6,
  })
  .map((pieces) => pieces.join(''))
  .filter(
    (text) =>
      !COMPLETE_ITEM_START.test(text) &&
      !UNKNOWN_ITEM_START.test(text) &&
      !text.includes('forbidden sysctls') &&
      !text.includes('unknown forbidden reason'),
  );

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const profileType = fc.oneof(fc.constantFrom('RuntimeDefault', 'Localhost', 'Unconfined'), hostileText);
const seLinuxOptions = fc.record({ type: maybe(hostileText), user: maybe(hostileText), role: maybe(hostileText) });
const hostHandler = fc.record({ httpGet: maybe(fc.record({ host: hostileText })), tcpSocket: maybe(fc.record({ host: hostileText })) });

const container: fc.Arbitrary<Container> = fc.record({
  name: hostileText,
  ports: maybe(fc.array(fc.record({ containerPort: fc.constant(80), hostPort: fc.integer({ min: 0, max: 70000 }) }), { maxLength: 2 })),
  securityContext: maybe(
    fc.record(
      {
        privileged: maybe(fc.boolean()),
        allowPrivilegeEscalation: maybe(fc.boolean()),
        capabilities: maybe(
          fc.record({
            add: maybe(fc.array(fc.oneof(fc.constantFrom('NET_BIND_SERVICE', 'CHOWN'), hostileText), { maxLength: 3 })),
            drop: maybe(fc.constantFrom(['ALL'], ['NET_RAW'])),
          }),
        ),
        procMount: maybe(fc.oneof(fc.constant('Default'), hostileText)),
        runAsNonRoot: maybe(fc.boolean()),
        runAsUser: maybe(fc.constantFrom(0, 1000)),
        seccompProfile: maybe(fc.record({ type: profileType })),
        seLinuxOptions: maybe(seLinuxOptions),
        appArmorProfile: maybe(fc.record({ type: profileType })),
        windowsOptions: maybe(fc.record({ hostProcess: fc.boolean() })),
      },
      { requiredKeys: [] },
    ),
  ),
  livenessProbe: maybe(hostHandler),
  lifecycle: maybe(fc.record({ preStop: maybe(hostHandler) })),
});

const volume: fc.Arbitrary<Volume> = fc
  .tuple(hostileText, fc.constantFrom('hostPath', 'nfs', 'gitRepo', 'emptyDir', 'configMap', 'azureDisk'))
  .map(([name, source]) => ({ name, [source]: {} }));

const hostilePod: fc.Arbitrary<PodLike> = fc
  .record({
    containers: fc.array(container, { minLength: 1, maxLength: 3 }),
    initContainers: fc.array(container, { maxLength: 2 }),
    ephemeralContainers: fc.array(container, { maxLength: 1 }),
    hostNetwork: fc.boolean(),
    hostPID: fc.boolean(),
    hostIPC: fc.boolean(),
    hostUsers: maybe(fc.boolean()),
    windows: fc.boolean(),
    volumes: fc.array(volume, { maxLength: 3 }),
    podSecurity: fc.record(
      {
        runAsNonRoot: maybe(fc.boolean()),
        runAsUser: maybe(fc.constantFrom(0, 1000)),
        seccompProfile: maybe(fc.record({ type: profileType })),
        seLinuxOptions: maybe(seLinuxOptions),
        appArmorProfile: maybe(fc.record({ type: profileType })),
        windowsOptions: maybe(fc.record({ hostProcess: fc.boolean() })),
        sysctls: maybe(fc.array(fc.record({ name: fc.oneof(fc.constant('kernel.shm_rmid_forced'), hostileText) }), { maxLength: 3 })),
      },
      { requiredKeys: [] },
    ),
    annotations: fc.array(fc.tuple(fc.constantFrom('apparmor', 'seccompPod', 'seccompContainer'), hostileText, hostileText), {
      maxLength: 3,
    }),
  })
  .map(({ windows, podSecurity, annotations, ...spec }) => {
    const names = [...spec.initContainers, ...spec.containers, ...spec.ephemeralContainers].map((c) => c.name);
    const metadata: Record<string, string> = {};
    for (const [kind, suffix, value] of annotations) {
      if (kind === 'apparmor') metadata[`container.apparmor.security.beta.kubernetes.io/${suffix}`] = value;
      else if (kind === 'seccompPod') metadata['seccomp.security.alpha.kubernetes.io/pod'] = value;
      else metadata[`container.seccomp.security.alpha.kubernetes.io/${names[suffix.length % names.length]!}`] = value;
    }
    return createPod({ ...spec, os: windows ? { name: 'windows' } : undefined, securityContext: podSecurity }, { annotations: metadata });
  });

const policyVersion = fc.oneof(fc.constant('latest'), fc.integer({ min: 0, max: 40 }).map((minor) => `v1.${minor}`));

describe('parseAuditViolations on hostile pods', () => {
  it('reads back exactly what the evaluator reported, in every message form', () => {
    fc.assert(
      fc.property(
        hostilePod,
        fc.constantFrom('baseline', 'restricted'),
        policyVersion,
        fc.constantFrom('audit', 'warning', 'denial'),
        hostileText,
        (pod, level, version, form, podName) => {
          const evaluation = evaluatePod(pod, level, version);
          fc.pre(!evaluation.allowed);
          // Sysctl names are joined unquoted, so two of them can make an unknown item between them.
          fc.pre(evaluation.checks.every((check) => !UNKNOWN_ITEM_START.test(check.detail)));
          const audit = violationMessage(evaluation);
          const detail = `violates PodSecurity "${level}:${version}": ${evaluation.forbiddenDetail}`;
          const message =
            form === 'audit' ? audit
            : form === 'warning' ? `Warning: ${audit}`
            : `pods ${podName === '' ? '' : `${goQuote(podName)} `}is forbidden: ${detail}`;

          const parsed = sut(message);

          expect(parsed).toEqual(expectedOf(evaluation));
          expect(formatAuditViolations(parsed)).toBe(audit);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('fails many checks at once in the generated pods', () => {
    const counts = fc.sample(hostilePod, { numRuns: 200, seed: 42 }).map((pod) => evaluatePod(pod, 'restricted', 'latest').checks.length);

    expect(Math.max(...counts)).toBeGreaterThanOrEqual(10);
  });
});

const item = (reason: string, detail: string) => (detail === '' ? reason : `${reason} (${detail})`);

describe('parseAuditViolations for each reason', () => {
  it.each([
    ['baseline:latest', 'appArmorProfile', 'forbidden AppArmor profile', 'pod must not set AppArmor profile type to "Unconfined"'],
    [
      'baseline:latest',
      'appArmorProfile',
      'forbidden AppArmor profiles',
      'pod and container "app" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/app=\\"unconfined\\""',
    ],
    [
      'baseline:latest',
      'capabilities_baseline',
      'non-default capabilities',
      'containers "a", "b" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add',
    ],
    ['baseline:latest', 'hostNamespaces', 'host namespaces', 'hostNetwork=true, hostPID=true, hostIPC=true'],
    ['baseline:latest', 'hostNamespaces', 'host namespaces', 'hostIPC=true'],
    ['baseline:latest', 'hostPathVolumes', 'hostPath volumes', 'volumes "a", "b"'],
    ['baseline:latest', 'hostPorts', 'hostPort', 'containers "a", "b" use hostPorts 10, 9'],
    ['baseline:latest', 'hostPorts', 'hostPort', 'container "a" uses hostPort 8080'],
    ['baseline:v1.34', 'hostProbesAndHostLifecycle', 'probe or lifecycle host', 'container "a" uses probe or lifecycle host "example.com"'],
    ['baseline:latest', 'privileged', 'privileged', 'container "a" must not set securityContext.privileged=true'],
    ['baseline:latest', 'procMount', 'procMount', 'container "a" must not set securityContext.procMount to "Unmasked"'],
    ['restricted:v1.34', 'procMount', 'procMount', 'container "a" must not set securityContext.procMount to "Unmasked"'],
    ['restricted:v1.35', 'procMount_restricted', 'procMount', 'container "a" must not set securityContext.procMount to "Unmasked"'],
    ['restricted:v1.99', 'procMount_restricted', 'procMount', 'container "a" must not set securityContext.procMount to "Unmasked"'],
    [
      'baseline:latest',
      'seLinuxOptions',
      'seLinuxOptions',
      'pod and container "a" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set',
    ],
    ['baseline:latest', 'seccompProfile_baseline', 'seccompProfile', 'pod must not set securityContext.seccompProfile.type to "Unconfined"'],
    [
      'baseline:v1.18',
      'seccompProfile_baseline',
      'seccompProfile',
      'forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="unconfined", seccomp.security.alpha.kubernetes.io/pod="unconfined"',
    ],
    [
      'restricted:v1.18',
      'seccompProfile_baseline',
      'seccompProfile',
      'forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined"',
    ],
    ['baseline:latest', 'sysctls', 'forbidden sysctls', 'kernel.msgmax, net.core.somaxconn'],
    ['baseline:latest', 'sysctls', 'forbidden sysctls', ''],
    [
      'baseline:latest',
      'windowsHostProcess',
      'hostProcess',
      'pod and container "a" must not set securityContext.windowsOptions.hostProcess=true',
    ],
    [
      'restricted:latest',
      'allowPrivilegeEscalation',
      'allowPrivilegeEscalation != false',
      'containers "a", "b" must set securityContext.allowPrivilegeEscalation=false',
    ],
    ['restricted:latest', 'capabilities_restricted', 'unrestricted capabilities', 'container "a" must set securityContext.capabilities.drop=["ALL"]'],
    [
      'restricted:latest',
      'capabilities_restricted',
      'unrestricted capabilities',
      'container "a" must set securityContext.capabilities.drop=["ALL"]; container "b" must not include "SYS_ADMIN" in securityContext.capabilities.add',
    ],
    ['restricted:v1.21', 'capabilities_baseline', 'non-default capabilities', 'container "a" must not include "SYS_ADMIN" in securityContext.capabilities.add'],
    [
      'restricted:latest',
      'restrictedVolumes',
      'restricted volume types',
      'volumes "a", "b" use restricted volume types "hostPath", "nfs"',
    ],
    ['restricted:latest', 'restrictedVolumes', 'restricted volume types', 'volume "a" uses restricted volume type "unknown"'],
    ['restricted:latest', 'runAsNonRoot', 'runAsNonRoot != true', 'pod and container "a" must not set securityContext.runAsNonRoot=false'],
    ['restricted:latest', 'runAsNonRoot', 'runAsNonRoot != true', 'pod or container "a" must set securityContext.runAsNonRoot=true'],
    ['restricted:latest', 'runAsUser', 'runAsUser=0', 'pod and container "a" must not set runAsUser=0'],
    [
      'restricted:latest',
      'seccompProfile_restricted',
      'seccompProfile',
      'container "a" must not set securityContext.seccompProfile.type to "Unconfined"',
    ],
    [
      'restricted:v1.19',
      'seccompProfile_restricted',
      'seccompProfile',
      'pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
    ],
    ['restricted:latest', undefined, 'unknown forbidden reason', ''],
    ['baseline:v1.0', undefined, 'unknown forbidden reason', 'anything, (at all)'],
  ] as const)('reads %s %s as "%s"', (policy, id, reason, detail) => {
    const [level, version] = policy.split(':') as ['baseline' | 'restricted', string];
    const message = `would violate PodSecurity "${policy}": ${item(reason, detail)}`;

    expect(sut(message)).toEqual({ level, version, checks: [{ id, reason, detail }] });
    expect(formatAuditViolations(sut(message))).toBe(message);
  });

  it('keeps unknown forbidden reasons between known checks, in any position', () => {
    const message =
      'would violate PodSecurity "baseline:latest": unknown forbidden reason, ' +
      'privileged (container "a" must not set securityContext.privileged=true), unknown forbidden reason (x), hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)';

    expect(sut(message).checks.map((c) => c.id)).toEqual([undefined, 'privileged', undefined, 'windowsHostProcess']);
  });
});

describe('parseAuditViolations message forms', () => {
  const detail = 'privileged (container "a" must not set securityContext.privileged=true)';
  const expected: ParsedViolations = {
    level: 'baseline',
    version: 'v1.30',
    checks: [{ id: 'privileged', reason: 'privileged', detail: 'container "a" must not set securityContext.privileged=true' }],
  };

  it.each([
    ['the audit annotation', `would violate PodSecurity "baseline:v1.30": ${detail}`],
    ['a kubectl warning', `Warning: would violate PodSecurity "baseline:v1.30": ${detail}`],
    ['an enforce denial', `pods "web" is forbidden: violates PodSecurity "baseline:v1.30": ${detail}`],
    ['an enforce denial with an escaped name', `pods "we\\"b), x" is forbidden: violates PodSecurity "baseline:v1.30": ${detail}`],
    ['an enforce denial for a pod with no name yet', `pods is forbidden: violates PodSecurity "baseline:v1.30": ${detail}`],
  ])('accepts %s', (_form, message) => {
    expect(sut(message)).toEqual(expected);
  });

  it('keeps the version as printed, above the newest registered one', () => {
    expect(sut(`would violate PodSecurity "restricted:v1.40": ${detail}`).version).toBe('v1.40');
  });
});

describe('parseAuditViolations on garbage', () => {
  const policy = 'would violate PodSecurity "baseline:latest": ';
  const privileged = 'privileged (container "a" must not set securityContext.privileged=true)';

  it.each([
    [
      'an empty string',
      '',
      `not a Pod Security violation: expected 'would violate PodSecurity "<level>:<version>": ', optionally after 'Warning: ', or 'pods "<name>" is forbidden: violates PodSecurity "<level>:<version>": ' at offset 0, found the end of the text`,
    ],
    [
      'unrelated text',
      'hello',
      `not a Pod Security violation: expected 'would violate PodSecurity "<level>:<version>": ', optionally after 'Warning: ', or 'pods "<name>" is forbidden: violates PodSecurity "<level>:<version>": ' at offset 0, found "hello"`,
    ],
    [
      'a missing quote before the policy',
      `would violate PodSecurity baseline:latest": ${privileged}`,
      `not a Pod Security violation: expected 'would violate PodSecurity "<level>:<version>": ', which differs at offset 26: found "baseline:latest\\": privileged (container "…`,
    ],
    [
      'a missing quote after the policy',
      'would violate PodSecurity "baseline:latest: privileged',
      `not a Pod Security violation: expected '"' closing the policy opened at offset 26 at offset 54, found the end of the text`,
    ],
    [
      'a denial with a broken name',
      `pods "web is forbidden: violates PodSecurity "baseline:latest": ${privileged}`,
      `not a Pod Security violation: expected 'pods "<name>" is forbidden: violates PodSecurity "<level>:<version>": ', which differs at offset 5: found "\\"web is forbidden: violates PodSecurity "…`,
    ],
    [
      'the privileged level',
      `would violate PodSecurity "privileged:latest": ${privileged}`,
      'not a Pod Security violation: level "privileged" at offset 27 runs no checks and never reports violations; expected baseline or restricted',
    ],
    [
      'an invalid level',
      `would violate PodSecurity "strict:latest": ${privileged}`,
      'not a Pod Security violation: invalid level "strict" at offset 27; expected baseline or restricted',
    ],
    [
      'version v0.1',
      `would violate PodSecurity "baseline:v0.1": ${privileged}`,
      'not a Pod Security violation: invalid version "v0.1": Pod Security versions start at v1.0 (at offset 36)',
    ],
    [
      'a version with a leading zero',
      `would violate PodSecurity "baseline:v1.05": ${privileged}`,
      'not a Pod Security violation: invalid version "v1.05": must be "latest" or "v1.<minor>", e.g. v1.30 (at offset 36)',
    ],
    [
      'no violations',
      policy,
      'malformed Pod Security violations for "baseline:latest": expected at least one reason at offset 45, found the end of the text',
    ],
    [
      'a reason with a quote, which no reason has',
      `${policy}bo"gus (x)`,
      'malformed Pod Security violations for "baseline:latest": expected a Pod Security reason at offset 45 (one of "forbidden AppArmor profile", ' +
        '"forbidden AppArmor profiles", "forbidden sysctls", "host namespaces", "hostPath volumes", "hostPort", "hostProcess", ' +
        '"non-default capabilities", "privileged", "probe or lifecycle host", "procMount", "seLinuxOptions", "seccompProfile", ' +
        'or another without parentheses or quotes), found "bo\\"gus (x)"',
    ],
    [
      'a restricted reason at baseline',
      `${policy}runAsUser=0 (pod must not set runAsUser=0)`,
      'malformed Pod Security violations for "baseline:latest": reason "runAsUser=0" at offset 45 (runAsUser) is not checked at "baseline:latest"',
    ],
    [
      'a truncated detail',
      `${policy}privileged (container "a" must not`,
      'malformed Pod Security violations for "baseline:latest": the detail of "privileged" opened at offset 56 is unterminated: expected ")" before the end of the text',
    ],
    [
      'a trailing comma',
      `${policy}${privileged},`,
      'malformed Pod Security violations for "baseline:latest": expected ", " and another reason, or the end of the text, after the detail of "privileged" at offset 116, found ","',
    ],
    [
      'a trailing separator',
      `${policy}${privileged}, `,
      'malformed Pod Security violations for "baseline:latest": expected a Pod Security reason at offset 118 (one of "forbidden AppArmor profile", ' +
        '"forbidden AppArmor profiles", "forbidden sysctls", "host namespaces", "hostPath volumes", "hostPort", "hostProcess", ' +
        '"non-default capabilities", "privileged", "probe or lifecycle host", "procMount", "seLinuxOptions", "seccompProfile", ' +
        'or another without parentheses or quotes), found the end of the text',
    ],
    [
      'a detail in the wrong format',
      `${policy}privileged (container "a" is privileged)`,
      'malformed Pod Security violations for "baseline:latest": the detail of "privileged" at offset 57 is not in upstream\'s format: expected container(s) "…" must not set securityContext.privileged=true',
    ],
    [
      'a reason without its detail',
      `${policy}privileged`,
      'malformed Pod Security violations for "baseline:latest": expected " (" and the detail of "privileged" at offset 55, found the end of the text',
    ],
    [
      'empty parentheses',
      `${policy}privileged ()`,
      'malformed Pod Security violations for "baseline:latest": empty detail for "privileged" at offset 57: upstream leaves the parentheses out when there is no detail',
    ],
    [
      'checks out of upstream order',
      `${policy}${privileged}, hostPort (container "a" uses hostPort 1)`,
      'malformed Pod Security violations for "baseline:latest": reason "hostPort" at offset 118 cannot follow privileged: upstream reports hostPorts before privileged',
    ],
    [
      'a repeated check',
      `${policy}host namespaces (hostNetwork=true), host namespaces (hostPID=true)`,
      'malformed Pod Security violations for "baseline:latest": reason "host namespaces" at offset 81 repeats a check: upstream reports each failing check once',
    ],
  ])('rejects %s', (_case, annotationValue, message) => {
    expect(errorOf(annotationValue).message).toBe(message);
  });
});

describe('parseAuditViolations ambiguity', () => {
  it('refuses, rather than guess, a capability that spells out another check', () => {
    // Read as one capability, it is right here; read so, a check a newer apiserver words differently would
    // vanish into the detail before it. A detail therefore never runs past `), <known reason>`.
    const pod = createPod({
      containers: [
        createContainer('x', {
          ports: [{ containerPort: 80, hostPort: 1 }],
          securityContext: { capabilities: { add: ['hostPort (container "x" uses hostPort 1)', 'a), hostPort (b'] } },
        }),
      ],
    });
    const evaluation = evaluatePod(pod, 'baseline', 'latest');

    expect(evaluation.checks.map((c) => c.id)).toEqual(['capabilities_baseline', 'hostPorts']);
    expect(errorOf(violationMessage(evaluation)).message).toMatch(/^malformed Pod Security violations for "baseline:latest": /);
  });

  it('prefers the shorter earlier detail when two pods print the same message', () => {
    // A sysctl named after a whole hostProcess item prints exactly what a pod that really sets hostProcess prints.
    const hostProcessItem = 'hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)';
    const twoChecks = evaluatePod(
      createPod({ securityContext: { sysctls: [{ name: 'a' }], windowsOptions: { hostProcess: true } }, containers: [createContainer('c')] }),
      'baseline',
      'latest',
    );
    const oneCheck = evaluatePod(
      createPod({ securityContext: { sysctls: [{ name: `a), ${hostProcessItem.slice(0, -1)}` }] }, containers: [createContainer('c')] }),
      'baseline',
      'latest',
    );

    expect(violationMessage(oneCheck)).toBe(violationMessage(twoChecks));
    expect(sut(violationMessage(oneCheck))).toEqual(expectedOf(twoChecks));
  });

  it('answers a long hostile message quickly', () => {
    const names = Array.from({ length: 400 }, (_, i) => ({ name: `s${i}), hostPort (x), privileged (` }));
    const evaluation = evaluatePod(
      createPod({ hostNetwork: true, securityContext: { sysctls: names, runAsUser: 0 }, containers: [createContainer('c')] }),
      'restricted',
      'latest',
    );
    const started = performance.now();

    // The apiserver refuses such sysctl names; spelling out reasons, they make the text unreadable.
    expect(errorOf(violationMessage(evaluation))).toBeInstanceOf(PssInputError);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
