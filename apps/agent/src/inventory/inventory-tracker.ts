import { randomUUID } from 'node:crypto';

import { buildInventoryRecords, deltaBatches, diffInventory, indexInventory, resyncBatches } from '@ratchet/collector';
import type { InventoryRecords, OutgoingBatch, PreviousRecords, ProjectionLedger, Stripped } from '@ratchet/collector';
import type { InventoryCounts, ProjectionContent } from '@ratchet/contracts';

import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { Reflector, ReflectorListener } from './reflector.js';

/** Spools batches as they are built: a lazy iterable is consumed one batch at a time. Resolves with how many. */
type Enqueue = (batches: Iterable<OutgoingBatch>) => Promise<number>;

/**
 * Turns what the reflectors see into batches: a full resync when asked (at start and every resync interval),
 * deltas in between. Changes are gathered for `deltaWindowMs` and compared with what was last sent, record by
 * record, so a rollout of 500 pods is a few batches and an unchanged object is never resent. Projections are
 * kept once per content hash and carried only in the first batch that needs them.
 */
export class InventoryTracker implements ReflectorListener, ProjectionLedger {
  private readonly projections = new Map<string, ProjectionContent>();
  private readonly carried = new Set<string>();
  /**
   * Per list, uid → the record last enqueued. Rebuilding reuses a record whose fields are unchanged, so a changed
   * record is one that is not the same object; nothing is kept as JSON text.
   */
  private sent: PreviousRecords | undefined;
  private deltaTimer: Promise<void> | undefined;
  private readonly windowAbort = new AbortController();
  private serial: Promise<unknown> = Promise.resolve();
  private lastCounts: InventoryCounts = { namespaces: 0, workloads: 0, pods: 0 };

  constructor(
    /** The reflectors whose stores make up the inventory (created after the tracker, which they report to). */
    private readonly reflectors: () => readonly Reflector[],
    private readonly enqueue: Enqueue,
    private readonly clock: Clock,
    private readonly deltaWindowMs: number,
    private readonly log: Logger,
  ) {}

  get counts(): InventoryCounts {
    return this.lastCounts;
  }

  holdProjection({ hash, content }: NonNullable<Stripped['projection']>): void {
    // Same hash, same content: keeping the first copy lets every later one be collected young.
    if (!this.projections.has(hash)) this.projections.set(hash, content);
  }

  upsert(stripped: Stripped): void {
    if (stripped.projection) this.holdProjection(stripped.projection);
    this.scheduleDelta();
  }

  remove(): void {
    this.scheduleDelta();
  }

  isKnown(hash: string): boolean {
    return this.carried.has(hash);
  }

  markCarried(hash: string): void {
    this.carried.add(hash);
  }

  content(hash: string): ProjectionContent | undefined {
    return this.projections.get(hash);
  }

  /** A batch that carried projections never reached the API (dropped from the spool): carry them again. */
  forget(hashes: Iterable<string>): void {
    for (const hash of hashes) this.carried.delete(hash);
  }

  /** Sends the whole inventory as one resync (in chunks). Deltas start after the first one. */
  resync(): Promise<void> {
    return this.exclusive(async () => {
      const observedAt = this.observedNow();
      const records = this.records(this.sent);
      this.collectProjections(records);
      // Chunks are built, written to the spool and let go one at a time, so a large cluster's resync never
      // holds all its chunks in memory at once.
      const chunks = await this.enqueue(resyncBatches(records, randomUUID(), this, { observedAt }));
      this.sent = indexInventory(records);
      this.log.info({ ...this.lastCounts, chunks }, 'inventory resync enqueued');
    });
  }

  /** Sends what changed since the last batch now, without waiting for the window (used at shutdown). */
  flushDelta(): Promise<void> {
    return this.exclusive(async () => {
      if (!this.sent) return;
      const observedAt = this.observedNow();
      const { upserts, deletes, next } = diffInventory(this.sent, this.records(this.sent));
      const batches = await this.enqueue(deltaBatches(upserts, deletes, this, { observedAt }));
      if (batches > 0) this.log.debug({ batches }, 'inventory delta enqueued');
      this.sent = next;
    });
  }

  /** Stops the delta window timer; call flushDelta afterwards to keep what was pending. */
  stop(): void {
    this.windowAbort.abort();
  }

  private scheduleDelta(): void {
    if (!this.sent || this.deltaTimer || this.windowAbort.signal.aborted) return;
    this.deltaTimer = this.clock.sleep(this.deltaWindowMs, this.windowAbort.signal).then(async () => {
      this.deltaTimer = undefined;
      if (this.windowAbort.signal.aborted) return;
      try {
        await this.flushDelta();
      } catch (error) {
        this.log.error({ err: (error as Error).message }, 'inventory delta could not be spooled');
      }
    });
  }

  // The reflectors' stores are the cluster as of now: what the batches built from them carry was observed now.
  private observedNow(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private records(previous: PreviousRecords | undefined): InventoryRecords {
    const byKind = (kinds: (k: string) => boolean) => this.reflectors().filter((r) => kinds(r.resource.kind)).flatMap((r) => [...r.store.values()]);
    const records = buildInventoryRecords(
      byKind((k) => k === 'Namespace'),
      byKind((k) => k !== 'Namespace' && k !== 'Pod'),
      byKind((k) => k === 'Pod'),
      previous,
    );
    this.lastCounts = { namespaces: records.namespaces.length, workloads: records.workloads.length, pods: records.pods.length };
    return records;
  }

  // Projections no object refers to any more are let go at each resync, so memory follows the cluster.
  private collectProjections(records: InventoryRecords): void {
    const live = new Set([...records.workloads, ...records.pods].map((r) => r.projectionHash));
    for (const hash of this.projections.keys()) if (!live.has(hash)) this.projections.delete(hash);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.serial.then(work, work);
    this.serial = run.catch(() => undefined);
    return run;
  }
}
