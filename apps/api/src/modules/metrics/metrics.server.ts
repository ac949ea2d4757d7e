import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';

import { API_CONFIG } from '../../config/api-config.js';
import type { ApiConfig } from '../../config/api-config.js';
import { ApiMetrics } from './metrics.registry.js';

/**
 * Serves `GET /metrics` on RATCHET_METRICS_PORT, a port of its own: metrics name routes, volumes and internals
 * nobody outside should read, so they are never on the API port the public origin forwards to. Prometheus
 * scrapes this port inside the cluster; every other path answers 404.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: Server;
  private readonly logger = new Logger('MetricsServer');

  constructor(
    private readonly metrics: ApiMetrics,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    this.server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found; metrics are at /metrics\n');
        return;
      }
      this.metrics.registry.metrics().then(
        (body) => res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType }).end(body),
        (error: Error) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics failed: ${error.message}\n`),
      );
    });
  }

  /** The port metrics are served on (resolved when RATCHET_METRICS_PORT is 0). */
  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? this.config.RATCHET_METRICS_PORT;
  }

  async onApplicationBootstrap(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.RATCHET_METRICS_PORT, '0.0.0.0', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.logger.log(`metrics on :${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
