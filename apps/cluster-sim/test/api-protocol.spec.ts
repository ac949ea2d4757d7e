/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- Kubernetes JSON read for assertions; the shapes are what the tests check. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startClusterSimulator, type ClusterSimulator } from '../src/index.js';
import { kubeGet, kubeWatch } from './support/kube-http.js';

describe('cluster-sim: the Kubernetes API protocol', () => {
  let sim: ClusterSimulator;

  beforeAll(async () => {
    sim = await startClusterSimulator({ seed: 7, namespaces: 15, pods: 120, startTime: '2026-11-30T00:00:00Z', bookmarkIntervalMs: 100 });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('answers 401 with a Status without the right bearer token', async () => {
    for (const token of [null, 'wrong-token-0123456789']) {
      const res = await kubeGet(sim, '/api/v1/pods', {}, token);
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    }
  });

  it('serves /version with the configured gitVersion', async () => {
    const res = await kubeGet(sim, '/version');
    expect(res.json()).toMatchObject({ major: '1', minor: '31', gitVersion: 'v1.31.4' });
  });

  it('serves legacy discovery: APIVersions, APIGroupList and APIResourceLists for every served kind', async () => {
    expect((await kubeGet(sim, '/api')).json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await kubeGet(sim, '/apis')).json();
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((g: any) => g.name)).toEqual(['apps', 'batch']);
    const core = (await kubeGet(sim, '/api/v1')).json();
    const apps = (await kubeGet(sim, '/apis/apps/v1')).json();
    const batch = (await kubeGet(sim, '/apis/batch/v1')).json();
    const names = (list: any) => list.resources.filter((r: any) => !r.name.includes('/')).map((r: any) => r.name);
    expect(names(core)).toEqual(['namespaces', 'pods', 'replicationcontrollers']);
    expect(names(apps)).toEqual(['daemonsets', 'deployments', 'replicasets', 'statefulsets']);
    expect(names(batch)).toEqual(['cronjobs', 'jobs']);
    expect(core.resources.find((r: any) => r.name === 'pods')).toMatchObject({ kind: 'Pod', namespaced: true, shortNames: ['po'] });
    expect((await kubeGet(sim, '/apis/apps')).json()).toMatchObject({ kind: 'APIGroup', name: 'apps' });
  });

  it('serves aggregated discovery v2 when asked for it, and plain discovery otherwise', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const apis = await kubeGet(sim, '/apis', { Accept: accept });
    expect(apis.contentType).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const body = apis.json();
    expect(body).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    const deployments = body.items.find((g: any) => g.metadata.name === 'apps').versions[0].resources.find((r: any) => r.resource === 'deployments');
    expect(deployments).toMatchObject({ scope: 'Namespaced', singularResource: 'deployment', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' } });
    const api = (await kubeGet(sim, '/api', { Accept: accept })).json();
    expect(api.items[0].versions[0].resources.map((r: any) => r.resource)).toEqual(['namespaces', 'pods', 'replicationcontrollers']);
    // v2beta1 alone is not served: the client falls back to the legacy documents.
    const beta = await kubeGet(sim, '/apis', { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json' });
    expect(beta.json().kind).toBe('APIGroupList');
  });

  it('lists cluster-wide and per namespace, without kind/apiVersion on items, with the list resourceVersion', async () => {
    const all = (await kubeGet(sim, '/api/v1/pods')).json();
    expect(all.kind).toBe('PodList');
    expect(all.items).toHaveLength(sim.snapshot().counts.pods);
    expect(all.items[0].kind).toBeUndefined();
    expect(all.metadata.resourceVersion).toBe(sim.snapshot().resourceVersion);
    const ns = (await kubeGet(sim, '/apis/apps/v1/namespaces/kube-system/daemonsets')).json();
    expect(ns.items.map((d: any) => d.metadata.name).sort()).toEqual(['cilium', 'kube-proxy']);
    const one = (await kubeGet(sim, '/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy')).json();
    expect(one).toMatchObject({ kind: 'DaemonSet', apiVersion: 'apps/v1', metadata: { name: 'kube-proxy', namespace: 'kube-system' } });
    const missing = await kubeGet(sim, '/apis/apps/v1/namespaces/kube-system/daemonsets/nope');
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ reason: 'NotFound', message: 'daemonsets.apps "nope" not found' });
    expect((await kubeGet(sim, '/api/v1/namespaces/kube-system')).json().metadata.labels['kubernetes.io/metadata.name']).toBe('kube-system');
    expect((await kubeGet(sim, '/apis/apps/v1/widgets')).status).toBe(404);
  });

  it('pages with limit/continue over every item exactly once, and expires a continue token after compaction', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    let firstRv: string | undefined;
    do {
      const page = (await kubeGet(sim, `/api/v1/pods?limit=25${token ? `&continue=${encodeURIComponent(token)}` : ''}`)).json();
      firstRv ??= page.metadata.resourceVersion;
      expect(page.metadata.resourceVersion).toBe(firstRv);
      seen.push(...page.items.map((p: any) => `${p.metadata.namespace}/${p.metadata.name}`));
      token = page.metadata.continue;
      if (token) expect(page.metadata.remainingItemCount).toBeGreaterThan(0);
      pages += 1;
    } while (token);
    expect(pages).toBe(Math.ceil(sim.snapshot().counts.pods / 25));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(sim.snapshot().counts.pods);

    const first = (await kubeGet(sim, '/api/v1/pods?limit=5')).json();
    sim.expireResourceVersions();
    const expired = await kubeGet(sim, `/api/v1/pods?limit=5&continue=${encodeURIComponent(first.metadata.continue)}`);
    expect(expired.status).toBe(410);
    expect(expired.json()).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
  });

  it('rejects malformed query parameters with 400, naming the parameter', async () => {
    for (const [query, needle] of [['limit=-1', 'limit'], ['resourceVersion=abc', 'resourceVersion'], ['continue=zzz', 'continue'], ['watch=maybe', 'watch'], ['fieldSelector=spec.nodeName%3Dx', 'spec.nodeName'], ['labelSelector=a%20in%20(b)', 'labelSelector']] as const) {
      const res = await kubeGet(sim, `/api/v1/pods?${query}`);
      expect(res.status).toBe(400);
      expect(res.json().message).toContain(needle);
    }
  });

  it('filters with equality label selectors and metadata field selectors', async () => {
    const proxies = (await kubeGet(sim, '/api/v1/pods?labelSelector=k8s-app%3Dkube-proxy')).json();
    expect(proxies.items.length).toBe(sim.snapshot().objects.pods.filter((p) => p.metadata.labels?.['k8s-app'] === 'kube-proxy').length);
    expect(proxies.items.length).toBeGreaterThan(0);
    const byName = (await kubeGet(sim, '/api/v1/namespaces?fieldSelector=metadata.name%3Dmonitoring')).json();
    expect(byName.items.map((n: any) => n.metadata.name)).toEqual(['monitoring']);
  });

  it('streams a watch: headers at once, initial ADDED events, then changes, and BOOKMARKs when allowed', async () => {
    const rv = sim.snapshot().resourceVersion;
    const pending = kubeWatch(sim, `/api/v1/pods?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true`, (events) =>
      events.some((e) => e.type === 'BOOKMARK') && events.some((e) => e.type === 'ADDED' || e.type === 'MODIFIED'),
    );
    await new Promise((r) => setTimeout(r, 50));
    sim.churnNow(5);
    const { events } = await pending;
    const bookmark = events.find((e) => e.type === 'BOOKMARK')!;
    expect(bookmark.object).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });
    expect(Number(bookmark.object.metadata.resourceVersion)).toBeGreaterThan(Number(rv));
    const change = events.find((e) => e.type !== 'BOOKMARK')!;
    expect(change.object.kind).toBe('Pod');
    expect(Number(change.object.metadata.resourceVersion)).toBeGreaterThan(Number(rv));

    const initial = await kubeWatch(sim, '/apis/apps/v1/namespaces/kube-system/daemonsets?watch=true', (e) => e.length >= 2);
    expect(initial.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED cilium', 'ADDED kube-proxy']);
    expect(initial.headersAt).toBeGreaterThan(0);
  });

  it('answers a watch from a compacted resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const old = sim.snapshot().resourceVersion;
    sim.churnNow(3);
    sim.expireResourceVersions();
    const { events, endedByServer } = await kubeWatch(sim, `/api/v1/pods?watch=1&resourceVersion=${old}`, () => false);
    expect(endedByServer).toBe(true);
    expect(events).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', reason: 'Expired', code: 410 }) }]);
    expect(events[0]!.object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('ends open watches on cutWatches() and with 410 on expireResourceVersions()', async () => {
    const rv = sim.snapshot().resourceVersion;
    const cut = kubeWatch(sim, `/api/v1/pods?watch=1&resourceVersion=${rv}`, () => false);
    await new Promise((r) => setTimeout(r, 100));
    expect(sim.cutWatches('graceful')).toBeGreaterThanOrEqual(1);
    expect((await cut).endedByServer).toBe(true);

    const expiring = kubeWatch(sim, `/api/v1/pods?watch=1&resourceVersion=${sim.snapshot().resourceVersion}`, () => false);
    await new Promise((r) => setTimeout(r, 100));
    sim.expireResourceVersions();
    const { events, endedByServer } = await expiring;
    expect(endedByServer).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
  });

  it('is read-only: writes answer 405', async () => {
    const { request } = await import('node:https');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL('/api/v1/namespaces/default/pods', sim.url), { method: 'POST', ca: sim.caCert, headers: { Authorization: `Bearer ${sim.token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(405);
  });
});
