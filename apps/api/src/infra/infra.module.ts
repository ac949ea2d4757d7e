import type { DynamicModule } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';

import { API_CONFIG } from '../config/api-config.js';
import type { ApiConfig } from '../config/api-config.js';
import { Clock } from './clock.provider.js';
import { Database } from './database.provider.js';
import { RedisConnection } from './redis.provider.js';

/** Configuration, the clock and connections, global so feature modules only import what they own. */
@Global()
@Module({})
export class InfraModule {
  static forRoot(config: ApiConfig, clock: Clock = new Clock()): DynamicModule {
    return {
      module: InfraModule,
      providers: [{ provide: API_CONFIG, useValue: config }, { provide: Clock, useValue: clock }, Database, RedisConnection],
      exports: [API_CONFIG, Clock, Database, RedisConnection],
    };
  }
}
