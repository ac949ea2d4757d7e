import type { Admission, AdmissionRequest } from '../cluster/cluster-builder.js';
import type { ObjectStore } from '../store/object-store.js';
import { evaluatePodSecurity, forbiddenDetail, type PodLike } from '../psa/pod-security-checks.js';
import { annotationKeys, auditAnnotation, forbiddenMessage } from '../psa/pod-security-wording.js';
import { policyForLabels, policyMinor, policyString, type LevelVersion, type PsaConfiguration } from '../psa/namespace-policy.js';
import type { AuditLog } from './audit-log.js';
import type { AuditCase } from './audit-event.types.js';

/** Where PSA runs: the built-in admission plugin, the Pod Security webhook, or both (during a migration). */
export type PsaAdmissionMode = 'built-in' | 'webhook' | 'both';

export interface PodSecurityAdmissionOptions {
  store: ObjectStore;
  audit: AuditLog;
  apiserverMinor: number;
  configuration: PsaConfiguration;
  mode: PsaAdmissionMode;
  /** The webhook's name in its ValidatingWebhookConfiguration; the apiserver prefixes its annotation keys with it. */
  webhookName: string;
}

const BUILT_IN_PREFIX = 'pod-security.kubernetes.io/';

/** The pod a write carries: the pod itself, or the pod template of a workload controller. */
export function podOf(request: AdmissionRequest): PodLike | undefined {
  const object = request.object as { metadata?: PodLike['metadata']; spec?: Record<string, unknown> };
  if (request.resource === 'pods') return { metadata: object.metadata ?? {}, spec: object.spec as unknown as PodLike['spec'] };
  const template =
    request.resource === 'cronjobs'
      ? ((object.spec?.jobTemplate as { spec?: { template?: PodLike } } | undefined)?.spec?.template)
      : (object.spec?.template as PodLike | undefined);
  return template ? { metadata: template.metadata ?? {}, spec: template.spec } : undefined;
}

/**
 * Pod Security admission as kube-apiserver runs it (admission/admission.go `ValidatePod`,
 * `ValidatePodController`, `EvaluatePod`), in upstream's order: exempt namespace, then exempt user (the effective,
 * impersonated, user) with `exempt: namespace|user`; then the short-circuit of a fully privileged namespace (a pod
 * gets `enforce-policy: privileged:latest` whatever the version labels, a controller in a namespace whose audit and
 * warn are privileged gets nothing); then an exempt runtime class (`exempt: runtimeClass`); then the enforce policy
 * for pods and the audit and warn policies for pods and controllers, with the annotations they leave
 * (`enforce-policy` from 1.23, `audit-violations` — `audit` on 1.22). Every decision is written to the audit log.
 */
export class PodSecurityAdmission implements Admission {
  /** The case the next recorded request belongs to; scenarios set it around special requests. */
  nextCase: AuditCase | undefined;
  /**
   * Truncate the next audit annotation to 60% of its length, mid-detail, as a log shipper's field limit
   * does: an annotation no parser can read, which must still be kept and counted.
   */
  corruptNext = false;

  constructor(private readonly options: PodSecurityAdmissionOptions) {}

  /** Switches where PSA runs (built-in plugin, webhook, both); returns the previous mode. */
  setMode(mode: PsaAdmissionMode): PsaAdmissionMode {
    const previous = this.options.mode;
    this.options.mode = mode;
    return previous;
  }

