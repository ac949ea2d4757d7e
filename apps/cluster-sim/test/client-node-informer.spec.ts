import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppsV1Api, CoreV1Api, KubeConfig, makeInformer, Watch, type V1Pod } from '@kubernetes/client-node';

import { startClusterSimulator, type ClusterSimulator } from '../src/index.js';

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const key = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace}/${o.metadata?.name}`;

// @kubernetes/client-node 2.x (what the agent uses) against the simulator: informers list, then watch;
// they must survive cut streams (resume from their resourceVersion) and 410 Gone (relist).
describe('cluster-sim: @kubernetes/client-node informers', () => {
  let sim: ClusterSimulator;
  let kc: KubeConfig;

  beforeAll(async () => {
    sim = await startClusterSimulator({ seed: 11, namespaces: 18, pods: 200, startTime: '2026-11-30T00:00:00Z', bookmarkIntervalMs: 100, stepIntervalMs: 1000 });
    kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('lists with paging through the typed API', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const first = await core.listPodForAllNamespaces({ limit: 50 });
    expect(first.items).toHaveLength(50);
    const rest = await core.listPodForAllNamespaces({ limit: 1000, _continue: first.metadata!._continue! });
    expect(first.items.length + rest.items.length).toBe(sim.snapshot().counts.pods);
    const apps = kc.makeApiClient(AppsV1Api);
    const deployments = await apps.listDeploymentForAllNamespaces();
    expect(deployments.items.length).toBe(sim.snapshot().counts.deployments);
  });

  it('keeps an informer cache equal to the cluster through scenarios, a cut stream and 410 Gone', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1Pod>(kc, '/api/v1/pods', () => core.listPodForAllNamespaces());
    const errors: unknown[] = [];
    let adds = 0;
    let deletes = 0;
    informer.on('add', () => adds++);
    informer.on('delete', () => deletes++);
    let stopped = false;
    informer.on('error', (error) => {
      errors.push(error);
      // The pattern the agent uses: a failed watch is restarted from the informer's last resourceVersion
      // (never after stop(): a restarted informer would keep jest from exiting).
      setTimeout(() => {
        if (!stopped) void informer.start();
      }, 50);
    });
    const cacheMatches = () => {
      const cached = informer.list().map(key).sort();
      const actual = sim.snapshot().objects.pods.map(key).sort();
      return cached.length === actual.length && cached.every((k, i) => k === actual[i]);
    };
    try {
      await informer.start();
      await waitFor('initial list', cacheMatches);
      expect(adds).toBe(sim.snapshot().counts.pods);
      const listsAfterStart = sim.stats().lists;

      // Scenario steps roll Deployments out: pods go and come.
      const { changes } = await sim.advance(5000);
      expect(changes.some((c) => c.kind === 'fix' || c.kind === 'regression' || c.kind === 'cronjob-run')).toBe(true);
      await waitFor('scenario changes', cacheMatches);
      expect(deletes + adds).toBeGreaterThan(sim.snapshot().counts.pods);

      // A graceful end (server timeout): client-node resumes from its resourceVersion, without a relist,
      // and receives what changed while it was away.
      await waitFor('watch open', () => sim.stats().openWatches === 1);
      sim.cutWatches('graceful');
      sim.churnNow(40);
      await sim.step();
      await waitFor('resume after graceful cut', () => cacheMatches() && sim.stats().openWatches === 1);
      expect(sim.stats().lists).toBe(listsAfterStart);

      // An abrupt cut: the informer reports an error and is restarted from its resourceVersion.
      sim.cutWatches('abrupt');
      sim.churnNow(40);
      await waitFor('error reported', () => errors.length > 0);
      await waitFor('resume after abrupt cut', () => cacheMatches() && sim.stats().openWatches === 1);
      expect(sim.stats().lists).toBe(listsAfterStart);

      // 410 Gone: the informer relists.
      sim.expireResourceVersions();
      await sim.step();
      await waitFor('relist after 410', () => sim.stats().lists > listsAfterStart && cacheMatches() && sim.stats().openWatches === 1);
      expect(sim.stats().expiredResponses).toBeGreaterThan(0);
    } finally {
      stopped = true;
      await informer.stop();
    }
  }, 30_000);

  it('delivers BOOKMARK events to a watch that allows them', async () => {
    const watch = new Watch(kc);
    const phases: string[] = [];
    let bookmarkRv = '';
    const controller = await watch.watch(
      '/api/v1/namespaces',
      { allowWatchBookmarks: true, resourceVersion: sim.snapshot().resourceVersion },
      (phase: string, object: { metadata?: { resourceVersion?: string } }) => {
        phases.push(phase);
        if (phase === 'BOOKMARK') bookmarkRv = object.metadata?.resourceVersion ?? '';
      },
      () => {},
    );
    try {
      await waitFor('a bookmark', () => phases.includes('BOOKMARK'));
      expect(Number(bookmarkRv)).toBeGreaterThanOrEqual(Number(sim.snapshot().resourceVersion) - 1000);
    } finally {
      controller.abort();
    }
  });
});
