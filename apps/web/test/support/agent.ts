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

function projectionNamed(hash: string): ProjectionName {
  const name = (Object.keys(PROJECTIONS) as ProjectionName[]).find((candidate) => hashOf(candidate) === hash);
  if (name === undefined) throw new Error(`no projection hashes to ${hash}`);
  return name;
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

type AuditSource = 'webhook' | 'file' | 'none';

interface ReportedWorkload {
  record: { uid: string; kind: 'Deployment'; namespace: string; name: string; ownerChain: []; replicas: number; podCount: number; projectionHash: string };
  podUids: string[];
  /** Rollouts so far: new pods get new names, as a ReplicaSet's do. */
  revision: number;
}

/**
 * One cluster's agent across batches: it remembers the uids it reported, so a delta can roll a workload out or
 * delete it, and the projections the API has accepted, so a later batch lists their hashes instead of resending
 * them (the contract's rule). `observedAt` (RFC 3339) dates a batch as the agent's observation time; the API takes
 * it as the first-seen, resolved and deleted-at times of what the batch changes (docs/api.md "Observation times").
 */
export class ClusterAgent {
  private readonly accepted = new Set<string>();
  private readonly workloads = new Map<string, ReportedWorkload>();
  private namespaceCount = 0;

  constructor(
    private readonly origin: string,
    private readonly token: string,
  ) {}

  /** Namespaces, workloads and pods as the agent counts them now (what a heartbeat reports). */
  counts(): { namespaces: number; workloads: number; pods: number } {
    const workloads = [...this.workloads.values()];
    return { namespaces: this.namespaceCount, workloads: workloads.length, pods: workloads.reduce((sum, w) => sum + w.podUids.length, 0) };
  }

  /** A heartbeat naming `auditSource`, counting `counts` (default: what the agent reported so far). */
  async heartbeat(auditSource: AuditSource = 'webhook', counts = this.counts()): Promise<void> {
    await post(`${this.origin}/api/v1/ingest/heartbeat`, this.token, { agentVersion: '0.1.0', kubernetesVersion: 'v1.33.2', counts, startedAt: new Date().toISOString(), auditSource });
  }

  /** One full resync of `namespaces` in as many 2,000-object chunks as needed, every chunk observed at `observedAt`. */
  async resync(namespaces: NamespaceSeed[], observedAt?: string): Promise<void> {
    const objects: { kind: 'namespaces' | 'workloads' | 'pods'; value: unknown }[] = [];
    this.workloads.clear();
    this.namespaceCount = namespaces.length;
    for (const namespace of namespaces) {
      objects.push({ kind: 'namespaces', value: { uid: randomUUID(), name: namespace.name, labels: namespace.labels, createdAt: '2026-06-01T00:00:00.000Z' } });
      for (const workload of namespace.workloads) {
        const reported = this.report(namespace.name, workload.name, workload.template, workload.pods, 0);
        objects.push({ kind: 'workloads', value: reported.record });
        for (const pod of this.pods(reported, workload.template)) objects.push({ kind: 'pods', value: pod });
      }
    }
    const chunkSize = 2000; // INGEST_LIMITS.inventoryObjects
    const totalChunks = Math.max(1, Math.ceil(objects.length / chunkSize));
    const syncId = randomUUID();
    for (let chunk = 1; chunk <= totalChunks; chunk += 1) {
      const slice = objects.slice((chunk - 1) * chunkSize, chunk * chunkSize);
      const used = new Set(slice.flatMap((o) => (o.kind === 'namespaces' ? [] : [(o.value as { projectionHash: string }).projectionHash])));
      await post(`${this.origin}/api/v1/ingest/inventory/resync`, this.token, {
        syncId,
        chunk,
        totalChunks,
        namespaces: slice.filter((o) => o.kind === 'namespaces').map((o) => o.value),
        workloads: slice.filter((o) => o.kind === 'workloads').map((o) => o.value),
        pods: slice.filter((o) => o.kind === 'pods').map((o) => o.value),
        ...this.projectionsFor(used),
        ...(observedAt === undefined ? {} : { observedAt }),
      });
    }
  }

  /**
   * A delta observed at `observedAt`: the workload's template changed to `template` and its pods were replaced by
   * as many new ones running it (a rollout). Throws if the workload was not reported by a resync first.
   */
  async rollOut(namespace: string, name: string, template: ProjectionName, observedAt?: string): Promise<void> {
    const previous = this.workloads.get(`${namespace}/${name}`);
    if (!previous) throw new Error(`${namespace}/${name} was never reported`);
    const reported = this.report(namespace, name, template, previous.podUids.length, previous.revision + 1);
    await post(`${this.origin}/api/v1/ingest/inventory/delta`, this.token, {
      upserts: { workloads: [reported.record], pods: this.pods(reported, template) },
      deletes: { pods: previous.podUids },
      ...this.projectionsFor(new Set([hashOf(template)])),
      ...(observedAt === undefined ? {} : { observedAt }),
    });
  }

  // The workload keeps its uid across rollouts; its pods are new ones.
  private report(namespace: string, name: string, template: ProjectionName, pods: number, revision: number): ReportedWorkload {
    const uid = this.workloads.get(`${namespace}/${name}`)?.record.uid ?? randomUUID();
    const record = { uid, kind: 'Deployment' as const, namespace, name, ownerChain: [] as [], replicas: pods, podCount: pods, projectionHash: hashOf(template) };
    const reported = { record, revision, podUids: Array.from({ length: pods }, () => randomUUID()) };
    this.workloads.set(`${namespace}/${name}`, reported);
    return reported;
  }

  private pods(workload: ReportedWorkload, template: ProjectionName): unknown[] {
    const { namespace, name, uid } = workload.record;
    const prefix = workload.revision === 0 ? name : `${name}-r${workload.revision}`;
    return workload.podUids.map((podUid, index) => ({ uid: podUid, namespace, name: `${prefix}-${index}`, workloadUid: uid, projectionHash: hashOf(template), phase: 'Running' }));
  }

  // The projections of `hashes` (exactly those the batch's objects refer to: the API refuses others), carried the
  // first time this agent refers to one, by hash afterwards.
  private projectionsFor(hashes: ReadonlySet<string>): { projections: Record<string, unknown>; knownProjectionHashes: string[] } {
    const projections: Record<string, unknown> = {};
    const knownProjectionHashes: string[] = [];
    for (const hash of hashes) {
      if (this.accepted.has(hash)) knownProjectionHashes.push(hash);
      else projections[hash] = PROJECTIONS[projectionNamed(hash)];
    }
    for (const hash of Object.keys(projections)) this.accepted.add(hash);
    return { projections, knownProjectionHashes };
  }
}

/** One full resync of `namespaces` by a new agent, then a heartbeat naming `auditSource`. */
export async function ingestCluster(origin: string, token: string, namespaces: NamespaceSeed[], auditSource: AuditSource = 'webhook'): Promise<void> {
  const agent = new ClusterAgent(origin, token);
  await agent.resync(namespaces);
  await agent.heartbeat(auditSource);
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
