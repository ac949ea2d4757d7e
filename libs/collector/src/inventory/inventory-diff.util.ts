import type { InventoryDeletions } from './inventory-batches.util.js';
import { INVENTORY_LISTS } from './inventory-records.util.js';
import type { InventoryRecords, PreviousRecords } from './inventory-records.util.js';

/** The records by uid, per list: what `buildInventoryRecords` reuses and `diffInventory` compares with. */
export function indexInventory(records: InventoryRecords): PreviousRecords {
  return {
    namespaces: new Map(records.namespaces.map((r) => [r.uid, r])),
    workloads: new Map(records.workloads.map((r) => [r.uid, r])),
    pods: new Map(records.pods.map((r) => [r.uid, r])),
  };
}

/** What changed between two inventories: the records to upsert, the uids to delete, and the new index. */
export interface InventoryDiff {
  upserts: InventoryRecords;
  deletes: InventoryDeletions;
  next: PreviousRecords;
}

/**
 * Compares `records` with the index of the records sent before. `records` must have been built with that index as
 * `buildInventoryRecords`' previous records, which reuses every unchanged record as the same object: a record is
 * an upsert when it is not the object sent before under its uid (new or changed), and a uid sent before and
 * missing now is a delete. O(n); nothing is serialized or compared field by field.
 */
export function diffInventory(previous: PreviousRecords, records: InventoryRecords): InventoryDiff {
  const upserts: InventoryRecords = { namespaces: [], workloads: [], pods: [] };
  const deletes: InventoryDeletions = { namespaces: [], workloads: [], pods: [] };
  const next = indexInventory(records);
  for (const list of INVENTORY_LISTS) {
    const before: ReadonlyMap<string, unknown> = previous[list];
    for (const record of records[list]) if (before.get(record.uid) !== record) (upserts[list] as unknown[]).push(record);
    for (const uid of before.keys()) if (!next[list].has(uid)) deletes[list].push(uid);
  }
  return { upserts, deletes, next };
}
