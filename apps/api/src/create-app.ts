import type { INestApplication } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, NestFactory, Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import helmet from 'helmet';
import type { DestinationStream } from 'pino';
import type { HostResolver } from '@ratchet/alerts';

import { AppModule } from './app.module.js';
import { routeTable } from './common/http/route-table.js';
import type { Route } from './common/http/route-table.js';
import { PinoNestLogger, createLogger } from './common/logging/logger.js';
import { requestLogging } from './common/logging/request-logging.middleware.js';
import { AdmissionLimit, admissionLimitFor } from './common/overload/admission-limit.js';
import type { ApiConfig } from './config/api-config.js';
import { checkDatabaseAtBoot } from './infra/database-boot-check.js';
import { httpMetrics } from './modules/metrics/http-metrics.middleware.js';
import { ApiMetrics } from './modules/metrics/metrics.registry.js';
import { buildOpenApi } from './modules/openapi/openapi.builder.js';
import { OPENAPI_DOCUMENT } from './modules/openapi/openapi.controller.js';
import type { OpenApiDocumentRef } from './modules/openapi/openapi.controller.js';

export const API_VERSION = '0.1.0';

export interface CreateAppOptions {
  /** Where log lines go (default stdout); tests read them. */
  logDestination?: DestinationStream;
  /** Replaces the system DNS resolver of the alert destination check (tests play DNS rebinding with it). */
  alertResolver?: HostResolver;
  /** Replaces the API's clock (tests fix it to check ingest's time bounds and the read-time windows). */
  now?: () => Date;
}

// Every API answer is per-caller data, and several hold secrets shown once (session cookies, API and agent
// tokens, invitation links): no cache, shared or private, may keep any of them.
function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}

/**
 * Builds the API (not listening): main.ts listens on it, tests drive it with supertest. Refuses (BootCheckError)
 * when the database is unreachable, missing or not migrated.
 */
export async function createApp(config: ApiConfig, options: CreateAppOptions = {}): Promise<{ app: INestApplication; routes: Route[] }> {
  await checkDatabaseAtBoot(config.DATABASE_URL);
  const logger = createLogger(config.RATCHET_LOG_LEVEL, options.logDestination);
  const root = AppModule.forRoot(config, {
    ...(options.alertResolver ? { alertResolver: options.alertResolver } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const app = await NestFactory.create<NestExpressApplication>(root, {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  // Behind the web app or an ingress every user arrives from the proxy's address; only the configured proxies'
  // X-Forwarded-For is believed, so the login limit counts real clients and nobody can pick their own address.
  app.set('trust proxy', config.RATCHET_TRUSTED_PROXIES.length === 0 ? false : config.RATCHET_TRUSTED_PROXIES);
  app.disable('x-powered-by');
  app.use(requestLogging(logger));
  app.use(helmet());
  const metrics = app.get(ApiMetrics);
  app.use(httpMetrics(metrics));
  // Database-bound routes only: health probes must answer while the API sheds load.
  const admission = new AdmissionLimit(admissionLimitFor(config.RATCHET_DB_POOL_SIZE), {
    rejected: (reason) => metrics.admissionRejected.inc({ reason }),
  });
  metrics.observeAdmission(() => admission.load);
  app.use('/api/v1', admission.middleware());
  app.use('/api/v1', noStore);
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
