import type { AdmissionRequest, AuditUser } from '../cluster/cluster-builder.js';
import type { SimClock } from '../clock/sim-clock.js';
import type { SeededRandom } from '../random/seeded-random.js';
import { resourceType } from '../store/resource-types.js';
import type { AuditCase, AuditEvent } from './audit-event.types.js';

/** What admission decided, in the words the audit log carries. */
export interface AdmissionOutcome {
  allowed: boolean;
  /** Full annotation keys (prefix included) and values. */
  annotations: Record<string, string>;
  /** For a rejected request: the 403 Status message. */
  forbiddenMessage?: string;
}

export interface RecordedEvent {
  case: AuditCase;
  events: [AuditEvent, AuditEvent];
}

const USER_AGENTS: Record<string, string> = {
  'kube-system': 'kube-controller-manager/v1.31.4 (linux/amd64) kubernetes/abcdef0/system:serviceaccount:kube-system:replicaset-controller',
};

/**
 * The audit backend: for each admitted (or rejected) write, the two stages kube-apiserver logs for it
 * (RequestReceived, then ResponseComplete with the admission annotations), buffered until the webhook
 * backend sends them as one EventList.
 */
export class AuditLog {
  private buffer: AuditEvent[] = [];
  readonly recorded: RecordedEvent[] = [];
  /** Cases produced so far, newest last (bounded; tests and the demo read it). */
  private readonly recordedLimit = 5000;

  constructor(
    private readonly clock: SimClock,
    private readonly random: SeededRandom,
    private readonly gitVersion: string,
  ) {}

  get pending(): number {
    return this.buffer.length;
  }

  /** Takes up to `max` buffered events, oldest first. */
  drain(max = Number.POSITIVE_INFINITY): AuditEvent[] {
    return this.buffer.splice(0, Math.min(max, this.buffer.length));
  }

  record(request: AdmissionRequest, outcome: AdmissionOutcome, auditCase: AuditCase): RecordedEvent {
    const type = resourceType(request.resource);
    const base = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
    const collection = `${base}/namespaces/${request.namespace}/${type.resource}`;
    const named = request.verb !== 'create' || request.subresource;
    const isController = request.user.username.startsWith('system:serviceaccount:kube-system:');
    let requestURI = named ? `${collection}/${request.name}${request.subresource ? `/${request.subresource}` : ''}` : collection;
    const query: string[] = [];
    if (request.dryRun) query.push('dryRun=All');
    if (!isController) query.push('fieldManager=kubectl-client-side-apply', 'fieldValidation=Strict');
    if (query.length) requestURI += `?${query.join('&')}`;

    const received = this.clock.isoMicros();
    const completed = this.clock.isoMicros(this.random.int(900, 45_000));
    const level: AuditEvent['level'] = request.resource === 'pods' ? 'Request' : 'Metadata';
    const common = {
      kind: 'Event' as const,
      apiVersion: 'audit.k8s.io/v1' as const,
      level,
      auditID: this.random.uuid(),
      requestURI,
      verb: request.verb,
      user: request.user,
      ...(request.impersonatedUser ? { impersonatedUser: request.impersonatedUser } : {}),
      sourceIPs: [isController ? '10.0.0.10' : `192.168.${this.random.int(0, 3)}.${this.random.int(2, 254)}`],
      userAgent: isController
        ? (USER_AGENTS['kube-system']!.replace('replicaset-controller', request.user.username.split(':').pop()!).replace('v1.31.4', this.gitVersion))
        : request.user.username.startsWith('system:serviceaccount:argocd') ? 'argocd-application-controller/v2.13.1 (linux/amd64)' : 'kubectl/v1.35.0 (linux/amd64) kubernetes/66452049f3d',
      requestReceivedTimestamp: received,
    };
    const objectRef = {
      resource: type.resource,
      namespace: request.namespace,
      ...(named ? { name: request.name } : {}),
      ...(type.group ? { apiGroup: type.group } : {}),
      apiVersion: type.version,
      ...(request.subresource ? { subresource: request.subresource } : {}),
    };
    const receivedEvent: AuditEvent = { ...common, stage: 'RequestReceived', objectRef, stageTimestamp: received };
    const code = outcome.allowed ? (request.verb === 'create' ? 201 : 200) : 403;
    const completeEvent: AuditEvent = {
      ...common,
      stage: 'ResponseComplete',
      objectRef: { ...objectRef, name: request.name },
      responseStatus: outcome.allowed
        ? { metadata: {}, code }
        : { metadata: {}, status: 'Failure', message: outcome.forbiddenMessage ?? 'forbidden', reason: 'Forbidden', code },
      ...(level === 'Request' ? { requestObject: request.object } : {}),
      stageTimestamp: completed,
      annotations: {
        'authorization.k8s.io/decision': 'allow',
        'authorization.k8s.io/reason': isController
          ? `RBAC: allowed by ClusterRoleBinding "system:controller:${request.user.username.split(':').pop()}" of ClusterRole "system:controller:${request.user.username.split(':').pop()}" to ServiceAccount "${request.user.username.split(':').pop()}/kube-system"`
          : `RBAC: allowed by RoleBinding "deployers/${request.namespace}" of ClusterRole "edit" to User "${request.user.username}"`,
        ...outcome.annotations,
      },
    };
    this.buffer.push(receivedEvent, completeEvent);
    const entry: RecordedEvent = { case: auditCase, events: [receivedEvent, completeEvent] };
    this.recorded.push(entry);
    if (this.recorded.length > this.recordedLimit) this.recorded.splice(0, this.recorded.length - this.recordedLimit);
    return entry;
  }

  /** Pushes events made elsewhere (the recorded real annotations) into the same stream. */
  push(events: AuditEvent[], auditCase: AuditCase): void {
    this.buffer.push(...events);
    if (events.length === 2) this.recorded.push({ case: auditCase, events: [events[0]!, events[1]!] });
  }
}

export type { AuditUser };
