import { randomUUID } from 'node:crypto';

import pg from 'pg';

import { generatedNamespaces, resyncChunks, type ClusterModel } from './agent-cluster.js';
import { ApiClient, createTenant, until, type Tenant } from './pipeline.js';

// What the fault tests share: a cluster large enough that its jobs run for a while (so a fault can land in the
// middle of one), sent through the API the way an agent sends it, and a probe of how far the worker got.

/** 1,600 workloads and 4,800 pods in 400 namespaces: its evaluation job takes many chunks. */
export const FAULT_CLUSTER: ClusterModel = { kubernetesVersion: 'v1.31.2', namespaces: generatedNamespaces(400, 4, 3) };

/** A new tenant in the database behind `apiUrl`, with the heartbeat and the whole resync sent over HTTP. */
export async function ingestFaultCluster(apiUrl: string, databaseUrl: string, cluster: ClusterModel = FAULT_CLUSTER): Promise<Tenant> {
  const tenant = await createTenant(databaseUrl);
  const client = new ApiClient(apiUrl, tenant);
  await client.ingest('heartbeat', {
    agentVersion: '1.0.0',
    kubernetesVersion: cluster.kubernetesVersion,
    counts: { namespaces: cluster.namespaces.length, workloads: 0, pods: 0 },
    startedAt: new Date().toISOString(),
    auditSource: 'webhook',
  });
  for (const chunk of resyncChunks(cluster, randomUUID(), 50)) await client.ingest('inventory/resync', chunk);
  return tenant;
}

/** The organization's inventory marks left for the worker (namespaces and workloads) and findings written so far. */
export async function orgProgress(databaseUrl: string, orgId: string): Promise<{ workloadMarks: number; namespaceMarks: number; findings: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ workload_marks: number; namespace_marks: number; findings: number }>(
      `SELECT (SELECT count(*) FROM inventory_marks WHERE org_id = $1 AND subject = 'workload')::int AS workload_marks,
              (SELECT count(*) FROM inventory_marks WHERE org_id = $1 AND subject = 'namespace')::int AS namespace_marks,
              (SELECT count(*) FROM findings WHERE org_id = $1)::int AS findings`,
      [orgId],
    );
    return { workloadMarks: rows[0]!.workload_marks, namespaceMarks: rows[0]!.namespace_marks, findings: rows[0]!.findings };
  } finally {
    await client.end();
  }
}

/**
 * Waits until the worker is part-way through the organization's evaluation job: some findings committed, workload
 * marks still left. That is the moment a fault must hit to prove a retried job finishes what the first left.
 */
export async function midEvaluation(databaseUrl: string, orgId: string): Promise<{ workloadMarks: number; findings: number }> {
  return until(
    'the worker to be part-way through the evaluation',
    async () => {
      const progress = await orgProgress(databaseUrl, orgId);
      if (progress.workloadMarks === 0 && progress.findings > 0) throw new Error('the job finished before the fault could hit it: make the cluster larger');
      return progress.findings > 0 && progress.workloadMarks > 0 ? progress : undefined;
    },
    30_000,
    10,
  );
}
