/**
 * Real `audit-violations` values as older kube-apiservers printed them, taken from public reports and
 * upstream sources (copied from the project's case notes of 2026-11-30; each entry names its sources).
 * The simulator replays them verbatim on an apiserver of a matching version, so the agent meets wording that
 * no formatter of ours produced.
 */
export interface RecordedAnnotation {
  id: string;
  /** Apiserver minor versions that print this wording. */
  minMinor: number;
  maxMinor: number;
  value: string;
  sources: string[];
}

export const RECORDED_ANNOTATIONS: readonly RecordedAnnotation[] = [
  {
    id: 'a1-apparmor-before-1.30',
    minMinor: 22,
    maxMinor: 29,
    value:
      'would violate PodSecurity "restricted:latest": forbidden AppArmor profile (container.apparmor.security.beta.kubernetes.io/agent="unconfined"), host namespaces (hostNetwork=true, hostPID=true), allowPrivilegeEscalation != false (container "agent" must set securityContext.allowPrivilegeEscalation=false)',
    sources: [
      'https://docs.dynatrace.com/docs/ingest-from/setup-on-k8s/guides/networking-security-compliance/pod-security-standards (quoted denial, restricted:latest)',
      'kubernetes/pod-security-admission v0.29.0 policy/check_appArmorProfile.go',
    ],
  },
  {
    id: 'a1-apparmor-plural-pinned',
    minMinor: 27,
    maxMinor: 29,
    value:
      'would violate PodSecurity "baseline:v1.27": forbidden AppArmor profiles (container.apparmor.security.beta.kubernetes.io/builder="unconfined", container.apparmor.security.beta.kubernetes.io/init="unconfined")',
    sources: ['kubernetes/pod-security-admission v0.29.0 policy/check_appArmorProfile.go (plural form)'],
  },
  {
    id: 'a2-selinux-empty-detail',
    minMinor: 24,
    maxMinor: 25,
    value: 'would violate PodSecurity "baseline:v1.24": seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: )',
    sources: [
      'https://github.com/kubernetes/pod-security-admission/issues/8',
      'https://github.com/kubernetes/kubernetes/issues/113109 (fixed in 1.26 by kubernetes PR 113111)',
    ],
  },
  {
    id: 'a2-selinux-after-hostpath',
    minMinor: 24,
    maxMinor: 25,
    value:
      'would violate PodSecurity "baseline:v1.24": hostPath volumes (volume "host"), seLinuxOptions (container "app" set forbidden securityContext.seLinuxOptions: ), seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")',
    sources: ['https://github.com/kubernetes/kubernetes/issues/113109'],
  },
  {
    id: 'a3-procmount-before-restricted-checks',
    minMinor: 31,
    maxMinor: 34,
    value:
      'would violate PodSecurity "restricted:latest": procMount (container "builder" must not set securityContext.procMount to "Unmasked"), allowPrivilegeEscalation != false (container "builder" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "builder" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "builder" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "builder" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    sources: ['kubernetes/pod-security-admission v0.34.0 policy/registry.go (baseline ids sorted, then restricted ids)'],
  },
  {
    id: 'a4-no-overrides-hostpath',
    minMinor: 22,
    maxMinor: 23,
    value:
      'would violate PodSecurity "restricted:latest": host namespaces (hostNetwork=true), hostPath volumes (volumes "host-boot", "host-sys"), restricted volume types (volumes "host-boot", "host-sys" use restricted volume type "hostPath"), runAsNonRoot != true (pod or container "worker" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "worker" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    sources: ['https://github.com/kubernetes-sigs/node-feature-discovery-operator/pull/156', 'kubernetes/pod-security-admission v0.23.0 policy/registry.go'],
  },
  {
    id: 'a4-no-overrides-capabilities',
    minMinor: 22,
    maxMinor: 23,
    value:
      'would violate PodSecurity "restricted:latest": non-default capabilities (container "init" must not include "NET_ADMIN", "NET_RAW" in securityContext.capabilities.add), allowPrivilegeEscalation != false (container "init" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "init" must not include "NET_ADMIN", "NET_RAW" in securityContext.capabilities.add)',
    sources: ['https://github.com/istio/istio/issues/35894'],
  },
];

/** The recorded annotations an apiserver of `minor` could have printed (1.22 used a different key: none apply). */
export function recordedAnnotationsFor(minor: number): RecordedAnnotation[] {
  return RECORDED_ANNOTATIONS.filter((r) => minor >= Math.max(23, r.minMinor) && minor <= r.maxMinor);
}
