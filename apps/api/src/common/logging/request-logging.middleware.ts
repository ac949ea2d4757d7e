import { randomUUID } from 'node:crypto';

import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

import { requestLogContext } from './logger.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Access logs with a request id: the caller's `X-Request-Id` when it is sane, else a new UUID; echoed back
 * so a user can quote it. The rest of the request runs inside requestLogContext, so every line logged while
 * serving it carries `reqId` and `orgId` (the logger's mixin).
 */
export function requestLogging(logger: Logger): (req: Request, res: Response, next: NextFunction) => void {
  const accessLog = pinoHttp({
    logger,
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // The mixin writes reqId; the access line's own fields say what was asked and answered.
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
  return (req, res, next) => {
    requestLogContext.run(req as unknown as { id: string }, () => accessLog(req, res, next));
  };
}
