import { z } from 'zod';

import { Timestamp } from './common.contract.js';

// These schemas describe what the apiserver sends, not what we send: known fields are typed, unknown fields
// are kept (a newer apiserver may add some), and strings are not bounded here because the agent's HTTP
// receiver caps the request body instead.

/** The stages of an `audit.k8s.io/v1` event. Only `ResponseComplete` and `Panic` carry admission annotations. */
export const KUBERNETES_AUDIT_STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;

/** An audit stage. */
export const KubernetesAuditStage = z.enum(KUBERNETES_AUDIT_STAGES);
export type KubernetesAuditStage = z.infer<typeof KubernetesAuditStage>;

/** An `authentication.k8s.io/v1` `UserInfo` as found in `user` and `impersonatedUser`. */
export const KubernetesUserInfo = z.looseObject({
  username: z.string().optional(),
  uid: z.string().optional(),
  groups: z.array(z.string()).optional(),
  extra: z.record(z.string(), z.array(z.string())).optional(),
});
export type KubernetesUserInfo = z.infer<typeof KubernetesUserInfo>;

/** The object an audited request is about. `apiGroup` is absent for the core group. */
export const KubernetesObjectReference = z.looseObject({
  resource: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  apiGroup: z.string().optional(),
  apiVersion: z.string().optional(),
  resourceVersion: z.string().optional(),
  subresource: z.string().optional(),
});
export type KubernetesObjectReference = z.infer<typeof KubernetesObjectReference>;

/** A `metav1.Status`, as in `responseStatus`; an enforce denial has `code: 403` and `reason: "Forbidden"`. */
export const KubernetesStatus = z.looseObject({
  status: z.string().optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  code: z.int().optional(),
});
export type KubernetesStatus = z.infer<typeof KubernetesStatus>;

/**
 * One `audit.k8s.io/v1` `Event`, as the audit webhook backend posts it or the audit log file holds it (one per
 * line). Timestamps are MicroTime strings. `annotations` holds the Pod Security keys
 * (`pod-security.kubernetes.io/audit-violations`, `.../enforce-policy`, ...) from the `Metadata` level up.
 */
export const KubernetesAuditEvent = z.looseObject({
  kind: z.literal('Event').optional(),
  apiVersion: z.literal('audit.k8s.io/v1').optional(),
  level: z.enum(['None', 'Metadata', 'Request', 'RequestResponse']),
  auditID: z.string().min(1),
  stage: KubernetesAuditStage,
  requestURI: z.string(),
  verb: z.string(),
  user: KubernetesUserInfo,
  impersonatedUser: KubernetesUserInfo.nullish(),
  sourceIPs: z.array(z.string()).optional(),
  userAgent: z.string().optional(),
  objectRef: KubernetesObjectReference.nullish(),
  responseStatus: KubernetesStatus.nullish(),
  requestObject: z.unknown().optional(),
  responseObject: z.unknown().optional(),
  requestReceivedTimestamp: Timestamp,
  stageTimestamp: Timestamp,
  annotations: z.record(z.string(), z.string()).nullish(),
});
export type KubernetesAuditEvent = z.infer<typeof KubernetesAuditEvent>;

/** The body of an audit webhook POST: `{"apiVersion":"audit.k8s.io/v1","kind":"EventList","items":[...]}`. */
export const KubernetesAuditEventList = z.looseObject({
  kind: z.literal('EventList'),
  apiVersion: z.literal('audit.k8s.io/v1'),
  metadata: z.looseObject({}).optional(),
  items: z.array(KubernetesAuditEvent),
});
export type KubernetesAuditEventList = z.infer<typeof KubernetesAuditEventList>;
