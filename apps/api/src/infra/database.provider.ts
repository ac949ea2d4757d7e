import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createPrismaClient } from '@ratchet/db';
import type { PrismaClient } from '@ratchet/db';
import pg from 'pg';

import { API_CONFIG } from '../config/api-config.js';
import type { ApiConfig } from '../config/api-config.js';

// Prisma's interactive transactions wait 2 s (maxWait) for a pooled connection; opening a new one must fail
// sooner than that, so an unreachable server is reported as such rather than as a pool timeout.
const CONNECT_TIMEOUT_MS = 1500;

/** The process's Prisma client. Repositories reach tenant data only through withTenant on it. */
@Injectable()
export class Database implements OnApplicationShutdown {
  readonly client: PrismaClient;
  readonly poolSize: number;
  private readonly logger = new Logger('Database');
  // Readiness asks "can this replica reach Postgres?", not "is the pool idle?": it has its own connection, so
  // a busy pool (which the admission limit answers with 503s) never takes the replica out of the balancer.
  private readonly probe: pg.Pool;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    this.poolSize = config.RATCHET_DB_POOL_SIZE;
    this.client = createPrismaClient({
      connectionString: config.DATABASE_URL,
      poolSize: config.RATCHET_DB_POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      onPoolError: (error) => this.logger.warn(`idle Postgres connection failed: ${error.message}`),
    });
    this.probe = new pg.Pool({ connectionString: config.DATABASE_URL, max: 1, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, idleTimeoutMillis: 30_000 });
    this.probe.on('error', (error) => this.logger.warn(`idle Postgres probe connection failed: ${error.message}`));
  }

  /** Resolves when Postgres answers `SELECT 1` on the probe connection. */
  async ping(): Promise<void> {
    await this.probe.query('SELECT 1');
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.client.$disconnect(), this.probe.end()]);
  }
}
