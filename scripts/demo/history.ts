// The demo's week of history, made by the real code paths: the simulated cluster replays the week hour by hour on
// its own clock (cluster-sim `replay`); each hour's changes and audit events are cut into ingest batches by
// @ratchet/collector, exactly as the agent cuts what it watches, stamped with the simulated time (`observedAt`;
// audit events carry their own), and posted to the real ingest API with the cluster's agent token. The real worker
// evaluates each hour before the next is sent (otherwise jobs would collapse and hours would be skipped), and at
// the end the real rollups turn it into trend buckets. The live simulator then continues from the replayed state,
// so the history ends at the live values.
// Erasable TypeScript only: Node runs this file directly (after the build, which is why libraries load lazily).
import { randomUUID } from 'node:crypto';

import type { ClusterSimulator, HistoryStep, PsaConfiguration } from '@ratchet/cluster-sim';
import type { InventoryRecords, KubeObject, OutgoingBatch, PreviousRecords, ProjectionLedger, StrippedObject } from '@ratchet/collector';
import type { ProjectionContent } from '@ratchet/contracts';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';

const HOUR_MS = 3_600_000;

export interface HistoryOptions {
  simulator: ClusterSimulator;
  /** Where the simulator's clock starts (the history's first moment), ms since the epoch. */
  startMs: number;
  /** Simulated time per step (default one hour). */
  stepMs?: number;
  apiUrl: string;
  agentToken: string;
  redisUrl: string;
  /** The version the demo's agent reports (apps/agent/package.json). */
  agentVersion: string;
  psaConfiguration: PsaConfiguration;
  progress: (line: string) => void;
  /** Called once the first hour is ingested and evaluated: every namespace is on the dashboard from then on. */
  onFirstSync?: () => void;
  /** Why to give up now (a child process died), or undefined to go on. */
  aborted?: () => string | undefined;
}

export interface HistorySummary {
  steps: number;
  changes: number;
  batches: number;
  auditEvents: number;
  trendBuckets: { hour: number; day: number };
}

export class HistoryError extends Error {
  override readonly name = 'HistoryError';
}

const RETRIES = 8;

/**
 * Replays the simulator's history from `startMs` to now through the ingest API, the worker and the rollups.
 * Throws HistoryError naming the batch and the API's answer when the API refuses something.
 */
