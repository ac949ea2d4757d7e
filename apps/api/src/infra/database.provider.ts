import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createPrismaClient } from '@ratchet/db';
import type { PrismaClient } from '@ratchet/db';

import { API_CONFIG } from '../config/api-config.js';
import type { ApiConfig } from '../config/api-config.js';

/** The process's Prisma client. Repositories reach tenant data only through withTenant on it. */
@Injectable()
export class Database implements OnApplicationShutdown {
  readonly client: PrismaClient;
  private readonly logger = new Logger('Database');

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    this.client = createPrismaClient({
      connectionString: config.DATABASE_URL,
      onPoolError: (error) => this.logger.warn(`idle Postgres connection failed: ${error.message}`),
    });
  }

  async ping(): Promise<void> {
    await this.client.$queryRaw`SELECT 1`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.$disconnect();
  }
}
