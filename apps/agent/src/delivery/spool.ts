import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Logger } from '../common/logger.js';
import type { AgentMetrics } from '../common/metrics.js';
import type { BatchKind, OutgoingBatch } from '@ratchet/collector';

import type { SpooledBatch } from './outgoing-batch.types.js';

const FILE = /^(\d{12})\.(resync|delta|audit)\.json$/;

/** The projection hashes a batch body carries (inventory batches only). */
function carriedBy(body: unknown): string[] {
  const projections = (body as { projections?: unknown }).projections;
  return projections && typeof projections === 'object' ? Object.keys(projections) : [];
}

/**
 * The agent's outbox on disk: every batch is written here before it is sent and removed once the API accepted
 * it, so an API outage or an agent restart loses nothing, and a retried batch keeps its idempotency key (a
 * replay, not a duplicate). Bounded by `maxBytes`: when full, the oldest inventory deltas go first (the next
 * resync restores what they said), then the oldest batches of any kind; every drop is logged and counted.
 */
export class Spool {
  private readonly batches: SpooledBatch[] = [];
  private bytes = 0;
  private nextSeq = 1;
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly log: Logger,
    private readonly metrics: AgentMetrics,
    private readonly onDrop: (batch: SpooledBatch) => void,
  ) {}

  /** Opens the spool directory and resumes what a previous run left in it, oldest first. */
  static async open(dir: string, maxBytes: number, log: Logger, metrics: AgentMetrics, onDrop: (batch: SpooledBatch) => void = () => {}): Promise<Spool> {
    const spool = new Spool(dir, maxBytes, log, metrics, onDrop);
    await mkdir(dir, { recursive: true });
    const names = (await readdir(dir)).filter((name) => FILE.test(name)).sort();
    for (const name of names) {
      const path = join(dir, name);
      try {
        const text = await readFile(path, 'utf8');
        const { kind, path: apiPath, idempotencyKey, createdAt, body } = JSON.parse(text) as Omit<SpooledBatch, 'seq' | 'bytes' | 'carries'> & { body: unknown };
        if (typeof idempotencyKey !== 'string' || typeof apiPath !== 'string' || typeof body !== 'object' || body === null) throw new Error('not a spooled batch');
        const seq = Number(FILE.exec(name)![1]);
        spool.batches.push({ kind, path: apiPath, idempotencyKey, createdAt, seq, bytes: Buffer.byteLength(text), carries: carriedBy(body) });
        spool.bytes += Buffer.byteLength(text);
        spool.nextSeq = seq + 1;
      } catch (error) {
        log.warn({ file: name, err: (error as Error).message }, 'unreadable spool file removed');
        await rm(path, { force: true });
      }
    }
    if (spool.batches.length > 0) log.info({ batches: spool.batches.length, bytes: spool.bytes }, 'resuming spooled batches');
    spool.report();
    return spool;
  }

  get size(): { batches: number; bytes: number } {
    return { batches: this.batches.length, bytes: this.bytes };
  }

  /** The oldest batch, next to send. */
  peek(): SpooledBatch | undefined {
    return this.batches[0];
  }

  /** Resolves when a batch is added (or at once if the spool holds one), or when `signal` aborts. */
  async waitForBatch(signal: AbortSignal): Promise<void> {
    if (this.batches.length > 0 || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Writes batches to disk (each with a fresh idempotency key), making room first if the spool is full, and
   * resolves with how many it took. `batches` may be lazy: each is taken, written and let go before the next is
   * asked for, and the sender is woken at the first, so sending starts while a large resync is still being cut.
   */
  async add(batches: Iterable<OutgoingBatch>): Promise<number> {
    let count = 0;
    for (const batch of batches) {
      count += 1;
      const bodyJson = JSON.stringify(batch.body);
      const spooled = this.stored(batch.kind, batch.path, randomUUID(), new Date().toISOString(), bodyJson, this.nextSeq++, carriedBy(batch.body));
      await this.makeRoom(spooled.bytes);
      if (spooled.bytes > this.maxBytes) {
        this.dropped(spooled, 'larger than the whole spool');
        continue;
      }
      const file = this.fileOf(spooled);
      await writeFile(`${file}.tmp`, this.fileText(spooled, bodyJson));
      await rename(`${file}.tmp`, file);
      this.batches.push(spooled);
      this.bytes += spooled.bytes;
      this.report();
      for (const wake of [...this.waiters]) wake();
    }
    return count;
  }

  /**
   * The batch's body, as the JSON text to post, read back from its file: the spool keeps no body in memory, so a
   * spool of several resyncs costs disk, not heap. Rejects when the file is gone or unreadable.
   */
  async body(batch: SpooledBatch): Promise<string> {
    const text = await readFile(this.fileOf(batch), 'utf8');
    const header = this.header(batch);
    if (text.startsWith(header) && text.endsWith('}')) return text.slice(header.length, -1);
    // Written by another writer (key order differs): parse rather than slice.
    return JSON.stringify((JSON.parse(text) as { body: unknown }).body);
  }

  /** Rewrites a batch in place under a new idempotency key (a changed body must not reuse the old key). */
  async replace(batch: SpooledBatch, body: Record<string, unknown>): Promise<SpooledBatch> {
    const bodyJson = JSON.stringify(body);
    const next = this.stored(batch.kind, batch.path, randomUUID(), batch.createdAt, bodyJson, batch.seq, carriedBy(body));
    const file = this.fileOf(next);
    await writeFile(`${file}.tmp`, this.fileText(next, bodyJson));
    await rename(`${file}.tmp`, file);
    const index = this.batches.findIndex((b) => b.seq === batch.seq);
    if (index >= 0) {
      this.bytes += next.bytes - this.batches[index]!.bytes;
      this.batches[index] = next;
    }
    this.report();
    return next;
  }

  /** Removes a batch the API accepted or refused for good. */
  async remove(batch: SpooledBatch): Promise<void> {
    const index = this.batches.findIndex((b) => b.seq === batch.seq);
    if (index < 0) return;
    this.batches.splice(index, 1);
    this.bytes -= batch.bytes;
    await rm(this.fileOf(batch), { force: true });
    this.report();
  }

  private async makeRoom(incoming: number): Promise<void> {
    const victims = (kind?: BatchKind) => this.batches.filter((b) => kind === undefined || b.kind === kind);
    for (const kind of ['delta', undefined] as const) {
      for (const victim of victims(kind)) {
        if (this.bytes + incoming <= this.maxBytes) return;
        await this.remove(victim);
        this.dropped(victim, 'spool full');
      }
    }
  }

  private dropped(batch: SpooledBatch, why: string): void {
    this.metrics.batchesDropped.inc({ kind: batch.kind });
    this.log.warn({ kind: batch.kind, seq: batch.seq, bytes: batch.bytes, why }, 'spooled batch dropped');
    this.onDrop(batch);
  }

  private stored(kind: BatchKind, path: string, idempotencyKey: string, createdAt: string, bodyJson: string, seq: number, carries: string[]): SpooledBatch {
    const batch: SpooledBatch = { kind, path, idempotencyKey, createdAt, seq, bytes: 0, carries };
    batch.bytes = Buffer.byteLength(this.header(batch)) + Buffer.byteLength(bodyJson) + 1;
    return batch;
  }

  // The file is `{kind, path, idempotencyKey, createdAt, body}` as JSON, spliced from the body's text so a large
  // body is never serialized twice, and sliced back out of it the same way (`body`).
  private header({ kind, path, idempotencyKey, createdAt }: SpooledBatch): string {
    return `${JSON.stringify({ kind, path, idempotencyKey, createdAt }).slice(0, -1)},"body":`;
  }

  private fileText(batch: SpooledBatch, bodyJson: string): string {
    return `${this.header(batch)}${bodyJson}}`;
  }

  private fileOf(batch: { seq: number; kind: BatchKind }): string {
    return join(this.dir, `${String(batch.seq).padStart(12, '0')}.${batch.kind}.json`);
  }

  private report(): void {
    this.metrics.spoolBytes.set(this.bytes);
    this.metrics.spoolBatches.set(this.batches.length);
  }
}
