import { RESTRICTED_VOLUME_SOURCES } from '../checks/restricted-volumes.check.js';
import type { CheckId } from '../policy/check.types.js';

/**
 * How one check writes its detail from some minor version on (upstream policy/check_*.go). The minor is the
 * check version the policy selects; each pattern also accepts what every kube-apiserver release since 1.22
 * printed for that check version, since the wording follows the apiserver's release, not the policy.
 */
export interface DetailFormat {
  minVersion: number;
  /** Matches every detail upstream can print, anchored at both ends. */
  pattern: RegExp;
  /** The format in words, for error messages. */
  expected: string;
}

/** The reasons a check prints and the shape of its details, by version. */
export interface CheckMessageFormat {
  reasons: readonly string[];
  /** Strictly increasing by `minVersion`; the first starts at 0. */
  details: readonly DetailFormat[];
}

/** The placeholder upstream prints for a failing check that gives no reason (policy.UnknownForbiddenReason). */
export const UNKNOWN_FORBIDDEN_REASON = 'unknown forbidden reason';

// Names, types, hosts and sysctls are arbitrary user strings and joinQuote does not escape them, so a
// quoted list is `"` + anything + `"`. What pins a detail down is its fixed wording around the lists.
const ANY = String.raw`[\s\S]*`;
const NAMES = `containers? "${ANY}"`;
const SETTERS = `(?:pod|${NAMES}|pod and ${NAMES})`;
const PORT = '-?[0-9]+';
const VOLUME_TYPE = `"(?:${[...RESTRICTED_VOLUME_SOURCES, 'unknown'].join('|')})"`;
// A Go %q string: no raw quote inside, every backslash starts an escape.
const GO_QUOTED = String.raw`"(?:[^"\\]|\\[\s\S])*"`;

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);
}

function anchored(...alternatives: string[]): RegExp {
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}

function always(pattern: RegExp, expected: string): readonly DetailFormat[] {
  return [{ minVersion: 0, pattern, expected }];
}

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const SETTERS_EXPECTED = '<pod | container(s) "…" | pod and container(s) "…">';

