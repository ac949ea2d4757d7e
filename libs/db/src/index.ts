export * from './generated/prisma/client.js';
export { createPrismaClient, type PrismaClientConfig } from './prisma.factory.js';
export {
  APP_ROLE,
  TENANT_SETTING,
  TenantIdError,
  withSystem,
  withTenant,
  type Transaction,
  type TransactionOptions,
} from './tenant-transaction.js';
export * from './system-functions.repository.js';
export { findingFingerprint, type FindingIdentity } from './finding-fingerprint.util.js';
export { DatabaseUrlError, readDatabaseUrl } from './migrate/database-url.util.js';
export {
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  migrate,
  type MigrateOptions,
  type MigrateResult,
  type MigrationErrorCode,
} from './migrate/migrate.js';
export { migrationStatus, type MigrationStatus, type MigrationStatusOptions } from './migrate/migration-status.js';
export { isDatabaseUnavailable } from './database-unavailable.util.js';
export type { ClusterScope, TenantScope } from './scope.js';
export { postgresErrorKind, sqlState, uniqueViolation, type PostgresErrorKind } from './postgres-error.util.js';
export { topLevelUid } from './inventory/top-level-workload.util.js';
export {
  deleteInventory,
  insertProjections,
  lockClusterInventory,
  missingProjections,
  sweepInventory,
  upsertInventory,
  type DeletedInventory,
  type InventoryChange,
  type InventoryCounts,
  type InventoryUpsert,
} from './inventory/inventory.repository.js';
export {
  NO_MARKS,
  clearInventoryMarks,
  markClusterInventory,
  markClusterNamespaces,
  markInventory,
  readInventoryMarks,
  type InventoryMark,
  type InventoryMarkSubject,
  type InventoryTouch,
  type MarkCounts,
} from './inventory/inventory-marks.repository.js';
export {
  refreshWorkloadFindings,
  refreshWorkloadsFindings,
  resolveWorkloadFindings,
  type FailedCheck,
  type FindingChanges,
  type WorkloadFindingsRefresh,
} from './findings/findings.repository.js';
export {
  markReadinessDue,
  readNamespaceReadiness,
  upsertNamespaceReadiness,
  type AuditControllerBlock,
  type BlockingWorkload,
  type BlockingWorkloadAudit,
  type NamespaceReadinessInput,
  type NamespaceReadinessRow,
  type PsaContradictionRecord,
} from './readiness/namespace-readiness.repository.js';
export {
  TREND_LEVELS,
  earliestTrendData,
  latestTrendBucket,
  pruneTrendRollups,
  readTrendNamespaces,
  rebuildTrendBucket,
  type TrendBucket,
  type TrendNamespace,
  type TrendNamespaceSource,
} from './trends/trend-rollups.repository.js';
export {
  deleteAuditEventsBefore,
  dropAuditPartitionsBefore,
  listAuditPartitions,
  pruneAdmissionDecisions,
  pruneIngestBatches,
  readAuditRetentionDays,
} from './retention/retention.repository.js';
export { readOrganizationSettings, type StoredOrganizationSettings } from './organization/organization-settings.repository.js';
export { CHANNEL_UNHEALTHY_AFTER_MS, recordDeliveryAttempt, type DeliveryAttempt } from './alerts/alert-delivery-attempts.repository.js';