export async function replayHistory(options: HistoryOptions): Promise<HistorySummary> {
  const collector = await import('@ratchet/collector');
  const contracts = await import('@ratchet/contracts');
  const jobsLib = await import('@ratchet/jobs');
  const { simulator, progress } = options;
  const stepMs = options.stepMs ?? HOUR_MS;

  async function post(path: string, body: unknown, what: string): Promise<void> {
    const json = JSON.stringify(body);
    const key = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${options.apiUrl}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${options.agentToken}`, 'Content-Type': 'application/json', [contracts.IDEMPOTENCY_KEY_HEADER]: key },
        body: json,
        signal: AbortSignal.timeout(60_000),
      });
      if (response.ok) return;
      const text = await response.text();
      // The API sheds load with 429/503 and Retry-After; the same key makes the retry safe.
      if ((response.status === 429 || response.status === 503) && attempt < RETRIES) {
        const seconds = Number(response.headers.get('retry-after') ?? '1');
        await new Promise((resolve) => setTimeout(resolve, Math.min(30, Number.isFinite(seconds) ? seconds : 1) * 1000));
        continue;
      }
      throw new HistoryError(`the API refused ${what} (POST ${path}): ${response.status} ${text.slice(0, 500)}`);
    }
  }

  // Projections are stored once per hash: carry each in the first batch that needs it, as the agent does.
  const projections = new Map<string, ProjectionContent>();
  const carried = new Set<string>();
  const ledger: ProjectionLedger = {
    isKnown: (hash) => carried.has(hash),
    markCarried: (hash) => carried.add(hash),
    content: (hash) => projections.get(hash),
  };

  let previous: PreviousRecords | undefined;
  function inventory(): InventoryRecords {
    const { objects } = simulator.snapshot();
    const stripped: Record<'namespace' | 'controller' | 'pod', StrippedObject[]> = { namespace: [], controller: [], pod: [] };
    for (const resource of collector.WATCHED_RESOURCES) {
      for (const raw of objects[resource.resource as keyof typeof objects] ?? []) {
        const { object, projection } = collector.stripObject(resource, raw as unknown as KubeObject);
        if (projection && !projections.has(projection.hash)) projections.set(projection.hash, projection.content);
        stripped[resource.kind === 'Namespace' ? 'namespace' : resource.kind === 'Pod' ? 'pod' : 'controller'].push(object);
      }
    }
    return collector.buildInventoryRecords(stripped.namespace, stripped.controller, stripped.pod, previous);
  }
  /** Posts each batch in turn (a lazy resync is cut as it goes); resolves with how many. */
  async function send(batches: Iterable<OutgoingBatch>, what: string): Promise<number> {
    let count = 0;
    for (const batch of batches) {
      await post(batch.path, batch.body, what);
      count += 1;
    }
    return count;
  }

  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const jobs = new Queue(contracts.JOB_QUEUE, { connection: redis });
  const schedule = new Queue(contracts.SCHEDULE_QUEUE, { connection: redis });
  const scheduleEvents = new QueueEvents(contracts.SCHEDULE_QUEUE, { connection: redis.duplicate() });
  // The worker is done with an hour when the per-cluster queue holds nothing waiting, delayed or running.
  async function workerDone(what: string): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const failure = options.aborted?.();
      if (failure) throw new HistoryError(failure);
      const counts = await jobs.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (Object.values(counts).every((n) => n === 0)) return;
      if (Date.now() > deadline) throw new HistoryError(`the worker did not finish ${what} within 120 s (queue ${contracts.JOB_QUEUE}: ${JSON.stringify(counts)}); is it running? see its log`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const summary: HistorySummary = { steps: 0, changes: 0, batches: 0, auditEvents: 0, trendBuckets: { hour: 0, day: 0 } };
  try {
    const first = inventory();
    await post(
      contracts.INGEST_PATHS.heartbeat,
      {
        agentVersion: options.agentVersion,
        kubernetesVersion: simulator.apiserverVersion,
        counts: { namespaces: first.namespaces.length, workloads: first.workloads.length, pods: first.pods.length },
        startedAt: new Date(options.startMs).toISOString(),
        auditSource: 'webhook',
        psaConfiguration: options.psaConfiguration,
      },
      'the heartbeat',
    );
    summary.batches += await send(collector.resyncBatches(first, randomUUID(), ledger, { observedAt: new Date(options.startMs).toISOString() }), 'the first resync');
    previous = collector.indexInventory(first);
    await workerDone('the first resync');
    options.onFirstSync?.();

    const totalSteps = Math.floor((Date.now() - options.startMs) / stepMs);
    const stepsPerDay = Math.max(1, Math.round((24 * HOUR_MS) / stepMs));
    const onStep = async (step: HistoryStep): Promise<void> => {
      const observedAt = new Date(step.at).toISOString();
      const { upserts, deletes, next } = collector.diffInventory(previous!, inventory());
      summary.batches += await send(collector.deltaBatches(upserts, deletes, ledger, { observedAt }), `the delta of ${observedAt}`);
      previous = next;

      const events = step.auditEvents.flatMap((raw) => {
        const parsed = contracts.KubernetesAuditEvent.safeParse(raw);
        if (!parsed.success) return [];
        const mapping = collector.mapAuditEvent(parsed.data);
        return mapping.outcome === 'forward' ? [mapping.event] : [];
      });
      for (let i = 0; i < events.length; i += contracts.INGEST_LIMITS.auditEvents) {
        await post(contracts.INGEST_PATHS.auditEvents, { events: events.slice(i, i + contracts.INGEST_LIMITS.auditEvents) }, `the audit events of ${observedAt}`);
        summary.batches += 1;
      }
      await workerDone(`the hour of ${observedAt}`);
      summary.steps += 1;
      summary.changes += step.changes.length;
      summary.auditEvents += events.length;
      if (summary.steps % stepsPerDay === 0 || summary.steps === totalSteps) {
        progress(`history: ${observedAt.slice(0, 16).replace('T', ' ')} replayed (${summary.steps}/${totalSteps} steps, ${summary.changes} changes, ${summary.auditEvents} audit violations)`);
      }
    };
    await simulator.replay({ stepMs, until: () => Date.now(), onStep });
    // The last word is a full resync at the end of history, as an agent's start would send: the API then holds
    // exactly what the simulator serves when it goes live, and the agent's own first resync changes nothing.
    const last = inventory();
    summary.batches += await send(collector.resyncBatches(last, randomUUID(), ledger, { observedAt: new Date().toISOString() }), 'the closing resync');
    previous = collector.indexInventory(last);
    await workerDone('the closing resync');

    // Trends: the hourly and daily rollups, run now rather than at the next tick, rebuilding from the history's start.
    for (const [granularity, name] of [
      ['hour', contracts.SCHEDULED_JOB_NAMES.rollupHourly],
      ['day', contracts.SCHEDULED_JOB_NAMES.rollupDaily],
    ] as const) {
      const result = (await jobsLib.runScheduledJobNow(schedule, scheduleEvents, name, { rebuildFrom: new Date(options.startMs).toISOString() }, 300_000)) as { buckets?: number } | undefined;
      summary.trendBuckets[granularity] = result?.buckets ?? 0;
    }
    return summary;
  } finally {
    await Promise.allSettled([jobs.close(), schedule.close(), scheduleEvents.close()]);
    redis.disconnect();
  }
}
