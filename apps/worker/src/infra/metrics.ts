import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The worker's Prometheus metrics, on a registry of its own. */
export class WorkerMetrics {
  readonly registry = new Registry();
  /** Job run time in seconds by job name and outcome (completed, failed, unrecoverable). */
  readonly jobDuration = new Histogram({
    name: 'ratchet_worker_job_duration_seconds',
    help: 'Time a job took, by job name and outcome',
    labelNames: ['job', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
    registers: [this.registry],
  });
  /** Projections evaluated (new, at every organization version). */
  readonly projectionsEvaluated = new Counter({
    name: 'ratchet_worker_projections_evaluated_total',
    help: 'Security projections evaluated for the first time',
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }
}

/**
 * Serves /healthz (200 while `healthy()` says so, else 503) and /metrics on `port` (0: a free one). Resolves once
 * listening; close() stops it.
 */
export async function startMetricsServer(metrics: WorkerMetrics, port: number, healthy: () => boolean): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      const ok = healthy();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'unavailable' }));
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
