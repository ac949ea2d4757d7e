import type { AdmissionDecision, AuditEvent, AuditUser } from '@ratchet/contracts';
import type { KubernetesAuditEvent, KubernetesUserInfo } from '@ratchet/contracts';
import { parseAuditViolations } from '@ratchet/pss';

/** The annotation key suffixes Pod Security writes, after `<prefix>/`. */
const VIOLATIONS = 'audit-violations';
const ENFORCE_POLICY = 'enforce-policy';
const AUDIT_POLICY = 'audit-policy';
const EXEMPT = 'exempt';
const BUILT_IN_PREFIX = 'pod-security.kubernetes.io';

/**
 * Why an event is not forwarded, or `forward` with the event. `unreadable` says why the annotation could not be
 * parsed: such an event is still forwarded, without `violations`, so the API stores it unparsed and counts it as
 * a violation (a readiness tool must not take what it cannot read for clean).
 */
export type AuditMapping =
  | { outcome: 'forward'; event: AuditEvent; unreadable?: string }
  | { outcome: 'decision'; decision: AdmissionDecisionSeen }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'unparsed'; reason: string };

function user(info: KubernetesUserInfo | null | undefined): AuditUser | undefined {
  if (!info?.username) return undefined;
  const mapped: AuditUser = { username: info.username.slice(0, 1024), groups: (info.groups ?? []).slice(0, 512) };
  if (info.uid) mapped.uid = info.uid.slice(0, 256);
  return mapped;
}

/**
 * The prefix of the Pod Security annotations: `pod-security.kubernetes.io` for the built-in admission plugin,
 * the webhook's name for the Pod Security webhook build (e.g. `pod-security-webhook.kubernetes.io`).
 */
function psaPrefix(annotations: Record<string, string>): string | undefined {
  if (`pod-security.kubernetes.io/${VIOLATIONS}` in annotations) return 'pod-security.kubernetes.io';
  for (const key of Object.keys(annotations)) {
    if (key.endsWith(`/${VIOLATIONS}`)) return key.slice(0, -VIOLATIONS.length - 1);
  }
  return undefined;
}

/**
 * One request's Pod Security decision without violations (`exempt`, or evaluated with `enforce-policy`): an
 * AdmissionDecision of count 1 before the forwarder aggregates it, with the auditID it deduplicates by.
 */
export interface AdmissionDecisionSeen {
  auditId: string;
  decision: Omit<AdmissionDecision, 'count' | 'firstSeen' | 'lastSeen'>;
  time: string;
}

/**
 * The prefix of a Pod Security `exempt` or `enforce-policy` annotation on an event without `audit-violations`:
 * the built-in plugin's, or a webhook name containing `pod-security` (the webhook build's is
 * `pod-security-webhook.kubernetes.io`). Unlike `audit-violations`, `exempt` is a common word another admission
 * webhook could annotate with, so other prefixes are not taken for Pod Security's.
 */
function decisionPrefix(annotations: Record<string, string>): string | undefined {
  if (`${BUILT_IN_PREFIX}/${EXEMPT}` in annotations || `${BUILT_IN_PREFIX}/${ENFORCE_POLICY}` in annotations) return BUILT_IN_PREFIX;
  for (const key of Object.keys(annotations)) {
    const slash = key.lastIndexOf('/');
    const suffix = key.slice(slash + 1);
    if (slash > 0 && (suffix === EXEMPT || suffix === ENFORCE_POLICY) && key.slice(0, slash).includes('pod-security')) return key.slice(0, slash);
  }
  return undefined;
}

function isDryRun(requestURI: string): boolean {
  const query = requestURI.indexOf('?');
  if (query < 0) return false;
  return new URLSearchParams(requestURI.slice(query + 1)).getAll('dryRun').includes('All');
}

/**
 * Turns one apiserver audit event into the API's `AuditEvent`, or says why not. Kept: `ResponseComplete` and
 * `Panic` events carrying a Pod Security `audit-violations` annotation under any key prefix, whether the
 * object is a pod or a pod-bearing controller (the violation then belongs to the workload), whether the
 * request was allowed, refused by enforce (403) or a server-side dry run (`dryRun: true`). An impersonated
 * request carries the effective user in `impersonatedUser`. A pod created with `generateName` has no name at
 * `Metadata` level; the name is left out rather than invented.
 */
