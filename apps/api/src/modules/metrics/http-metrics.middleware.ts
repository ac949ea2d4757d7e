import type { NextFunction, Request, Response } from 'express';

import type { ApiMetrics } from './metrics.registry.js';

/** Times every request, labelled by route template (not the raw URL, which would explode cardinality). */
export function httpMetrics(metrics: ApiMetrics): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      stop({ method: req.method, route: `${req.baseUrl}${route}`, status: String(res.statusCode) });
    });
    next();
  };
}
