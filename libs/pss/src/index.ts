export type { Level } from './api/level.js';
export { LEVELS, PssInputError, isLevel, levelRank, parseLevel } from './api/level.js';
export type { PolicyVersion } from './api/version.js';
export { LATEST, MAX_MINOR, effectiveMinor, parseVersion } from './api/version.js';
export { clusterReleaseVersion } from './api/cluster-release.util.js';
export type * from './api/pod.types.js';
export type { CheckId, Violation } from './policy/check.types.js';
export { CHECK_IDS } from './policy/registry.js';
export type { CheckFailure, Evaluation, LevelEvaluations } from './policy/evaluate.js';
export { aggregate, evaluatePod, evaluatePodAllLevels, policyString, violationMessage } from './policy/evaluate.js';
export { goQuote } from './policy/format.util.js';
export type { HardeningAdvice, Remediation } from './remediation/remediation.types.js';
export { REMEDIATIONS, remediationFor } from './remediation/remediation.constant.js';
export { EXTRA_HARDENING } from './remediation/hardening.constant.js';
export type { ManualFix, PatchSuggestion, SuggestedChange } from './remediation/suggest-patch.js';
export { suggestPatch } from './remediation/suggest-patch.js';
export type * from './projection/pod-projection.types.js';
export { projectPod } from './projection/project-pod.js';
export { isValidPod, validatePod } from './projection/validate-pod.js';
export { projectionHash } from './projection/projection-hash.js';
export type {
  ExtractedPodTemplate,
  ManifestObjectProblem,
  ManifestObjectRef,
  PodTemplateExtraction,
  SkippedManifestObject,
  UnknownManifestObject,
} from './templates/extract-pod-templates.js';
export type { ExtractOptions } from './templates/extract-pod-templates.js';
export { extractPodTemplates } from './templates/extract-pod-templates.js';
export type { ApiserverVersion } from './templates/default-pod-on-create.util.js';
export { defaultPodOnCreate, defaultTemplateOnCreate } from './templates/default-pod-on-create.util.js';
export { defaultHostNetworkPorts } from './templates/default-host-network-ports.util.js';
export type { ManifestDocument } from './templates/parse-manifests.js';
export { parseManifests } from './templates/parse-manifests.js';
export type { ParsedViolation, ParsedViolations } from './audit/parse-audit-violations.js';
export { formatAuditViolations, parseAuditViolations } from './audit/parse-audit-violations.js';
export { enforcePolicyOf, type EnforcePolicy, type PodSecurityDefaults, type PodSecurityExemptions } from './policy/namespace-policy.js';
