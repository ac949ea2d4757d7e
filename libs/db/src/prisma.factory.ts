import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from './generated/prisma/client.js';

export interface PrismaClientConfig {
  /** A postgresql:// URL (see readDatabaseUrl). */
  connectionString: string;
  /** Connections in the pool; pg's default (10) when absent. */
  poolSize?: number;
  /**
   * How long opening a connection may take before it fails (ms). pg waits forever by default, so a Postgres that
   * drops packets would hold every request until Prisma's transaction maxWait; absent means pg's default.
   */
  connectionTimeoutMillis?: number;
  /** Called when an idle pooled connection errors (e.g. the server restarted), instead of crashing. */
  onPoolError?: (error: Error) => void;
}

/**
 * A Prisma client over node-postgres (the engine-free `prisma-client` runtime). Query tenant data through
 * `withTenant`, never on the client directly: the connection's own role may bypass row-level security.
 */
export function createPrismaClient(config: PrismaClientConfig): PrismaClient {
  const adapter = new PrismaPg(
    {
      connectionString: config.connectionString,
      ...(config.poolSize === undefined ? {} : { max: config.poolSize }),
      ...(config.connectionTimeoutMillis === undefined ? {} : { connectionTimeoutMillis: config.connectionTimeoutMillis }),
    },
    config.onPoolError ? { onPoolError: config.onPoolError } : undefined,
  );
  return new PrismaClient({ adapter });
}
