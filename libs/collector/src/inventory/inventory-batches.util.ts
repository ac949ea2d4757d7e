import { INGEST_LIMITS, INGEST_PATHS } from '@ratchet/contracts';
import type { InventoryPod, InventoryWorkload, ProjectionContent } from '@ratchet/contracts';

import type { OutgoingBatch } from '../batches/outgoing-batch.types.js';
import { INVENTORY_LISTS } from './inventory-records.util.js';
import type { InventoryRecords } from './inventory-records.util.js';

/** How the batches refer to projections: carry the ones the API may not have, name the rest by hash. */
export interface ProjectionLedger {
  /** True when an earlier batch (accepted or ahead in the spool) carried this hash. */
  isKnown(hash: string): boolean;
  markCarried(hash: string): void;
  content(hash: string): ProjectionContent | undefined;
}

function projectionsFor(objects: readonly { projectionHash: string }[], ledger: ProjectionLedger) {
  const projections: Record<string, ProjectionContent> = {};
  const known = new Set<string>();
  for (const { projectionHash: hash } of objects) {
    if (Object.hasOwn(projections, hash) || known.has(hash)) continue;
    const content = ledger.isKnown(hash) ? undefined : ledger.content(hash);
    if (content) projections[hash] = content;
    else known.add(hash);
  }
  for (const hash of Object.keys(projections)) ledger.markCarried(hash);
  return { projections, knownProjectionHashes: [...known] };
}

type Tagged =
  | { list: 'namespaces'; item: InventoryRecords['namespaces'][number] }
  | { list: 'workloads'; item: InventoryWorkload }
  | { list: 'pods'; item: InventoryPod };

function tag(records: InventoryRecords): Tagged[] {
  return [
    ...records.namespaces.map((item) => ({ list: 'namespaces' as const, item })),
    ...records.workloads.map((item) => ({ list: 'workloads' as const, item })),
    ...records.pods.map((item) => ({ list: 'pods' as const, item })),
  ];
}

function untag(items: Tagged[]): InventoryRecords {
  const records: InventoryRecords = { namespaces: [], workloads: [], pods: [] };
  for (const tagged of items) (records[tagged.list] as unknown[]).push(tagged.item);
  return records;
}

/** Items `start` to `end` (exclusive) of namespaces, then workloads, then pods, as if the three were one list. */
function sliceRecords(records: InventoryRecords, start: number, end: number): InventoryRecords {
  const part: InventoryRecords = { namespaces: [], workloads: [], pods: [] };
  let offset = 0;
  for (const list of INVENTORY_LISTS) {
    const items = records[list];
    (part[list] as unknown[]) = items.slice(Math.max(0, start - offset), Math.max(0, end - offset));
    offset += items.length;
  }
  return part;
}

/** How batches are cut and stamped. */
export interface BatchOptions {
  /** When the state the batches carry was observed (RFC 3339): the API dates what it stores by it, so a batch
   * delivered late (spooled through an API outage, or replayed) keeps its real time. */
  observedAt: string;
  /** Objects per batch; default `INGEST_LIMITS.inventoryObjects`. */
  limit?: number;
}

/**
 * A full resync in chunks of at most `limit` objects, namespaces first, under one `syncId`, every chunk stamped
 * with the same `observedAt`. A chunk holds at least one object, so an inventory without objects yields no batch.
 * Lazy: each chunk is built when the iteration reaches it (marking the projections it carries in `ledger` then),
 * so a consumer that sends or spools chunk by chunk holds one chunk at a time, not the whole cluster twice.
 */
export function* resyncBatches(
  records: InventoryRecords,
  syncId: string,
  ledger: ProjectionLedger,
  { observedAt, limit = INGEST_LIMITS.inventoryObjects }: BatchOptions,
): Generator<OutgoingBatch, void, undefined> {
  const totalChunks = Math.ceil((records.namespaces.length + records.workloads.length + records.pods.length) / limit);
  for (let chunk = 1; chunk <= totalChunks; chunk++) {
    const part = sliceRecords(records, (chunk - 1) * limit, chunk * limit);
    yield {
      kind: 'resync',
      path: INGEST_PATHS.inventoryResync,
      body: { syncId, chunk, totalChunks, observedAt, ...part, ...projectionsFor([...part.workloads, ...part.pods], ledger) },
    };
  }
}

/** Deletes by uid, per list. */
export interface InventoryDeletions {
  namespaces: string[];
  workloads: string[];
  pods: string[];
}

/** Deltas of at most `limit` objects each; deletes go first so a recreated object's new uid lands after the old one left. */
export function deltaBatches(
  upserts: InventoryRecords,
  deletes: InventoryDeletions,
  ledger: ProjectionLedger,
  { observedAt, limit = INGEST_LIMITS.inventoryObjects }: BatchOptions,
): OutgoingBatch[] {
  const items: ({ op: 'delete'; list: keyof InventoryDeletions; uid: string } | ({ op: 'upsert' } & Tagged))[] = [
    ...(['pods', 'workloads', 'namespaces'] as const).flatMap((list) => deletes[list].map((uid) => ({ op: 'delete' as const, list, uid }))),
    ...tag(upserts).map((tagged) => ({ op: 'upsert' as const, ...tagged })),
  ];
  const batches: OutgoingBatch[] = [];
  for (let start = 0; start < items.length; start += limit) {
    const slice = items.slice(start, start + limit);
    const up = untag(slice.filter((entry): entry is { op: 'upsert' } & Tagged => entry.op === 'upsert'));
    const del: InventoryDeletions = { namespaces: [], workloads: [], pods: [] };
    for (const entry of slice) if (entry.op === 'delete') del[entry.list].push(entry.uid);
    batches.push({
      kind: 'delta',
      path: INGEST_PATHS.inventoryDelta,
      body: { observedAt, upserts: up, deletes: del, ...projectionsFor([...up.workloads, ...up.pods], ledger) },
    });
  }
  return batches;
}
