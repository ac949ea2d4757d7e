import { describe, expect, it } from '@jest/globals';
import type { ArgumentsHost } from '@nestjs/common';
import { HttpException, Logger, NotFoundException } from '@nestjs/common';
import { ERROR_STATUS, ErrorResponse } from '@ratchet/contracts';

import { AppError } from '../errors/app-error.js';
import { ErrorFilter } from './error.filter.js';

/** What the filter wrote: the status and JSON body of an Express response. */
function answer(exception: unknown): { status: number; body: unknown } {
  const sent: { status: number; body: unknown } = { status: 0, body: undefined };
  const headers = new Map<string, string>();
  const response = {
    headersSent: false,
    hasHeader: (name: string) => headers.has(name.toLowerCase()),
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
  };
  // No request logger: the filter falls back to Nest's Logger, silenced below.
  const host = { switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({}) }) } as unknown as ArgumentsHost;
  new ErrorFilter().catch(exception, host);
  return sent;
}

describe('ErrorFilter', () => {
  Logger.overrideLogger(false);

  it.each([
    ['an AppError without details', new AppError('conflict', 'cluster "prod" already exists'), 409, { code: 'conflict', details: {} }],
    ['an AppError with details', new AppError('unknown_projections', 'resend', { missingProjectionHashes: ['a'] }), 409, { details: { missingProjectionHashes: ['a'] } }],
    ["Nest's 404 for an unknown route", new NotFoundException('Cannot GET /nope'), 404, { code: 'not_found', details: {} }],
    ['a 4xx with no code of its own', new HttpException('Method Not Allowed', 405), 400, { code: 'bad_request', details: {} }],
    ["body-parser's size limit", Object.assign(new Error('too large'), { status: 413, type: 'entity.too.large', limit: 1024 }), 413, { code: 'payload_too_large', details: { limitBytes: 1024 } }],
    ["body-parser's bad JSON", Object.assign(new Error('Unexpected end'), { status: 400, type: 'entity.parse.failed' }), 400, { code: 'bad_request', details: {} }],
    ["body-parser's unknown encoding", Object.assign(new Error('unsupported'), { status: 415, type: 'encoding.unsupported' }), 415, { code: 'unsupported_media_type', details: {} }],
    ['anything else', new Error('connect ECONNREFUSED 127.0.0.1:5432 at Prisma.ts:12'), 500, { code: 'internal', details: {} }],
  ])('answers %s as an ErrorResponse whose code maps to its status', (_name, exception, status, body) => {
    const sut = answer(exception);
    expect(sut.status).toBe(status);
    expect(sut.body).toMatchObject(body);
    const parsed = ErrorResponse.parse(sut.body);
    expect(ERROR_STATUS[parsed.code]).toBe(status);
  });

  it('never leaks the internals of a 500', () => {
    const sut = answer(new Error('password authentication failed for user "ratchet" at /srv/app.js:1'));
    expect(JSON.stringify(sut.body)).not.toMatch(/password|ratchet|app\.js/);
  });
});
