import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AuditEvent } from './audit/audit-event.types.js';
import { AuditLog, type RecordedEvent } from './audit/audit-log.js';
import { postAuditEvents } from './audit/audit-webhook.client.js';
import { PodSecurityAdmission } from './audit/pod-security-admission.js';
import { ClusterBuilder } from './cluster/cluster-builder.js';
import { generateCluster, nodeNames } from './cluster/generate-cluster.js';
import { SimClock } from './clock/sim-clock.js';
import { SimulatorOptionsSchema, type ResolvedSimulatorOptions, type SimulatorOptions } from './config/simulator-options.js';
import { writeKubeconfig } from './kubeconfig/kubeconfig.writer.js';
import type { PsaConfiguration } from './psa/namespace-policy.js';
import { SeededRandom } from './random/seeded-random.js';
import { ScenarioEngine, type ScenarioChange } from './scenario/scenario-engine.js';
import { KubeApiServer, type ApiServerStats } from './server/api-server.js';
import { generateCertificates } from './tls/certificates.js';
import type { KubeObject } from './store/kube-object.js';
import { ObjectStore } from './store/object-store.js';
import { RESOURCE_TYPES, type ResourceName } from './store/resource-types.js';

/** What `snapshot()` returns: every object, by resource, sorted by namespace/name, and the current resourceVersion. */
export interface ClusterSnapshot {
  resourceVersion: string;
  counts: Record<ResourceName, number>;
  objects: Record<ResourceName, KubeObject[]>;
}

export interface ChurnOptions {
  /** Pod changes per second (status updates, and one in ten a pod replaced by its controller). */
  podsPerSecond: number;
  /** Stop after this long (ms of real time); default: until stopChurn() or stop(). */
  durationMs?: number;
}

/** Result of advance(): the scenario changes made and what went to the audit webhook. */
export interface AdvanceResult {
  steps: number;
  changes: ScenarioChange[];
  auditEventsPosted: number;
}

/** One step of a replayed history: the simulated time it ran at, what changed and the audit events it produced. */
export interface HistoryStep {
  /** The simulated time, ms since the epoch. */
  at: number;
  changes: ScenarioChange[];
  /** What the apiserver audited during the step, oldest first (not sent to the webhook). */
  auditEvents: AuditEvent[];
}

export interface ReplayOptions {
  /** Simulated time between steps, in ms (coarser than stepIntervalMs: a week at 30 s would be 20,160 steps). */
  stepMs: number;
  /** Where history ends, ms since the epoch, read before each step (the demo passes `Date.now`). */
  until: () => number;
  /** Called after each step, awaited before the next one runs. */
  onStep: (step: HistoryStep) => Promise<void>;
}

/** The running simulator: where it is, and the control API tests and the demo drive it with. */
export interface ClusterSimulator {
  /** https://127.0.0.1:<port> */
  url: string;
  kubeconfigPath: string;
  token: string;
  /** PEM of the CA that signed the server certificate (also in the kubeconfig). */
  caCert: string;
  /** The simulated apiserver version, e.g. v1.31.4. */
  apiserverVersion: string;
  /** The PSA AdmissionConfiguration the simulated apiserver runs with. */
  psaConfiguration: PsaConfiguration;
  options: ResolvedSimulatorOptions;
  /** Closes watches and the server, stops timers. */
  stop(): Promise<void>;
  /** Moves the simulated clock forward, running every scenario step that falls due, then flushes audit events. */
  advance(ms: number): Promise<AdvanceResult>;
  /**
   * Replays history from the clock's current time: one scenario step every `stepMs` of simulated time until
   * `until()`, each handed to `onStep` with its audit events; then the clock is moved to `until()` without a step,
   * and scenario steps resume at stepIntervalMs. With the same seed and start time, the same history.
   */
  replay(options: ReplayOptions): Promise<{ steps: number }>;
  /** Starts running scenarios in real time, as `evolve: true` does from the start (e.g. after replay). Idempotent. */
  startEvolving(): void;
  /** Runs exactly one scenario step now (without moving the clock), then flushes audit events. */
  step(): Promise<AdvanceResult>;
  /** Starts real-time pod churn; returns a function that stops it. */
  churn(options: ChurnOptions): () => void;
  /** Applies `count` pod changes at once (churn on the injected clock). */
  churnNow(count: number): void;
  /** Ends every open watch stream: 'abrupt' destroys the connection, 'graceful' ends the response. Returns how many. */
  cutWatches(mode?: 'abrupt' | 'graceful'): number;
  /** Compacts all watch history: open watches end with a 410 Gone ERROR event and every old resourceVersion is too old. */
  expireResourceVersions(): void;
  snapshot(): ClusterSnapshot;
  /** Sends buffered audit events to the webhook now (EventLists of batchMaxSize); returns how many were sent. */
  flushAudit(): Promise<number>;
  /** Audit events produced so far, with the case each illustrates (newest last, bounded). */
  auditRecords(): readonly RecordedEvent[];
  /** Audit events not yet sent (when no webhook is configured they accumulate here; drain them with takeAuditEvents). */
  takeAuditEvents(): AuditEvent[];
  stats(): ApiServerStats & { resourceVersion: number; pods: number; auditPending: number; auditPosted: number; auditPostFailures: number };
}

