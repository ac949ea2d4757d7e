import { AsyncLocalStorage } from 'node:async_hooks';

import type { LoggerService } from '@nestjs/common';
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

/** What a log line learns from the request it was written for. */
interface RequestLogContext {
  id: string;
  tenant?: { orgId: string };
}

/**
 * The request being served, for the logger: every line written while serving it (access line, Nest, services)
 * carries its id and, once the auth guard resolved it, its orgId, without threading a logger through calls.
 */
export const requestLogContext = new AsyncLocalStorage<RequestLogContext>();

/** The one logger: structured JSON, secrets redacted wherever they appear in a logged object. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'ratchet-api' },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.token'],
        censor: '[redacted]',
      },
      mixin: () => {
        const request = requestLogContext.getStore();
        if (!request) return {};
        return request.tenant ? { reqId: request.id, orgId: request.tenant.orgId } : { reqId: request.id };
      },
    },
    destination,
  );
}

// Nest narrates every module and route it wires at boot; that is debugging detail, not operations news.
const BOOT_CHATTER = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** Routes Nest's own log lines (bootstrap, exceptions) into pino with their context. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    if (context !== undefined && BOOT_CHATTER.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
