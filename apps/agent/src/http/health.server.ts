import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';

import type { AgentMetrics } from '../common/metrics.js';

/** What the probes ask: is the process serving, and has every informer listed its resource. */
export interface HealthState {
  ready(): { ready: boolean; detail: Record<string, unknown> };
}

/** `/healthz` (process up), `/readyz` (informers synced, token accepted) and Prometheus `/metrics`, on one port. */
export class HealthServer {
  private server: Server | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly state: HealthState,
    private readonly metrics: AgentMetrics,
  ) {}

  async start(): Promise<{ port: number }> {
    this.server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method !== 'GET') {
        response.writeHead(405).end();
      } else if (path === '/healthz') {
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
      } else if (path === '/readyz') {
        const { ready, detail } = this.state.ready();
        response.writeHead(ready ? 200 : 503, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: ready ? 'ready' : 'not ready', ...detail }));
      } else if (path === '/metrics') {
        this.metrics.registry.metrics().then(
          (text) => response.writeHead(200, { 'Content-Type': this.metrics.registry.contentType }).end(text),
          () => response.writeHead(500).end(),
        );
      } else {
        response.writeHead(404).end();
      }
    });
    this.server.listen(this.port, this.host);
    await once(this.server, 'listening');
    const address = this.server.address();
    return { port: typeof address === 'object' && address ? address.port : this.port };
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }
}
