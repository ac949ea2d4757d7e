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
