import type { CoverageNamespace, CoverageReason, PsaConfiguration } from '@ratchet/contracts';
import { enforcePolicyOf } from '@ratchet/pss';

import { invalidPsaLabels } from '../namespaces/psa-labels.util.js';
import type { CoverageNamespaceRow } from './coverage.repository.js';

// PSA's fallbacks (SEMANTICS.md §5): an invalid enforce level fails closed, audit and warn fail open, versions become latest.
const FALLBACK: Record<string, string> = {
  enforce: 'restricted',
  audit: 'privileged',
  warn: 'privileged',
  enforceVersion: 'latest',
  auditVersion: 'latest',
  warnVersion: 'latest',
};

/**
 * Why a namespace is in the coverage report (none of it is compliance), or null when PSA covers it knowingly: it
 * enforces baseline or restricted by a valid label or the cluster's default, outside any exemption. Order: unreported,
 * exempt, invalid-label, unlabeled, allowlisted, privileged-outside-allowlist.
 */
export function coverageOf(row: CoverageNamespaceRow, configuration: PsaConfiguration, allowlist: ReadonlySet<string>): CoverageNamespace | null {
  if (row.uid === null) {
    return {
      id: row.id,
      name: row.name,
      uid: null,
      enforcement: null,
      reasons: [{ kind: 'unreported', message: 'objects in this namespace were reported, the namespace itself was not: its Pod Security labels are unknown' }],
      flagged: false,
    };
  }
  const policy = enforcePolicyOf(row.name, row, configuration.defaults, configuration.exemptions);
  const reasons: CoverageReason[] = [];
  if (policy.source === 'exempt') {
    reasons.push({ kind: 'exempt', message: "exempt by the cluster's PodSecurityConfiguration (exemptions.namespaces): Pod Security evaluates nothing here" });
  }
  for (const invalid of invalidPsaLabels(row)) {
    reasons.push({ kind: 'invalid-label', message: invalid.message, label: invalid.label, value: invalid.value, fallback: FALLBACK[invalid.label]! });
  }
  if (row.enforceLevel === null && policy.source !== 'exempt') {
    const defaults = configuration.defaults;
    reasons.push({
      kind: 'unlabeled',
      message: `no pod-security.kubernetes.io/enforce label: Pod Security enforces the cluster default, ${defaults.enforce} at ${defaults['enforce-version']}`,
    });
  }
  const privileged = policy.source !== 'exempt' && policy.level === 'privileged';
  if (allowlist.has(row.name)) {
    reasons.push({ kind: 'allowlisted', message: "in the organization's privileged namespace allowlist: expected to run privileged workloads" });
  } else if (privileged) {
    reasons.push({
      kind: 'privileged-outside-allowlist',
      message: `Pod Security enforces privileged here (${policy.source === 'label' ? 'its label' : 'the cluster default'}) and the namespace is not in the privileged allowlist`,
    });
  }
  if (reasons.length === 0) return null;
  return {
    id: row.id,
    name: row.name,
    uid: row.uid,
    enforcement: { level: policy.level, version: policy.version, source: policy.source },
    reasons,
    flagged: reasons.some((r) => r.kind === 'privileged-outside-allowlist' || r.kind === 'invalid-label'),
  };
}
