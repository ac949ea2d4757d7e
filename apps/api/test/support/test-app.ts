import 'reflect-metadata';

import { once } from 'node:events';
import type { Server } from 'node:http';

import type { INestApplication } from '@nestjs/common';

import { parseApiEnv } from '../../src/config/env.schema.js';
import { createApp } from '../../src/create-app.js';
import type { CreateAppOptions } from '../../src/create-app.js';
import { RedisConnection } from '../../src/infra/redis.provider.js';
import type { Route } from '../../src/common/http/route-table.js';
import { createTestDatabase } from './test-database.js';
import type { TestDatabase } from './test-database.js';

export interface TestApp {
  app: INestApplication;
  routes: Route[];
  database: TestDatabase;
  /** The HTTP server, for supertest. */
  http: Server;
  close(): Promise<void>;
}

let lastOrigin = 'http://localhost:3000';

/**
 * The origin a browser on the test app started last would send (its RATCHET_PUBLIC_URL): factories put it in the
 * headers of cookie users, since the API refuses a cookie-authenticated change without it. Jest gives each test
 * file its own module instance, so this is per file.
 */
export function browserOrigin(): string {
  return lastOrigin;
}

/** Boots the real API on a fresh database and the local Redis; `env` overrides the configuration. */
export async function startTestApp(
  env: Record<string, string> = {},
  options: CreateAppOptions & { routeDatabase?: (url: string) => string } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = parseApiEnv({
    DATABASE_URL: options.routeDatabase ? options.routeDatabase(database.url) : database.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    RATCHET_LOG_LEVEL: 'silent',
    // Test apps run side by side: each serves metrics on a free port of its own.
    RATCHET_METRICS_PORT: '0',
    ...env,
  });
  lastOrigin = new URL(config.RATCHET_PUBLIC_URL).origin;
  const { app, routes } = await createApp(config, options);
  // Rate limits and /readyz read Redis: start tests once it is connected, not while it still handshakes.
  const redis = app.get(RedisConnection).client;
  if (redis.status !== 'ready' && !env.REDIS_URL) await once(redis, 'ready');
  return {
    app,
    routes,
    database,
    http: app.getHttpServer() as Server,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
