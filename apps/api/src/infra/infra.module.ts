import type { DynamicModule } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';

import { API_CONFIG } from '../config/api-config.js';
import type { ApiConfig } from '../config/api-config.js';
import { Database } from './database.provider.js';
import { RedisConnection } from './redis.provider.js';

/** Configuration and connections, global so feature modules only import what they own. */
@Global()
@Module({})
export class InfraModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: InfraModule,
      providers: [{ provide: API_CONFIG, useValue: config }, Database, RedisConnection],
      exports: [API_CONFIG, Database, RedisConnection],
    };
  }
}