export function mapAuditEvent(event: KubernetesAuditEvent): AuditMapping {
  if (event.stage !== 'ResponseComplete' && event.stage !== 'Panic') return { outcome: 'ignored', reason: `stage ${event.stage}` };
  const annotations = event.annotations ?? {};
  const prefix = psaPrefix(annotations);
  if (prefix === undefined) return mapDecision(event, annotations);
  const ref = event.objectRef;
  if (!ref?.resource || !ref.namespace) return { outcome: 'ignored', reason: 'no namespaced objectRef' };
  const requester = user(event.user);
  if (!requester) return { outcome: 'unparsed', reason: 'user.username missing' };

  const auditViolations = annotations[`${prefix}/${VIOLATIONS}`]!;
  let violations: AuditEvent['violations'];
  let unreadable: string | undefined;
  try {
    const parsed = parseAuditViolations(auditViolations);
    violations = {
      level: parsed.level,
      version: parsed.version,
      checks: parsed.checks.map((check) => (check.id === undefined ? { reason: check.reason, detail: check.detail } : { id: check.id, reason: check.reason, detail: check.detail })),
    };
  } catch (error) {
    unreadable = `${prefix}/${VIOLATIONS}: ${(error as Error).message}`;
  }

  const objectRef: AuditEvent['objectRef'] = { resource: ref.resource, namespace: ref.namespace };
  if (ref.name) objectRef.name = ref.name;
  if (ref.apiGroup) objectRef.apiGroup = ref.apiGroup;
  if (ref.apiVersion) objectRef.apiVersion = ref.apiVersion;
  if (ref.subresource) objectRef.subresource = ref.subresource;

  const psa: AuditEvent['annotations'] = { auditViolations, keyPrefix: prefix };
  const enforcePolicy = annotations[`${prefix}/${ENFORCE_POLICY}`];
  const auditPolicy = annotations[`${prefix}/${AUDIT_POLICY}`];
  if (enforcePolicy !== undefined) psa.enforcePolicy = enforcePolicy;
  if (auditPolicy !== undefined) psa.auditPolicy = auditPolicy;

  const mapped: AuditEvent = {
    auditId: event.auditID,
    stage: event.stage,
    time: event.requestReceivedTimestamp,
    verb: event.verb,
    user: requester,
    objectRef,
    namespace: ref.namespace,
    annotations: psa,
  };
  if (violations) mapped.violations = violations;
  const effective = user(event.impersonatedUser);
  if (effective) mapped.impersonatedUser = effective;
  if (isDryRun(event.requestURI)) mapped.dryRun = true;
  if (typeof event.responseStatus?.code === 'number') mapped.responseCode = event.responseStatus.code;
  return unreadable === undefined ? { outcome: 'forward', event: mapped } : { outcome: 'forward', event: mapped, unreadable };
}

/**
 * An event without `audit-violations` that carries Pod Security's `exempt` (the request was exempted: by
 * `namespace`, `user` or `runtimeClass`) or `enforce-policy` (the pod was evaluated, and passed audit): what PSA
 * decided, for the API to compare with the cluster's configuration. `ResponseComplete` and `Panic` only, like
 * violations; `enforce-policy` is never written for controllers, `exempt` is (the same exemptions apply to them).
 */
function mapDecision(event: KubernetesAuditEvent, annotations: Record<string, string>): AuditMapping {
  const prefix = decisionPrefix(annotations);
  if (prefix === undefined) return { outcome: 'ignored', reason: 'no Pod Security annotation' };
  const ref = event.objectRef;
  if (!ref?.resource || !ref.namespace) return { outcome: 'ignored', reason: 'no namespaced objectRef' };
  const effective = user(event.impersonatedUser) ?? user(event.user);
  if (!effective) return { outcome: 'unparsed', reason: 'user.username missing' };
  const exempt = annotations[`${prefix}/${EXEMPT}`];
  const enforcePolicy = annotations[`${prefix}/${ENFORCE_POLICY}`];
  const decision: AdmissionDecisionSeen['decision'] = { namespace: ref.namespace, resource: ref.resource, username: effective.username };
  // Upstream sets no other PSA annotation beside exempt; if both came, exempt is what PSA did.
  if (exempt !== undefined) decision.exempt = exempt;
  else if (enforcePolicy !== undefined) decision.enforcePolicy = enforcePolicy;
  if (isDryRun(event.requestURI)) decision.dryRun = true;
  if (prefix !== BUILT_IN_PREFIX) decision.keyPrefix = prefix;
  return { outcome: 'decision', decision: { auditId: event.auditID, decision, time: event.requestReceivedTimestamp } };
}
