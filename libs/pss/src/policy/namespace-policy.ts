import { isLevel, type Level } from '../api/level.js';

/**
 * The parts of a PodSecurityConfiguration (`pod-security.admission.config.k8s.io`, embedded in the apiserver's
 * AdmissionConfiguration under the plugin `PodSecurity`) that decide what a namespace enforces. Field names are
 * upstream's (`admission/api/v1/types.go`).
 */
export interface PodSecurityDefaults {
  enforce: Level;
  'enforce-version': string;
}

export interface PodSecurityExemptions {
  usernames: readonly string[];
  runtimeClasses: readonly string[];
  namespaces: readonly string[];
}

/** The enforce policy PSA applies to a namespace, and where it comes from. */
export interface EnforcePolicy {
  level: Level;
  /** "latest" or "v1.<minor>". */
  version: string;
  /** label: the namespace's valid label; default: the configuration's default; fallback: PSA's for an invalid label; exempt: PSA evaluates nothing. */
  source: 'label' | 'default' | 'fallback' | 'exempt';
}

// PSA's version grammar (api/helpers.go ParseVersion): latest, or v1.<minor> without leading zeros.
const VERSION = /^(latest|v1\.(0|[1-9][0-9]*))$/;

/**
 * What PSA enforces on a namespace with these raw labels (null: absent), as upstream's `PolicyToEvaluate`
 * (staging/src/k8s.io/pod-security-admission/api/helpers.go) decides it and SEMANTICS.md §5 states: an absent label
 * takes the configuration's default; an invalid level fails closed to `restricted`, an invalid version becomes
 * `latest`. A namespace in `exemptions.namespaces` is exempt: PSA evaluates nothing there (level privileged).
 */
export function enforcePolicyOf(
  namespace: string,
  labels: { enforceLevel: string | null; enforceVersion: string | null },
  defaults: PodSecurityDefaults,
  exemptions: PodSecurityExemptions,
): EnforcePolicy {
  if (exemptions.namespaces.includes(namespace)) return { level: 'privileged', version: 'latest', source: 'exempt' };
  let source: EnforcePolicy['source'] = 'default';
  let level = defaults.enforce;
  if (labels.enforceLevel !== null) {
    if (isLevel(labels.enforceLevel)) {
      level = labels.enforceLevel;
      source = 'label';
    } else {
      level = 'restricted';
      source = 'fallback';
    }
  }
  let version = defaults['enforce-version'];
  if (labels.enforceVersion !== null) {
    if (VERSION.test(labels.enforceVersion)) {
      version = labels.enforceVersion;
    } else {
      version = 'latest';
      if (source !== 'fallback') source = 'fallback';
    }
  }
  return { level, version, source };
}
