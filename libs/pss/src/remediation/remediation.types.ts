import type { CheckId } from '../policy/check.types.js';

/** How to fix one failing Pod Security check, written for platform engineers. */
export interface Remediation {
  checkId: CheckId;
  /** The control's name as the Pod Security Standards page calls it. */
  title: string;
  /** What to change. */
  what: string;
  /** Why it matters, in one or two sentences. */
  why: string;
  /** Minimal YAML rooted at the pod's `spec:`; for a workload it goes under `spec.template`. */
  snippet: string;
  /** Whether suggestPatch can fix the usual failure of this check without a human decision. */
  automatic: boolean;
}

/** Hardening that no Pod Security check requires but that usually lands in the same change. */
export interface HardeningAdvice {
  id: 'readOnlyRootFilesystem' | 'automountServiceAccountToken';
  title: string;
  what: string;
  why: string;
  snippet: string;
}