  admit(request: AdmissionRequest): boolean {
    const { store, audit, apiserverMinor, configuration } = this.options;
    const pod = podOf(request);
    const isPod = request.resource === 'pods';
    const auditCase: AuditCase = this.nextCase ?? (request.subresource === 'ephemeralcontainers' ? 'ephemeral-container' : isPod ? 'pod' : 'controller');
    this.nextCase = undefined;
    const annotations: Record<string, string> = {};
    const effectiveUser = request.impersonatedUser ?? request.user;
    const exemption = configuration.exemptions.namespaces.includes(request.namespace)
      ? 'namespace'
      : configuration.exemptions.usernames.includes(effectiveUser.username)
        ? 'user'
        : undefined;
    if (exemption) {
      this.annotate(annotations, annotationKeys.exempt, exemption);
      audit.record(request, { allowed: true, annotations }, exemption === 'user' && request.impersonatedUser ? 'impersonated' : 'exempt');
      return true;
    }
    const namespace = store.get('namespaces', undefined, request.namespace);
    const policy = policyForLabels(namespace?.metadata.labels, configuration);
    const allPrivileged = policy.audit.level === 'privileged' && policy.warn.level === 'privileged' && (!isPod || policy.enforce.level === 'privileged');
    if (allPrivileged && policy.errors.length === 0) {
      // sharedAllowedPrivilegedResponse: upstream writes LatestVersion, not the namespace's version label.
      if (isPod && apiserverMinor >= 23) this.annotate(annotations, annotationKeys.enforcePolicy, 'privileged:latest');
      audit.record(request, { allowed: true, annotations }, auditCase);
      return !request.dryRun;
    }
    if (!pod) {
      audit.record(request, { allowed: true, annotations }, auditCase);
      return true;
    }
    if (configuration.exemptions.runtimeClasses.includes(String((pod.spec as { runtimeClassName?: string }).runtimeClassName ?? ''))) {
      this.annotate(annotations, annotationKeys.exempt, 'runtimeClass');
      audit.record(request, { allowed: true, annotations }, 'exempt');
      return !request.dryRun;
    }
    const evaluate = (lv: LevelVersion) => evaluatePodSecurity(pod, lv.level, policyMinor(lv.version, apiserverMinor), apiserverMinor);
    let allowed = true;
    let message: string | undefined;
    if (policy.errors.length) {
      // field.ErrorList.ToAggregate(): one error bare, several in brackets.
      const errors = policy.errors.map(describeLabelError);
      this.annotate(annotations, annotationKeys.error, `Failed to parse policy: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`);
    }
    if (isPod && apiserverMinor >= 23) this.annotate(annotations, annotationKeys.enforcePolicy, policyString(policy.enforce));
    if (isPod) {
      const failures = evaluate(policy.enforce);
      if (failures.length) {
        allowed = false;
        message = forbiddenMessage(apiserverMinor, 'pods', request.name, policyString(policy.enforce), forbiddenDetail(failures));
      }
    }
    const auditFailures = evaluate(policy.audit);
    if (auditFailures.length) {
      const { key, value } = auditAnnotation(apiserverMinor, policyString(policy.audit), forbiddenDetail(auditFailures));
      this.annotate(annotations, key, this.corruptNext ? value.slice(0, Math.floor(value.length * 0.6)) : value);
    }
    const finalCase: AuditCase = !allowed && auditCase === 'pod' ? 'denied' : auditCase;
    audit.record(request, { allowed, annotations, ...(message ? { forbiddenMessage: message } : {}) }, finalCase);
    // A dry run is admitted and audited like any request, and never stored.
    return allowed && !request.dryRun;
  }

  private annotate(annotations: Record<string, string>, key: string, value: string): void {
    const { mode, webhookName } = this.options;
    if (mode !== 'webhook') annotations[BUILT_IN_PREFIX + key] = value;
    if (mode !== 'built-in') annotations[`${webhookName}/${key}`] = value;
  }
}

// field.ErrorList as upstream's appendErr builds it: the label path, the bad value and what it must be.
function describeLabelError(error: string): string {
  const [label, value] = [error.slice(0, error.indexOf('=')), error.slice(error.indexOf('=') + 1)];
  const must = label.endsWith('-version') ? 'must be "latest" or "v1.x"' : 'must be one of privileged, baseline, restricted';
  return `metadata.labels[${label}]: Invalid value: "${value}": ${must}`;
}
