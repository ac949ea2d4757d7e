// What an agent sends, built from what a cluster shows: Kubernetes objects stripped to their identity and PSA
// projection, resolved to their top-level workloads and cut into ingest batches; audit events read for their Pod
// Security annotations. The agent uses it on what it watches; the demo's history replay on the simulated cluster.
export type { BatchKind, OutgoingBatch } from './batches/outgoing-batch.types.js';
export type { KubeObject } from './inventory/kube-object.types.js';
export { WATCHED_RESOURCES } from './inventory/watched-resources.constant.js';
export type { WatchedResource } from './inventory/watched-resources.constant.js';
export { stripObject } from './inventory/strip-object.util.js';
export type { OwnerRef, Stripped, StrippedObject } from './inventory/strip-object.util.js';
export { buildInventoryRecords } from './inventory/inventory-records.util.js';
export type { InventoryRecords, PreviousRecords } from './inventory/inventory-records.util.js';
export { diffInventory, indexInventory } from './inventory/inventory-diff.util.js';
export type { InventoryDiff } from './inventory/inventory-diff.util.js';
export { deltaBatches, resyncBatches } from './inventory/inventory-batches.util.js';
export type { BatchOptions, InventoryDeletions, ProjectionLedger } from './inventory/inventory-batches.util.js';
export { mapAuditEvent } from './audit/audit-event.mapper.js';
export type { AdmissionDecisionSeen, AuditMapping } from './audit/audit-event.mapper.js';