/**
 * Starts the fake kube-apiserver: generates certificates and the seeded cluster, listens over HTTPS and
 * writes a kubeconfig (server URL, CA, token) for kubectl and the agent.
 *
 * @throws ZodError when an option is invalid (the issue names the field).
 */
export async function startClusterSimulator(input: SimulatorOptions = {}): Promise<ClusterSimulator> {
  const options = SimulatorOptionsSchema.parse(input);
  const apiserverMinor = Number(/^v1\.(\d+)\./.exec(options.apiserverVersion)![1]);
  const startMs = options.startTime ? Date.parse(options.startTime) : Math.floor(Date.now() / 1000) * 1000;
  const clock = new SimClock(startMs);
  const random = new SeededRandom(options.seed);
  const store = new ObjectStore(options.historyLimit);
  const nodes = nodeNames(options.nodes ?? Math.max(3, Math.round(options.pods / 40)));
  const builder = new ClusterBuilder({ store, random, clock, apiserverMinor, nodes });
  generateCluster(builder, random, { namespaces: options.namespaces, pods: options.pods, nodes: nodes.length });
  // A few pods were being debugged when the simulation starts: ephemeral containers exist from the start.
  const running = store.list('pods').filter((p) => (p.status as { phase?: string }).phase === 'Running' && p.metadata.labels?.team === undefined);
  for (let i = 0; i < Math.max(1, Math.floor(running.length / 60)); i++) {
    const pod = random.pick(running);
    builder.addDebugContainer(pod.metadata.namespace!, pod.metadata.name, { username: 'alice@example.com', groups: ['platform-admins', 'system:authenticated'] });
  }

  const audit = new AuditLog(clock, random, options.apiserverVersion);
  const psaConfiguration: PsaConfiguration = options.psa;
  const admission = new PodSecurityAdmission({
    store,
    audit,
    apiserverMinor,
    configuration: psaConfiguration,
    mode: options.psaAdmission,
    webhookName: options.psaWebhookName,
  });
  builder.admission = admission;
  const scenario = new ScenarioEngine({
    store,
    builder,
    admission,
    audit,
    random,
    clock,
    apiserverMinor,
    exemptUser: psaConfiguration.exemptions.usernames[0],
    exemptNamespace: psaConfiguration.exemptions.namespaces[0],
    exemptRuntimeClass: psaConfiguration.exemptions.runtimeClasses[0],
    setAdmissionMode: (mode) => admission.setMode(mode),
  });

  const certificates = await generateCertificates(options.host === '127.0.0.1' || options.host === 'localhost' ? [] : [options.host]);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const api = new KubeApiServer({
    store,
    token,
    gitVersion: options.apiserverVersion,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
    defaultWatchTimeoutSeconds: options.defaultWatchTimeoutSeconds,
  });
  const server: Server = createServer({ cert: certificates.serverCert, key: certificates.serverKey }, api.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `https://${hostForUrl}:${port}`;
  const kubeconfigPath = options.kubeconfigPath ?? join(await mkdtemp(join(tmpdir(), 'ratchet-cluster-sim-')), 'kubeconfig');
  await writeKubeconfig(kubeconfigPath, { server: url, caCert: certificates.caCert, token });

  let auditPosted = 0;
  let auditPostFailures = 0;
  let flushing: Promise<number> | undefined;
  const flushAudit = async (): Promise<number> => {
    const target = options.auditWebhook;
    if (!target) return 0;
    if (flushing) await flushing;
    const run = (async () => {
      let sent = 0;
      while (audit.pending > 0) {
        const batch = audit.drain(target.batchMaxSize);
        try {
          await postAuditEvents(target, batch);
          sent += batch.length;
        } catch (error) {
          auditPostFailures += 1;
          // kube-apiserver's webhook backend retries, then drops the batch; we drop after counting the failure.
          void error;
          break;
        }
      }
      auditPosted += sent;
      return sent;
    })();
    flushing = run;
    try {
      return await run;
    } finally {
      flushing = undefined;
    }
  };

  let nextStepAt = clock.now() + options.stepIntervalMs;
  const advance = async (ms: number): Promise<AdvanceResult> => {
    const target = clock.now() + ms;
    const changes: ScenarioChange[] = [];
    let steps = 0;
    while (nextStepAt <= target) {
      clock.advance(nextStepAt - clock.now());
      changes.push(...scenario.runStep());
      steps += 1;
      nextStepAt += options.stepIntervalMs;
    }
    clock.advance(target - clock.now());
    return { steps, changes, auditEventsPosted: await flushAudit() };
  };

  const churnNow = (count: number) => {
    // One sorted list per call (not per change): churn at thousands of changes a second stays cheap.
    const pods = store.list('pods');
    for (let i = 0; i < count && pods.length; i++) {
      const index = random.int(0, pods.length - 1);
      const pod = store.get('pods', pods[index]!.metadata.namespace, pods[index]!.metadata.name);
      if (!pod) {
        pods.splice(index, 1);
        continue;
      }
      const status = (pod.status ?? {}) as { containerStatuses?: Array<{ restartCount: number }> };
      const owner = pod.metadata.ownerReferences?.[0];
      if (owner?.kind === 'ReplicaSet' && random.chance(0.1)) {
        // The controller replaces a pod: DELETED, then a new pod by generateName (admitted and audited).
        const rs = store.get('replicasets', pod.metadata.namespace, owner.name);
        const template = (rs?.spec as { template?: Parameters<ClusterBuilder['createPod']>[1] } | undefined)?.template;
        store.delete('pods', pod.metadata.namespace, pod.metadata.name);
        if (rs && template) builder.createPod(pod.metadata.namespace!, template, { generateName: `${rs.metadata.name}-`, owner: rs }, { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:authenticated'] });
        continue;
      }
      store.put('pods', {
        ...pod,
        status: { ...status, containerStatuses: (status.containerStatuses ?? []).map((c) => ({ ...c, restartCount: c.restartCount + 1 })) },
      });
    }
  };

  const timers = new Set<NodeJS.Timeout>();
  const churn = ({ podsPerSecond, durationMs }: ChurnOptions) => {
    if (!Number.isFinite(podsPerSecond) || podsPerSecond <= 0) throw new RangeError(`churn: podsPerSecond must be > 0, got ${podsPerSecond}`);
    const tickMs = 100;
    let owed = 0;
    const interval = setInterval(() => {
      owed += (podsPerSecond * tickMs) / 1000;
      const now = Math.floor(owed);
      owed -= now;
      churnNow(now);
    }, tickMs);
    timers.add(interval);
    const stopChurn = () => {
      clearInterval(interval);
      timers.delete(interval);
    };
    if (durationMs !== undefined) {
      const timeout = setTimeout(stopChurn, durationMs);
      timers.add(timeout);
    }
    return stopChurn;
  };

  const replay = async ({ stepMs, until, onStep }: ReplayOptions): Promise<{ steps: number }> => {
    if (!Number.isInteger(stepMs) || stepMs < 1000) throw new RangeError(`replay: stepMs must be an integer >= 1000, got ${stepMs}`);
    let steps = 0;
    while (clock.now() + stepMs <= until()) {
      clock.advance(stepMs);
      const changes = scenario.runStep();
      steps += 1;
      await onStep({ at: clock.now(), changes, auditEvents: audit.drain() });
    }
    clock.advance(Math.max(0, until() - clock.now()));
    nextStepAt = clock.now() + options.stepIntervalMs;
    return { steps };
  };

  let evolving = false;
  const startEvolving = () => {
    if (evolving) return;
    evolving = true;
    let last = Date.now();
    const interval = setInterval(() => {
      const now = Date.now();
      void advance(now - last);
      last = now;
    }, 1000);
    timers.add(interval);
  };
  if (options.evolve) startEvolving();

  return {
    url,
    kubeconfigPath,
    token,
    caCert: certificates.caCert,
    apiserverVersion: options.apiserverVersion,
    psaConfiguration,
    options,
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      api.cutWatches('abrupt');
      // close() waits for every connection to end: drop idle keep-alive sockets too, or it never returns.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    advance,
    replay,
    startEvolving,
    async step() {
      const changes = scenario.runStep();
      return { steps: 1, changes, auditEventsPosted: await flushAudit() };
    },
    churn,
    churnNow,
    cutWatches: (mode = 'abrupt') => api.cutWatches(mode),
    expireResourceVersions: () => store.expireAll(),
    snapshot() {
      const objects = {} as Record<ResourceName, KubeObject[]>;
      const counts = {} as Record<ResourceName, number>;
      for (const type of RESOURCE_TYPES) {
        const resource = type.resource as ResourceName;
        objects[resource] = store.list(resource);
        counts[resource] = objects[resource].length;
      }
      return { resourceVersion: String(store.resourceVersion), counts, objects };
    },
    flushAudit,
    auditRecords: () => audit.recorded,
    takeAuditEvents: () => audit.drain(),
    stats: () => ({ ...api.stats, resourceVersion: store.resourceVersion, pods: store.count('pods'), auditPending: audit.pending, auditPosted, auditPostFailures }),
  };
}
