import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import getPort from 'get-port';

import { kubeBinary } from '../../../../scripts/kube-binaries.js';
import { tempDir } from './agent-harness.js';
import type { RatchetApiProcess } from './ratchet-api.process.js';
import { storedInventory } from './cluster-state.js';

const run = promisify(execFile);
// Apps never import each other: the agent's tests run the simulator the way an operator does, its built binary.
const SIM_MAIN = fileURLToPath(new URL('../../../cluster-sim/dist/main.js', import.meta.url));
const RESOURCES = 'namespaces,pods,deployments,replicasets,statefulsets,daemonsets,jobs,cronjobs,replicationcontrollers';
const CONTROLLER_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController']);

interface ListedObject {
  kind: string;
  metadata: { uid: string; name: string; namespace?: string; resourceVersion: string; ownerReferences?: { uid: string }[] };
}

/** The cluster as the simulator serves it, in the shape `storedInventory` reads from the API's database. */
export interface ServedInventory {
  ns: { uid: string; name: string }[];
  workloads: { uid: string; kind: string }[];
  pods: { uid: string }[];
  /** Every object's uid@resourceVersion: two equal fingerprints mean nothing changed in between. */
  fingerprint: string;
}

/**
 * `node apps/cluster-sim/dist/main.js` as a child process on a free port, writing its kubeconfig to a temp dir,
 * read back through the real kubectl. Faults go in as signals the simulator's CLI handles: SIGUSR1 cuts every
 * watch, SIGUSR2 expires every resourceVersion (410 Gone).
 */
export class ClusterSimulatorProcess {
  private child: ChildProcess | undefined;
  private output = '';
  kubeconfig = '';

  constructor(private readonly args: string[]) {}

  async start(): Promise<void> {
    if (!existsSync(SIM_MAIN)) throw new Error(`${SIM_MAIN} is missing: run npx nx run @ratchet/cluster-sim:build`);
    this.kubeconfig = join(await tempDir('ratchet-sim'), 'kubeconfig');
    const child = spawn(process.execPath, [SIM_MAIN, '--port', String(await getPort()), '--kubeconfig', this.kubeconfig, ...this.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    const deadline = Date.now() + 20_000;
    while (!this.output.includes('cluster simulator ready')) {
      if (child.exitCode !== null) throw new Error(`cluster simulator exited with ${child.exitCode}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`cluster simulator did not start:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Sends a fault signal and waits for the simulator to say it acted on it. */
  async signal(signal: 'SIGUSR1' | 'SIGUSR2'): Promise<void> {
    const said = signal === 'SIGUSR1' ? 'watches cut' : 'resourceVersions expired';
    const before = this.output.split(said).length;
    this.child!.kill(signal);
    const deadline = Date.now() + 10_000;
    while (this.output.split(said).length === before) {
      if (Date.now() > deadline) throw new Error(`the simulator did not act on ${signal}:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }

  /** What `kubectl --kubeconfig FILE get <every watched resource> -A -o json` lists. */
  async served(): Promise<ServedInventory> {
    const kubectl = await kubeBinary('kubectl');
    const { stdout } = await run(kubectl, ['--kubeconfig', this.kubeconfig, 'get', RESOURCES, '-A', '-o', 'json'], { maxBuffer: 256 * 1024 * 1024 });
    const items = (JSON.parse(stdout) as { items: ListedObject[] }).items;
    const byUid = <T extends { uid: string }>(list: T[]) => list.sort((a, b) => a.uid.localeCompare(b.uid));
    const controllers = items.filter((o) => CONTROLLER_KINDS.has(o.kind));
    const controllerUids = new Set(controllers.map((o) => o.metadata.uid));
    const pods = items.filter((o) => o.kind === 'Pod');
    // A pod no listed controller owns is its own workload, kind Pod, as the agent reports it.
    const bare = pods.filter((p) => !p.metadata.ownerReferences?.some((owner) => controllerUids.has(owner.uid)));
    return {
      ns: byUid(items.filter((o) => o.kind === 'Namespace').map((o) => ({ uid: o.metadata.uid, name: o.metadata.name }))),
      workloads: byUid([...controllers, ...bare].map((o) => ({ uid: o.metadata.uid, kind: o.kind }))),
      pods: byUid(pods.map((o) => ({ uid: o.metadata.uid }))),
      fingerprint: items
        .map((o) => `${o.metadata.uid}@${o.metadata.resourceVersion}`)
        .sort()
        .join(','),
    };
  }
}

/**
 * The served inventory when the API holds exactly it, or undefined. The simulator may evolve meanwhile, so
 * kubectl reads it before and after the database: a match counts only when nothing changed in between.
 */
export async function matchedInventory(api: RatchetApiProcess, clusterId: string, sim: ClusterSimulatorProcess): Promise<ServedInventory | undefined> {
  const before = await sim.served();
  const have = await storedInventory(api, clusterId);
  const after = await sim.served();
  if (before.fingerprint !== after.fingerprint) return undefined;
  const same =
    JSON.stringify(have.ns.map(({ uid, name }) => ({ uid, name }))) === JSON.stringify(after.ns) &&
    JSON.stringify(have.workloads.map(({ uid, kind }) => ({ uid, kind }))) === JSON.stringify(after.workloads) &&
    JSON.stringify(have.pods.map(({ uid }) => ({ uid }))) === JSON.stringify(after.pods);
  return same ? after : undefined;
}
