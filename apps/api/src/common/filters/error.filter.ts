import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException, Logger } from '@nestjs/common';
import { isDatabaseUnavailable } from '@ratchet/db';
import type { Response } from 'express';
import type { Logger as PinoLogger } from 'pino';

import type { ErrorResponse } from '@ratchet/contracts';

import { AppError, ERROR_STATUS } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/app-error.js';

type ErrorBody = ErrorResponse;

/** Seconds a client should wait after a 503: long enough for a pool to drain or a failover to finish. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

// An AppError that says when to come back (`details.retryAfterSeconds`) says it in the header too.
function retryAfterOf(exception: unknown): number | undefined {
  if (!(exception instanceof AppError)) return undefined;
  const seconds = (exception.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof seconds === 'number' && Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : undefined;
}

// The first code listed for a status is its generic one (400 is bad_request, not validation_failed).
const STATUS_CODES = new Map<number, ErrorCode>();
for (const [code, status] of Object.entries(ERROR_STATUS)) {
  if (!STATUS_CODES.has(status)) STATUS_CODES.set(status, code as ErrorCode);
}

// body-parser and Nest raise HttpErrors with their own shapes; translate the ones clients can cause.
function fromHttpError(error: { status?: number; statusCode?: number; type?: string; message?: string; limit?: unknown }): ErrorBody | undefined {
  const status = error.status ?? error.statusCode;
  if (status === undefined || status >= 500) return undefined;
  if (error.type === 'entity.too.large') {
    // body-parser counts the inflated bytes, so a small gzip bomb lands here too.
    const limit = typeof error.limit === 'number' ? ` of ${error.limit} bytes` : '';
    return {
      code: 'payload_too_large',
      message: `request body is larger than this endpoint's limit${limit} (counted after decompression)`,
      details: typeof error.limit === 'number' ? { limitBytes: error.limit } : {},
    };
  }
  if (error.type === 'entity.parse.failed') return { code: 'bad_request', message: 'request body is not valid JSON', details: {} };
  if (error.type === 'encoding.unsupported') return { code: 'unsupported_media_type', message: 'unsupported Content-Encoding: use gzip or identity', details: {} };
  return { code: STATUS_CODES.get(status) ?? 'bad_request', message: error.message ?? 'bad request', details: {} };
}

/** Every error leaves as ErrorResponse, `{ code, message, details }` with `details` always an object; a 500 never carries internals. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toResponse(exception);
    // The request's own logger (pino-http) stamps the request id and orgId the 500 body tells users to quote.
    const log = host.switchToHttp().getRequest<{ log?: PinoLogger }>().log;
    if (status >= 500) {
      const err = exception instanceof Error ? exception : new Error(String(exception));
      // A 503 is load or an outage, logged without a stack: under a burst there are thousands.
      if (!log) this.logger.error(err.stack ?? err.message);
      else if (status === 500) log.error({ err }, 'unhandled error');
      else log.warn({ error: err.message }, 'answered 503');
    }
    if (response.headersSent) return;
    const retryAfter = retryAfterOf(exception) ?? (status === 503 ? UNAVAILABLE_RETRY_AFTER_SECONDS : undefined);
    if (retryAfter !== undefined && !response.hasHeader('Retry-After')) response.setHeader('Retry-After', String(retryAfter));
    response.status(status).json(body);
  }

  private toResponse(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof AppError) {
      return { status: exception.status, body: { code: exception.code, message: exception.message, details: exception.details } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // The Express adapter wraps body-parser's errors; the original says what went wrong.
      const cause = exception.cause;
      const fromCause = cause !== null && typeof cause === 'object' ? fromHttpError(cause) : undefined;
      if (fromCause) return { status: ERROR_STATUS[fromCause.code], body: fromCause };
      if (status < 500) {
        // A 4xx without a code of its own leaves as a 400, so a code always travels with its one status.
        const code = STATUS_CODES.get(status) ?? 'bad_request';
        return { status: ERROR_STATUS[code], body: { code, message: exception.message, details: {} } };
      }
    }
    // Pool exhausted, server down or restarting: the request was fine and can be retried.
    if (isDatabaseUnavailable(exception)) {
      return { status: 503, body: { code: 'unavailable', message: 'the database is unavailable or overloaded; retry after the Retry-After delay', details: {} } };
    }
    if (exception !== null && typeof exception === 'object') {
      const body = fromHttpError(exception);
      if (body) return { status: ERROR_STATUS[body.code], body };
    }
    return { status: 500, body: { code: 'internal', message: 'internal error; the request id in the logs has the details', details: {} } };
  }
}
