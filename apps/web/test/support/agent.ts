import { createHash, randomUUID } from 'node:crypto';

// An agent as the API sees it, speaking the published ingest contract over HTTP through the web app's origin.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// The projection hash as the contract documents it (ProjectionHash in libs/contracts): sha256 of the canonical
// JSON (keys sorted at every level, no whitespace) of { annotations, spec }.
function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key]!)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export const PROJECTIONS = {
  hardened: {
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', image: 'app:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
  },
  hostNetwork: { metadata: {}, spec: { hostNetwork: true, containers: [{ name: 'agent', image: 'agent:1' }] } },
  plain: { metadata: {}, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
} as const;
export type ProjectionName = keyof typeof PROJECTIONS;

export function hashOf(name: ProjectionName): string {
  const projection = PROJECTIONS[name] as unknown as { metadata: { annotations?: Json }; spec: Json };
  return createHash('sha256')
    .update(canonical({ annotations: projection.metadata.annotations ?? {}, spec: projection.spec }))
    .digest('hex');
}

export interface NamespaceSeed {
  name: string;
  labels: Record<string, string>;
  workloads: { name: string; template: ProjectionName; pods: number }[];
}

async function post(url: string, token: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

/** One full resync of `namespaces` in as many 5,000-object chunks as needed, then a heartbeat naming `auditSource`. */
export async function ingestCluster(origin: string, token: string, namespaces: NamespaceSeed[], auditSource: 'webhook' | 'file' | 'none' = 'webhook'): Promise<void> {
  const objects: { kind: 'namespaces' | 'workloads' | 'pods'; value: unknown }[] = [];
  for (const namespace of namespaces) {
    objects.push({ kind: 'namespaces', value: { uid: randomUUID(), name: namespace.name, labels: namespace.labels, createdAt: '2026-06-01T00:00:00.000Z' } });
    for (const workload of namespace.workloads) {
      const uid = randomUUID();
      objects.push({
        kind: 'workloads',
        value: { uid, kind: 'Deployment', namespace: namespace.name, name: workload.name, ownerChain: [], replicas: workload.pods, podCount: workload.pods, projectionHash: hashOf(workload.template) },
      });
      for (let index = 0; index < workload.pods; index += 1) {
        objects.push({
          kind: 'pods',
          value: { uid: randomUUID(), namespace: namespace.name, name: `${workload.name}-${index}`, workloadUid: uid, projectionHash: hashOf(workload.template), phase: 'Running' },
        });
      }
    }
  }
  const chunkSize = 2000; // INGEST_LIMITS.inventoryObjects
  const totalChunks = Math.max(1, Math.ceil(objects.length / chunkSize));
  const syncId = randomUUID();
  // Only projections the batch refers to: the API refuses one no object uses.
  const used = new Set(namespaces.flatMap((namespace) => namespace.workloads.map((workload) => workload.template)));
  const projections = Object.fromEntries([...used].map((name) => [hashOf(name), PROJECTIONS[name]]));
  for (let chunk = 1; chunk <= totalChunks; chunk += 1) {
    const slice = objects.slice((chunk - 1) * chunkSize, chunk * chunkSize);
    await post(`${origin}/api/v1/ingest/inventory/resync`, token, {
      syncId,
      chunk,
      totalChunks,
      namespaces: slice.filter((o) => o.kind === 'namespaces').map((o) => o.value),
      workloads: slice.filter((o) => o.kind === 'workloads').map((o) => o.value),
      pods: slice.filter((o) => o.kind === 'pods').map((o) => o.value),
      ...(chunk === 1 ? { projections } : { knownProjectionHashes: Object.keys(projections) }),
    });
  }
  const counts = { namespaces: namespaces.length, workloads: objects.filter((o) => o.kind === 'workloads').length, pods: objects.filter((o) => o.kind === 'pods').length };
  await post(`${origin}/api/v1/ingest/heartbeat`, token, { agentVersion: '0.1.0', kubernetesVersion: 'v1.33.2', counts, startedAt: new Date().toISOString(), auditSource });
}

/** One audit-mode violation of baseline in `namespace`, by `username`, as the agent forwards it. */
export async function ingestAuditViolation(origin: string, token: string, namespace: string, username: string): Promise<void> {
  await post(`${origin}/api/v1/ingest/audit-events`, token, {
    events: [
      {
        auditId: randomUUID(),
        stage: 'ResponseComplete',
        time: new Date(Date.now() - 60_000).toISOString(),
        verb: 'create',
        user: { username, groups: ['system:authenticated'] },
        objectRef: { resource: 'pods', namespace, name: 'debug-shell' },
        namespace,
        annotations: { auditViolations: 'would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true)', enforcePolicy: 'privileged:latest' },
        responseCode: 201,
      },
    ],
  });
}
