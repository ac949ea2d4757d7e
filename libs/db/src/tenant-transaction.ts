import type { Prisma, PrismaClient } from './generated/prisma/client.js';

/** The role every transaction runs as: it holds DML grants only and is subject to row-level security. */
export const APP_ROLE = 'ratchet_app';

/** The per-transaction setting the row-level security policies compare `org_id` with. */
export const TENANT_SETTING = 'app.org_id';

/** The client handed to a transaction's callback. */
export type Transaction = Prisma.TransactionClient;

/** Prisma's interactive-transaction options (defaults: maxWait 2 s, timeout 5 s). */
export interface TransactionOptions {
  maxWait?: number;
  timeout?: number;
  isolationLevel?: Prisma.TransactionIsolationLevel;
}

/** An organization id that is not a UUID: refused before it reaches the database. */
export class TenantIdError extends Error {
  override readonly name = 'TenantIdError';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `fn` in one transaction scoped to the organization `orgId`: the transaction switches to `ratchet_app`
 * (so row-level security applies even when the connection's user is a superuser or the tables' owner) and
 * sets `app.org_id`, so every query sees and writes only that tenant's rows. Both settings end with the
 * transaction, so a pooled connection carries nothing over.
 */
export async function withTenant<T>(
  prisma: PrismaClient,
  orgId: string,
  fn: (tx: Transaction) => Promise<T>,
  options?: TransactionOptions,
): Promise<T> {
  if (!UUID.test(orgId)) throw new TenantIdError(`orgId must be a UUID, got ${JSON.stringify(orgId)}`);
  return prisma.$transaction(async (tx) => {
    // set_config('role', ..., true) is SET LOCAL ROLE; one statement saves a round trip on every transaction.
    await tx.$queryRaw`SELECT set_config('role', ${APP_ROLE}, true), set_config(${TENANT_SETTING}, ${orgId}, true)`;
    return fn(tx);
  }, options);
}

/**
 * Runs `fn` in one transaction as `ratchet_app` with no tenant: tenant-owned tables show no rows. For the
 * lookups made before the tenant is known, through the SECURITY DEFINER functions wrapped in
 * system-functions.repository.ts, and for the global tables (users, sessions).
 */
export async function withSystem<T>(
  prisma: PrismaClient,
  fn: (tx: Transaction) => Promise<T>,
  options?: TransactionOptions,
): Promise<T> {
  return prisma.$transaction(async (tx) => {
    // The tenant is explicitly empty, in case the connection's session carries a value from a plain SET.
    await tx.$queryRaw`SELECT set_config('role', ${APP_ROLE}, true), set_config(${TENANT_SETTING}, '', true)`;
    return fn(tx);
  }, options);
}
