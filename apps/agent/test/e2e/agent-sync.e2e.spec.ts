import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';

import type { Agent } from '../../src/agent.js';
import { createAgent } from '../support/agent-harness.js';
import { PATHS, deployment, namespace, pod, seedCluster } from '../support/cluster-fixtures.js';
import { apiMatchesCluster, clusterInventory, storedInventory } from '../support/cluster-state.js';
import { FakeKubeApiServer } from '../support/fake-kube-apiserver.js';
import { until } from '../support/manual-clock.js';
import { RatchetApiProcess } from '../support/ratchet-api.process.js';
import type { RegisteredCluster } from '../support/ratchet-api.process.js';

// The API and agents run as real processes on a shared, loaded machine: allow them time, not the logic.
jest.setTimeout(120_000);

describe('agent against a Kubernetes API server and the real Ratchet API', () => {
  let api: RatchetApiProcess;
  let kube: FakeKubeApiServer;
  let cluster: RegisteredCluster;
  let agent: Agent;

  beforeAll(async () => {
    api = new RatchetApiProcess();
    await api.start();
  });
  afterAll(async () => {
    await api.stop();
  });
  afterEach(async () => {
    await agent?.stop(1000);
    await kube?.stop();
  });

  async function start() {
    kube = new FakeKubeApiServer();
    await kube.start();
    cluster = await api.registerCluster(`c-${Math.random().toString(36).slice(2, 8)}`);
    ({ agent } = await createAgent({ kube, apiUrl: api.url, token: cluster.agentToken }));
    await agent.start();
  }

  const stored = () => storedInventory(api, cluster.clusterId);
  const expected = () => clusterInventory(kube);
  const matchesCluster = () => apiMatchesCluster(api, cluster.clusterId, kube);

  it('after the first sync the API holds exactly the cluster: namespaces, workloads with their kinds, pods with their workloads', async () => {
    kube = new FakeKubeApiServer();
    await kube.start();
    const seeded = seedCluster(kube);
    cluster = await api.registerCluster('sync-cluster');
    ({ agent } = await createAgent({ kube, apiUrl: api.url, token: cluster.agentToken }));
    await agent.start();

    await until(matchesCluster, { what: 'the API to hold the cluster' });
    const have = await stored();
    // Kinds as Kubernetes has them, Pod for the bare pod.
    const kindOf = new Map(have.workloads.map((w) => [w.uid, w.kind]));
    for (const want of expected().workloads) expect(kindOf.get(want.uid)).toBe(want.kind);
    // Pod → ReplicaSet → Deployment, Job → CronJob; a bare pod is its own workload.
    const workloadOf = new Map(have.pods.map((p) => [p.uid, p.workload_uid]));
    expect(seeded.web.pods.map((p) => workloadOf.get(p.metadata.uid))).toEqual(seeded.web.pods.map(() => seeded.web.deploy.metadata.uid));
    expect(workloadOf.get(seeded.report.pod.metadata.uid)).toBe(seeded.report.cron.metadata.uid);
    expect(workloadOf.get(seeded.debug.metadata.uid)).toBe(seeded.debug.metadata.uid);
    const deploy = have.workloads.find((w) => w.uid === seeded.web.deploy.metadata.uid)!;
    expect({ podCount: deploy.pod_count, replicas: deploy.replicas }).toEqual({ podCount: 3, replicas: 3 });
    expect(have.ns.find((n) => n.name === 'payments')?.enforce_level).toBe('baseline');
    // Listed in pages of 4: more than one request per resource with pods.
    expect(kube.requests.filter((r) => r.startsWith(`GET ${PATHS.pods}?`) && r.includes('continue=')).length).toBeGreaterThan(0);
    // Nothing but the projection left the cluster: the env var and command are in no stored projection.
    const projections = await api.query<{ content: string }>('SELECT projection::text AS content FROM security_projections');
    expect(projections.length).toBeGreaterThan(0);
    expect(projections.some((p) => p.content.includes('hunter2') || p.content.includes('secret-command'))).toBe(false);
    // The heartbeat reached the API.
    await until(async () => (await api.query('SELECT 1 FROM clusters WHERE id = $1 AND last_seen_at IS NOT NULL', [cluster.clusterId])).length === 1, {
      what: 'the heartbeat',
    });
    await until(() => agent.synced);
  });

  it('sends changes as coalesced deltas, and deletions propagate', async () => {
    await start();
    namespace(kube, 'shop');
    await until(matchesCluster, { what: 'the first sync' });
    const before = Number((await agent.metrics.batchesSent.get()).values.find((v) => v.labels.kind === 'delta')?.value ?? 0);

    // A rollout of 120 pods arrives as a burst of watch events: it must be a few batches, not 120.
    const rollout = deployment(kube, 'shop', 'checkout', 120);
    const lone = pod(kube, 'shop', 'lone');
    await until(matchesCluster, { what: 'the rollout' });
    const deltas = Number((await agent.metrics.batchesSent.get()).values.find((v) => v.labels.kind === 'delta' && v.labels.result === 'accepted')?.value ?? 0) - before;
    expect(deltas).toBeGreaterThanOrEqual(1);
    expect(deltas).toBeLessThanOrEqual(5);

    // Deletions: a pod, then a whole deployment with its replica set and pods, then a namespace label change.
    kube.delete(PATHS.pods, lone.metadata.uid);
    for (const p of rollout.pods) kube.delete(PATHS.pods, p.metadata.uid);
    kube.delete(PATHS.replicasets, rollout.rs.metadata.uid);
    kube.delete(PATHS.deployments, rollout.deploy.metadata.uid);
    namespace(kube, 'shop', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    await until(matchesCluster, { what: 'the deletions' });
    const deleted = await api.query('SELECT 1 FROM workloads WHERE uid = $1 AND deleted_at IS NOT NULL', [rollout.deploy.metadata.uid]);
    expect(deleted).toHaveLength(1);
    await until(async () => (await stored()).ns.find((n) => n.name === 'shop')?.enforce_level === 'restricted', { what: 'the label change' });
  });

  it('resumes a cut watch from its resourceVersion without listing again, and lists again after 410 Gone', async () => {
    await start();
    namespace(kube, 'ops');
    await until(matchesCluster, { what: 'the first sync' });
    const podLists = kube.listCount(PATHS.pods);

    kube.cutWatches();
    const afterCut = pod(kube, 'ops', 'after-cut');
    await until(matchesCluster, { what: 'the change made while the watch was cut' });
    expect(kube.listCount(PATHS.pods)).toBe(podLists);

    // History compacted while the agent was away: its resourceVersion is gone, only a new list can catch up,
    // including a deletion it never saw as an event.
    await until(() => kube.watcherCount === 9, { what: 'the watches to reopen' });
    kube.cutWatches();
    kube.delete(PATHS.pods, afterCut.metadata.uid);
    pod(kube, 'ops', 'after-gone');
    kube.compact();
    await until(matchesCluster, { what: 'the relist after 410' });
    expect(kube.listCount(PATHS.pods)).toBeGreaterThan(podLists);
    const relists = (await agent.metrics.relists.get()).values.filter((v) => v.labels.reason === 'gone');
    expect(relists.length).toBeGreaterThan(0);
  });
});
