import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import type { Agent } from '../../src/agent.js';
import { createAgent } from '../support/agent-harness.js';
import { ClusterSimulatorProcess, matchedInventory } from '../support/cluster-simulator.process.js';
import type { ServedInventory } from '../support/cluster-simulator.process.js';
import { until } from '../support/manual-clock.js';
import { RatchetApiProcess } from '../support/ratchet-api.process.js';
import type { RegisteredCluster } from '../support/ratchet-api.process.js';

// Three real processes (API, simulator, kubectl) on a shared, loaded machine: allow them time, not the logic.
jest.setTimeout(180_000);

const counted = async (agent: Agent, metric: 'batchesSent' | 'relists', labels: Record<string, string>) =>
  (await agent.metrics[metric].get()).values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k as never] === l)).reduce((sum, v) => sum + v.value, 0);

/**
 * The agent against the cluster simulator's binary (evolving in real time: a scenario step every 3 s, so rollouts
 * replace pods and CronJobs replace Jobs) and the real API. "Exactly the cluster" is judged against what the real
 * kubectl lists through the simulator's kubeconfig, never against the simulator's own data structures.
 */
describe('agent against the cluster simulator and the real Ratchet API', () => {
  let api: RatchetApiProcess;
  let sim: ClusterSimulatorProcess;
  let cluster: RegisteredCluster;
  let agent: Agent;

  beforeAll(async () => {
    api = new RatchetApiProcess();
    sim = new ClusterSimulatorProcess(['--seed', '11', '--namespaces', '10', '--pods', '120', '--step-interval-ms', '3000', '--evolve']);
    await Promise.all([api.start(), sim.start()]);
    cluster = await api.registerCluster('simulated');
    ({ agent } = await createAgent({ kube: { kubeconfig: sim.kubeconfig }, apiUrl: api.url, token: cluster.agentToken, env: { RATCHET_DELTA_WINDOW_MS: '100' } }));
    await agent.start();
  });
  afterAll(async () => {
    await agent?.stop(1000);
    await sim?.stop();
    await api?.stop();
  });

  /** Waits for a moment when the API holds exactly what kubectl lists, and returns that listing. */
  async function inSync(what: string, accept: (served: ServedInventory) => boolean = () => true): Promise<ServedInventory> {
    let matched: ServedInventory | undefined;
    await until(async () => {
      matched = await matchedInventory(api, cluster.clusterId, sim);
      return matched !== undefined && accept(matched);
    }, { timeoutMs: 60_000, what });
    return matched!;
  }

  it('syncs exactly the simulated cluster, then its changes and deletions as deltas', async () => {
    const first = await inSync('the first sync');
    expect(first.ns.map((n) => n.name)).toEqual(expect.arrayContaining(['kube-system', 'ingress-nginx', 'istio-system', 'monitoring']));
    expect(first.pods.length).toBeGreaterThanOrEqual(100);
    expect(new Set(first.workloads.map((w) => w.kind))).toEqual(new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController', 'Pod']));
    const deltasBefore = await counted(agent, 'batchesSent', { kind: 'delta', result: 'accepted' });

    // The simulator keeps evolving; wait for a later exact match in which pods and workloads of the first are gone.
    const firstPods = new Set(first.pods.map((p) => p.uid));
    const firstWorkloads = new Set(first.workloads.map((w) => w.uid));
    const later = await inSync('a later state with deleted and new pods', (served) => {
      const podUids = new Set(served.pods.map((p) => p.uid));
      return first.pods.some((p) => !podUids.has(p.uid)) && served.pods.some((p) => !firstPods.has(p.uid));
    });
    expect(later.workloads.some((w) => !firstWorkloads.has(w.uid))).toBe(true);
    expect(await counted(agent, 'batchesSent', { kind: 'delta', result: 'accepted' })).toBeGreaterThan(deltasBefore);
    // Deleted pods are gone from the API, not merely stale: the exact match above covers it; say it plainly too.
    const gone = first.pods.filter((p) => !later.pods.some((q) => q.uid === p.uid)).map((p) => p.uid);
    const stillStored = await api.query('SELECT uid FROM pods WHERE cluster_id = $1 AND uid::text = ANY($2)', [cluster.clusterId, gone]);
    expect(stillStored).toHaveLength(0);
  });

  it('resumes cut watches, relists after 410 Gone, and stays exact through both', async () => {
    const start = await inSync('a synced start');
    const goneBefore = await counted(agent, 'relists', { reason: 'gone' });

    await sim.signal('SIGUSR1');
    const afterCut = await inSync('the changes made after the watches were cut', (served) => served.fingerprint !== start.fingerprint);
    expect(afterCut.pods.length).toBeGreaterThan(0);
    expect(await counted(agent, 'relists', { reason: 'gone' })).toBe(goneBefore);

    await sim.signal('SIGUSR2');
    await until(async () => (await counted(agent, 'relists', { reason: 'gone' })) > goneBefore, { timeoutMs: 30_000, what: 'a relist after 410 Gone' });
    await inSync('the relisted cluster');
    expect(agent.synced).toBe(true);
  });
});