export const CHECK_MESSAGE_FORMATS: Readonly<Record<CheckId, CheckMessageFormat>> = {
  appArmorProfile: {
    reasons: ['forbidden AppArmor profile', 'forbidden AppArmor profiles'],
    details: always(
      anchored(
        `(?:pod|${NAMES}|annotations?|pod and ${NAMES}|pod and annotations?|${NAMES} and annotations?|pod and ${NAMES} and annotations?)` +
          `${literal(' must not set AppArmor profile type to ')}"${ANY}"`,
        // kube-apiserver 1.22-1.29 (pod-security-admission before v0.30.0): the bad annotations only, as
        // sorted key="value" (Go %q) pairs joined by ", ".
        `${literal(APPARMOR_ANNOTATION_PREFIX)}${ANY}=${GO_QUOTED}`,
      ),
      '<pod, container(s) "…" and/or annotation(s), joined by " and "> must not set AppArmor profile type to "…", ' +
        'or (kube-apiserver before 1.30) container.apparmor.security.beta.kubernetes.io/<container>="…" pairs joined by ", "',
    ),
  },
  capabilities_baseline: {
    reasons: ['non-default capabilities'],
    details: always(
      anchored(`${NAMES} must not include "${ANY}"${literal(' in securityContext.capabilities.add')}`),
      'container(s) "…" must not include "…" in securityContext.capabilities.add',
    ),
  },
  hostNamespaces: {
    reasons: ['host namespaces'],
    details: always(
      anchored('hostNetwork=true(?:, hostPID=true)?(?:, hostIPC=true)?', 'hostPID=true(?:, hostIPC=true)?', 'hostIPC=true'),
      'hostNetwork=true, hostPID=true and/or hostIPC=true, joined by ", "',
    ),
  },
  hostPathVolumes: {
    reasons: ['hostPath volumes'],
    details: always(anchored(`volumes? "${ANY}"`), 'volume(s) "…"'),
  },
  hostPorts: {
    reasons: ['hostPort'],
    details: always(
      anchored(`(?:container "${ANY}" uses|containers "${ANY}" use) (?:hostPort ${PORT}|hostPorts ${PORT}(?:, ${PORT})+)`),
      'container(s) "…" use(s) hostPort(s) <ports joined by ", ">',
    ),
  },
  hostProbesAndHostLifecycle: {
    reasons: ['probe or lifecycle host'],
    details: always(
      anchored(`(?:container "${ANY}" uses|containers "${ANY}" use) probe or lifecycle hosts? "${ANY}"`),
      'container(s) "…" use(s) probe or lifecycle host(s) "…"',
    ),
  },
  privileged: {
    reasons: ['privileged'],
    details: always(
      anchored(`${NAMES}${literal(' must not set securityContext.privileged=true')}`),
      'container(s) "…" must not set securityContext.privileged=true',
    ),
  },
  procMount: {
    reasons: ['procMount'],
    details: always(
      anchored(`${NAMES}${literal(' must not set securityContext.procMount to ')}"${ANY}"`),
      'container(s) "…" must not set securityContext.procMount to "…"',
    ),
  },
  seLinuxOptions: {
    reasons: ['seLinuxOptions'],
    details: always(
      anchored(
        `${SETTERS}${literal(' set forbidden securityContext.seLinuxOptions: ')}` +
          // Nothing after the colon: kube-apiserver 1.22-1.25 named user and role only beside a bad type
          // (kubernetes/kubernetes#113109, fixed in 1.26 and not backported).
          `(?:types? "${ANY}"(?:; user may not be set)?(?:; role may not be set)?|user may not be set(?:; role may not be set)?|role may not be set|)`,
      ),
      `${SETTERS_EXPECTED} set forbidden securityContext.seLinuxOptions: <type(s) "…", user may not be set and/or role may not be set, joined by "; ", ` +
        'or nothing (kube-apiserver before 1.26)>',
    ),
  },
  seccompProfile_baseline: {
    reasons: ['seccompProfile'],
    details: [
      {
        minVersion: 0,
        pattern: anchored(
          `forbidden annotations? (?:${literal('seccomp.security.alpha.kubernetes.io/pod')}|${literal('container.seccomp.security.alpha.kubernetes.io/')})` +
            `${ANY}=${GO_QUOTED}`,
        ),
        expected: 'forbidden annotation(s) <key="value" pairs of seccomp annotations, joined by ", ">',
      },
      {
        minVersion: 19,
        pattern: anchored(`${SETTERS}${literal(' must not set securityContext.seccompProfile.type to ')}"${ANY}"`),
        expected: `${SETTERS_EXPECTED} must not set securityContext.seccompProfile.type to "…"`,
      },
    ],
  },
  sysctls: {
    // Sysctl names joined by ", " unquoted: nothing to check, not even that there is anything.
    reasons: ['forbidden sysctls'],
    details: always(/^/, '<sysctl names joined by ", ">'),
  },
  windowsHostProcess: {
    reasons: ['hostProcess'],
    details: always(
      anchored(`${SETTERS}${literal(' must not set securityContext.windowsOptions.hostProcess=true')}`),
      `${SETTERS_EXPECTED} must not set securityContext.windowsOptions.hostProcess=true`,
    ),
  },
  allowPrivilegeEscalation: {
    reasons: ['allowPrivilegeEscalation != false'],
    details: always(
      anchored(`${NAMES}${literal(' must set securityContext.allowPrivilegeEscalation=false')}`),
      'container(s) "…" must set securityContext.allowPrivilegeEscalation=false',
    ),
  },
  capabilities_restricted: {
    reasons: ['unrestricted capabilities'],
    details: always(
      anchored(
        `${NAMES}${literal(' must set securityContext.capabilities.drop=["ALL"]')}` +
          `(?:; ${NAMES} must not include "${ANY}"${literal(' in securityContext.capabilities.add')})?`,
        `${NAMES} must not include "${ANY}"${literal(' in securityContext.capabilities.add')}`,
      ),
      'container(s) "…" must set securityContext.capabilities.drop=["ALL"] and/or container(s) "…" must not include "…" in securityContext.capabilities.add, joined by "; "',
    ),
  },
  procMount_restricted: {
    reasons: ['procMount'],
    details: always(
      anchored(`${NAMES}${literal(' must not set securityContext.procMount to ')}"${ANY}"`),
      'container(s) "…" must not set securityContext.procMount to "…"',
    ),
  },
  restrictedVolumes: {
    reasons: ['restricted volume types'],
    details: always(
      anchored(
        `(?:volume "${ANY}" uses|volumes "${ANY}" use) ` +
          `(?:restricted volume type ${VOLUME_TYPE}|restricted volume types ${VOLUME_TYPE}(?:, ${VOLUME_TYPE})+)`,
      ),
      'volume(s) "…" use(s) restricted volume type(s) <quoted volume sources joined by ", ">',
    ),
  },
  runAsNonRoot: {
    reasons: ['runAsNonRoot != true'],
    details: always(
      anchored(
        `${SETTERS}${literal(' must not set securityContext.runAsNonRoot=false')}`,
        `pod or ${NAMES}${literal(' must set securityContext.runAsNonRoot=true')}`,
      ),
      `${SETTERS_EXPECTED} must not set securityContext.runAsNonRoot=false, or pod or container(s) "…" must set securityContext.runAsNonRoot=true`,
    ),
  },
  runAsUser: {
    reasons: ['runAsUser=0'],
    details: always(anchored(`${SETTERS} must not set runAsUser=0`), `${SETTERS_EXPECTED} must not set runAsUser=0`),
  },
  seccompProfile_restricted: {
    reasons: ['seccompProfile'],
    details: always(
      anchored(
        `${SETTERS}${literal(' must not set securityContext.seccompProfile.type to ')}"${ANY}"`,
        `pod or ${NAMES}${literal(' must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"')}`,
      ),
      `${SETTERS_EXPECTED} must not set securityContext.seccompProfile.type to "…", or pod or container(s) "…" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    ),
  },
};
