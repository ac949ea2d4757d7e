import { z } from 'zod';

import { Count, Id, KubernetesUid, NamespaceName, PsaLevel, PsaVersion, Timestamp } from './common.contract.js';
import { NamespacePsaLabels, PsaConfiguration } from './ingest.contract.js';
import { PsaConfigurationSource } from './query.contract.js';

/** The most namespaces one coverage answer lists. */
export const COVERAGE_NAMESPACES_MAX = 20_000;

/**
 * Why a namespace is in the coverage report. None of these is compliance:
 * - `unlabeled`: no `enforce` label; PSA applies the cluster's default enforce level (privileged unless the
 *   cluster's AdmissionConfiguration says otherwise).
 * - `invalid-label`: a Pod Security label PSA cannot parse; `message` says what PSA uses instead (enforce fails
 *   closed to restricted, audit and warn fail open to privileged, versions become latest).
 * - `allowlisted`: in the organization's privileged namespace allowlist (expected to run privileged workloads).
 * - `privileged-outside-allowlist`: PSA enforces privileged there (label or default) and the namespace is not in the
 *   allowlist: flagged.
 * - `exempt`: the cluster's PodSecurityConfiguration exempts the namespace; PSA evaluates nothing in it.
 * - `unreported`: objects in it were reported, the namespace itself was not; nothing is known of its labels.
 */
export const CoverageKind = z.enum(['unlabeled', 'invalid-label', 'allowlisted', 'privileged-outside-allowlist', 'exempt', 'unreported']);
export type CoverageKind = z.infer<typeof CoverageKind>;

/** One reason a namespace is in the report, in words a person can act on. */
export const CoverageReason = z.strictObject({
  kind: CoverageKind,
  message: z.string().max(512),
  /** For `invalid-label`: the label, its value and the value PSA uses instead. */
  label: NamespacePsaLabels.keyof().optional(),
  value: z.string().max(63).optional(),
  fallback: z.string().max(63).optional(),
});
export type CoverageReason = z.infer<typeof CoverageReason>;

/** What PSA enforces in a namespace, and why: its label, the cluster's default, PSA's fallback for an invalid label, or an exemption. */
export const EffectiveEnforcement = z.strictObject({
  level: PsaLevel,
  version: PsaVersion,
  source: z.enum(['label', 'default', 'fallback', 'exempt']),
});
export type EffectiveEnforcement = z.infer<typeof EffectiveEnforcement>;

/** A namespace with at least one coverage reason. `flagged` when it needs attention (privileged outside the allowlist, invalid label). */
export const CoverageNamespace = z.strictObject({
  id: Id,
  name: NamespaceName,
  uid: KubernetesUid.nullable(),
  /** Null for an unreported namespace: its labels are not known. */
  enforcement: EffectiveEnforcement.nullable(),
  reasons: z.array(CoverageReason).min(1).max(6),
  flagged: z.boolean(),
});
export type CoverageNamespace = z.infer<typeof CoverageNamespace>;

/**
 * `GET /api/v1/clusters/:clusterId/coverage`: the namespaces Pod Security does not (or not knowingly) cover, with
 * the cluster's effective PSA configuration. Coverage is shown, never read as compliance: an allowlisted or exempt
 * namespace is reported as such, not as ready.
 */
export const ClusterCoverage = z.strictObject({
  clusterId: Id,
  psaConfiguration: z.strictObject({ source: PsaConfigurationSource, configuration: PsaConfiguration }),
  privilegedNamespaceAllowlist: z.array(NamespaceName).max(256),
  counts: z.strictObject({
    /** Live namespaces of the cluster, reported or not. */
    namespaces: Count,
    unlabeled: Count,
    'invalid-label': Count,
    allowlisted: Count,
    'privileged-outside-allowlist': Count,
    exempt: Count,
    unreported: Count,
    flagged: Count,
  }),
  namespaces: z.array(CoverageNamespace).max(COVERAGE_NAMESPACES_MAX),
  computedAt: Timestamp,
});
export type ClusterCoverage = z.infer<typeof ClusterCoverage>;
