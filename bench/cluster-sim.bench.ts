// Cluster simulator at benchmark size: generation time, a full `kubectl get pods -A -o json` through
// the real kubectl, and churn throughput. Run: npm run bench:cluster-sim (builds the simulator first).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { startClusterSimulator } from '../apps/cluster-sim/dist/index.js';
import { kubeBinary } from '../scripts/kube-binaries.ts';

const run = promisify(execFile);
const pods = Number(process.argv[2] ?? 10_000);
const namespaces = Number(process.argv[3] ?? 300);

const kubectl = await kubeBinary('kubectl');
let t = performance.now();
const sim = await startClusterSimulator({ seed: 42, pods, namespaces, startTime: '2026-11-30T00:00:00Z' });
const startMs = performance.now() - t;
const { counts } = sim.snapshot();
try {
  t = performance.now();
  const { stdout } = await run(kubectl, ['--kubeconfig', sim.kubeconfigPath, 'get', 'pods', '-A', '-o', 'json'], { maxBuffer: 1024 * 1024 * 1024 });
  const kubectlMs = performance.now() - t;
  const listed = (JSON.parse(stdout) as { items: unknown[] }).items.length;
  t = performance.now();
  sim.churnNow(5000);
  const churnMs = performance.now() - t;
  t = performance.now();
  const { steps } = await sim.advance(10 * 30_000);
  const stepMs = (performance.now() - t) / steps;
  console.log(JSON.stringify({ pods: counts.pods, namespaces: counts.namespaces, deployments: counts.deployments, startMs: Math.round(startMs), kubectlGetAllPodsMs: Math.round(kubectlMs), listed, churnChangesPerSecond: Math.round(5000 / (churnMs / 1000)), scenarioStepMs: Math.round(stepMs) }));
} finally {
  await sim.stop();
}
