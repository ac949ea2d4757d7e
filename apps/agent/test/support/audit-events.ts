import { randomUUID } from 'node:crypto';

/** The `audit-violations` text the built-in Pod Security admission writes for a plain nginx pod at restricted. */
export const RESTRICTED_VIOLATIONS =
  'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

type Overrides = Record<string, unknown>;

/**
 * An `audit.k8s.io/v1` Event as kube-apiserver writes it at `Metadata` level for a pod create in a namespace with
 * `audit: restricted`: the shape of real events (MicroTime stamps, sourceIPs, userAgent, responseStatus).
 */
export function auditEvent(overrides: Overrides = {}, annotations: Record<string, string> | null = undefined as never): Record<string, unknown> {
  const auditID = randomUUID();
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/payments/pods?fieldManager=kubectl-client-side-apply&fieldValidation=Strict',
    verb: 'create',
    user: { username: 'kubernetes-admin', groups: ['kubeadm:cluster-admins', 'system:authenticated'] },
    sourceIPs: ['172.18.0.1'],
    userAgent: 'kubectl/v1.33.2 (linux/amd64) kubernetes/a57b6f7',
    objectRef: { resource: 'pods', namespace: 'payments', name: 'web', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 201 },
    requestReceivedTimestamp: '2026-11-30T10:15:02.123456Z',
    stageTimestamp: '2026-11-30T10:15:02.145678Z',
    annotations: annotations ?? {
      'authorization.k8s.io/decision': 'allow',
      'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins"',
      'pod-security.kubernetes.io/enforce-policy': 'privileged:latest',
      'pod-security.kubernetes.io/audit-violations': RESTRICTED_VIOLATIONS,
    },
    ...overrides,
  };
}

/** The same request's `RequestReceived` event: emitted before admission, so without Pod Security annotations. */
export function requestReceived(event: Record<string, unknown>): Record<string, unknown> {
  return { ...event, stage: 'RequestReceived', stageTimestamp: event.requestReceivedTimestamp, annotations: undefined, responseStatus: undefined };
}

export function eventList(items: unknown[]): Record<string, unknown> {
  return { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items };
}
