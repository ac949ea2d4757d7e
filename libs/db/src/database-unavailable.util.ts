import { Prisma } from './generated/prisma/client.js';

/**
 * Prisma error codes that mean "the database cannot serve this now", not "this request is wrong":
 * P1001 can't reach the server, P1002 server timed out, P1008 operation timed out, P1017 server closed the
 * connection, P2024 timed out fetching a connection from the pool, P2028 the interactive-transaction manager
 * (its "Unable to start a transaction in the given time" is pool exhaustion under load).
 * https://www.prisma.io/docs/orm/reference/error-reference
 */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

// P2028 also reports programming errors (a nested transaction on an adapter without savepoints, an invalid
// isolation level); only the two that load causes count as an outage.
const TRANSACTION_OVERLOAD = /Unable to start a transaction in the given time|cannot be executed on an expired transaction/;

/** Driver-adapter error kinds (@prisma/driver-adapter-utils) that say the server or the link is gone. */
const UNAVAILABLE_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError']);

/**
 * SQLSTATEs of an outage (https://www.postgresql.org/docs/current/errcodes-appendix.html): class 08
 * connection exception; 53300 too_many_connections; 57P01 admin_shutdown, 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up, or in recovery); 57014 query_canceled by statement_timeout is not
 * one: it is this query's own fault.
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '53300' || code === '57P01' || code === '57P02' || code === '57P03';
}

/** Node socket errors and node-postgres' own messages for a lost or unobtainable connection. */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|server closed the connection unexpectedly|the database system is (starting up|shutting down|in recovery mode)/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

function matchesItself(error: Record<string, unknown>): boolean {
  const code = typeof error.code === 'string' ? error.code : undefined;
  const message = typeof error.message === 'string' ? error.message : '';
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  if (code !== undefined) {
    if (UNAVAILABLE_PRISMA_CODES.has(code)) return true;
    if (code === 'P2028' && TRANSACTION_OVERLOAD.test(message)) return true;
    if (UNAVAILABLE_SOCKET_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)) return true;
  }
  if (typeof error.kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(error.kind)) return true;
  if (typeof error.originalCode === 'string' && isUnavailableSqlState(error.originalCode)) return true;
  return UNAVAILABLE_MESSAGES.test(message);
}

/** Where an error wraps another: `cause` (Error, DriverAdapterError), Prisma's `meta.driverAdapterError`. */
function wrapped(error: Record<string, unknown>): unknown[] {
  const inner: unknown[] = [error.cause];
  if (isRecord(error.meta)) inner.push(error.meta.driverAdapterError);
  if (Array.isArray(error.errors)) inner.push(...(error.errors as unknown[])); // AggregateError from a dual-stack connect
  return inner;
}

/**
 * True when `error` says the database could not serve the request right now: the pool was exhausted (a
 * transaction could not start in time), the server refused or dropped the connection, is shutting down or
 * starting up, or has no connection slot left. Callers answer 503 with Retry-After instead of 500: the request
 * was fine and may be retried. Walks wrapped causes (Prisma → driver adapter → pg → socket), at most 8 deep.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value: error, depth: 0 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (!isRecord(value) || depth > 8) continue;
    if (matchesItself(value)) return true;
    for (const inner of wrapped(value)) pending.push({ value: inner, depth: depth + 1 });
  }
  return false;
}
