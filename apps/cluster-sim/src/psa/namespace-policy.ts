import type { Level } from './pod-security-checks.js';

export const PSA_LABEL_PREFIX = 'pod-security.kubernetes.io/';

export interface LevelVersion {
  level: Level;
  /** 'latest' or `v1.N`. */
  version: string;
}

export interface NamespacePolicy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
  /** Label values PSA could not parse (it then fails closed for enforce and open for audit and warn). */
  errors: string[];
}

/** AdmissionConfiguration PodSecurityConfiguration: cluster defaults and exemptions (upstream field names). */
export interface PsaConfiguration {
  defaults: { enforce: Level; 'enforce-version': string; audit: Level; 'audit-version': string; warn: Level; 'warn-version': string };
  exemptions: { usernames: string[]; runtimeClasses: string[]; namespaces: string[] };
}

const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted'];

/**
 * The policy PSA evaluates for a namespace's labels (upstream api.PolicyToEvaluate): labels override the
 * defaults; an invalid enforce level fails closed (restricted), invalid audit/warn levels fail open
 * (privileged), an invalid version means latest; warn follows a stricter enforce level when warn is unlabelled.
 */
export function policyForLabels(labels: Record<string, string> | undefined, config: PsaConfiguration): NamespacePolicy {
  const d = config.defaults;
  const policy: NamespacePolicy = {
    enforce: { level: d.enforce, version: d['enforce-version'] },
    audit: { level: d.audit, version: d['audit-version'] },
    warn: { level: d.warn, version: d['warn-version'] },
    errors: [],
  };
  const get = (key: string) => labels?.[PSA_LABEL_PREFIX + key];
  const parseLevel = (mode: 'enforce' | 'audit' | 'warn', fallback: Level) => {
    const raw = get(mode);
    if (raw === undefined) return undefined;
    if ((LEVELS as readonly string[]).includes(raw)) return raw as Level;
    policy.errors.push(`${PSA_LABEL_PREFIX}${mode}=${raw}`);
    return fallback;
  };
  const parseVersion = (mode: 'enforce' | 'audit' | 'warn') => {
    const raw = get(`${mode}-version`);
    if (raw === undefined) return undefined;
    if (raw === 'latest' || /^v1\.(0|[1-9]\d{0,2})$/.test(raw)) return raw;
    policy.errors.push(`${PSA_LABEL_PREFIX}${mode}-version=${raw}`);
    return 'latest';
  };
  const enforceLevel = parseLevel('enforce', 'restricted');
  const enforceValid = enforceLevel !== undefined && policy.errors.length === 0;
  if (enforceLevel) policy.enforce.level = enforceLevel;
  const enforceVersion = parseVersion('enforce');
  if (enforceVersion) policy.enforce.version = enforceVersion;
  const auditLevel = parseLevel('audit', 'privileged');
  if (auditLevel) policy.audit.level = auditLevel;
  const auditVersion = parseVersion('audit');
  if (auditVersion) policy.audit.version = auditVersion;
  const warnLevel = parseLevel('warn', 'privileged');
  if (warnLevel) policy.warn.level = warnLevel;
  const warnVersion = parseVersion('warn');
  if (warnVersion) policy.warn.version = warnVersion;
  // upstream: without a warn label, warn follows an explicitly set, stricter enforce level (and its version).
  const rank = (level: Level) => LEVELS.indexOf(level);
  if (enforceValid && warnLevel === undefined && rank(policy.enforce.level) > rank(policy.warn.level)) {
    policy.warn.level = policy.enforce.level;
    if (warnVersion === undefined) policy.warn.version = policy.enforce.version;
  }
  return policy;
}

/** `level:version` as PSA prints it in annotations and messages. */
export function policyString(lv: LevelVersion): string {
  return `${lv.level}:${lv.version}`;
}

/** The minor version a policy version evaluates at on an apiserver of `apiserverMinor` (newer pins act as latest). */
export function policyMinor(version: string, apiserverMinor: number): number {
  if (version === 'latest') return apiserverMinor;
  const minor = Number(version.slice(3));
  return Math.min(minor, apiserverMinor);
}
