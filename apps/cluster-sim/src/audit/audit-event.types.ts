import type { AuditUser } from '../cluster/cluster-builder.js';

/** audit.k8s.io/v1 ObjectReference. */
export interface AuditObjectRef {
  resource: string;
  namespace?: string;
  name?: string;
  apiGroup?: string;
  apiVersion: string;
  subresource?: string;
}

/** audit.k8s.io/v1 Event, the fields kube-apiserver fills for a write. */
export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: 'Metadata' | 'Request' | 'RequestResponse';
  auditID: string;
  stage: 'RequestReceived' | 'ResponseComplete';
  requestURI: string;
  verb: string;
  user: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs: string[];
  userAgent: string;
  objectRef: AuditObjectRef;
  responseStatus?: { metadata: Record<string, never>; code: number; status?: 'Failure'; message?: string; reason?: string };
  requestObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

/** audit.k8s.io/v1 EventList, what the audit webhook backend POSTs. */
export interface AuditEventList {
  kind: 'EventList';
  apiVersion: 'audit.k8s.io/v1';
  metadata: Record<string, never>;
  items: AuditEvent[];
}

/** Why the simulator emitted an event the way it did: tests use it to find the case they assert on. */
export type AuditCase =
  | 'pod'
  | 'controller'
  | 'dry-run'
  | 'denied'
  | 'impersonated'
  | 'webhook-prefixed'
  | 'unparseable'
  | 'exempt'
  | 'ephemeral-container'
  | 'recorded';
