import type { INestApplication } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, NestFactory, Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import { SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';

import { AppModule } from './app.module.js';
import { routeTable } from './common/http/route-table.js';
import type { Route } from './common/http/route-table.js';
import { PinoNestLogger, createLogger } from './common/logging/logger.js';
import { requestLogging } from './common/logging/request-logging.middleware.js';
import type { ApiConfig } from './config/api-config.js';
import { httpMetrics } from './modules/metrics/http-metrics.middleware.js';
import { ApiMetrics } from './modules/metrics/metrics.registry.js';
import { buildOpenApi } from './modules/openapi/openapi.builder.js';
import { OPENAPI_DOCUMENT } from './modules/openapi/openapi.controller.js';
import type { OpenApiDocumentRef } from './modules/openapi/openapi.controller.js';

export const API_VERSION = '0.1.0';

/** Builds the API (not listening): main.ts listens on it, tests drive it with supertest. */
export async function createApp(config: ApiConfig): Promise<{ app: INestApplication; routes: Route[] }> {
  const logger = createLogger(config.RATCHET_LOG_LEVEL);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.use(requestLogging(logger));
  app.use(httpMetrics(app.get(ApiMetrics)));
  // Ingest batches are large and usually gzipped; everything else is small JSON. body-parser skips a body
  // that is already parsed, so the ingest parser must come first.
  app.use('/api/v1/ingest', json({ limit: config.RATCHET_INGEST_MAX_BYTES, inflate: true }));
  app.use(json({ limit: '1mb', inflate: true }));
  app.enableShutdownHooks();

  const routes = routeTable(app.get(DiscoveryService), app.get(MetadataScanner), app.get(Reflector), '');
  const document = buildOpenApi(routes, { version: API_VERSION, serverUrl: config.RATCHET_PUBLIC_URL });
  app.get<OpenApiDocumentRef>(OPENAPI_DOCUMENT).document = document;
  SwaggerModule.setup('api/docs', app, document as unknown as OpenAPIObject, { raw: false });
  await app.init();
  return { app, routes };
}
