import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { once } from 'node:events';

import { KubernetesAuditEventList } from '@ratchet/contracts';

import type { Logger } from '../common/logger.js';
import type { AgentMetrics } from '../common/metrics.js';
import type { AuditForwarder } from './audit-forwarder.js';

export interface AuditWebhookOptions {
  host: string;
  port: number;
  maxBytes: number;
  /** PEM certificate and key; plain HTTP without them (e.g. behind a TLS-terminating sidecar, or in tests). */
  tls?: { cert: string; key: string };
}

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function answer(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * The endpoint the apiserver's audit webhook backend posts to: `POST` with an `audit.k8s.io/v1` `EventList`.
 * The events are spooled before the answer (200), so an accepted post is never lost. A body that is not an
 * EventList gets a 4xx naming the problem and is counted; the agent stays up.
 */
export class AuditWebhookServer {
  private server: Server | undefined;

  constructor(
    private readonly options: AuditWebhookOptions,
    private readonly forwarder: AuditForwarder,
    private readonly log: Logger,
    private readonly metrics: AgentMetrics,
  ) {}

  async start(): Promise<{ port: number }> {
    const handler = (request: IncomingMessage, response: ServerResponse) => {
      this.handle(request, response).catch((error: unknown) => {
        this.log.error({ err: (error as Error).message }, 'audit webhook request failed');
        if (!response.headersSent) answer(response, 500, { message: 'internal error' });
      });
    };
    this.server = this.options.tls ? createHttpsServer({ cert: this.options.tls.cert, key: this.options.tls.key }, handler) : createHttpServer(handler);
    this.server.listen(this.options.port, this.options.host);
    await once(this.server, 'listening');
    const address = this.server.address();
    return { port: typeof address === 'object' && address ? address.port : this.options.port };
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') return answer(response, 405, { message: 'POST an audit.k8s.io/v1 EventList' });
    const type = request.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type)) {
      this.metrics.malformedAudit.inc({ source: 'webhook' });
      return answer(response, 415, { message: 'Content-Type must be application/json' });
    }
    let body: Buffer;
    try {
      body = await readBody(request, this.options.maxBytes);
    } catch (error) {
      this.metrics.malformedAudit.inc({ source: 'webhook' });
      if (error instanceof BodyTooLarge) {
        request.resume();
        return answer(response, 413, { message: `body larger than ${this.options.maxBytes} bytes` });
      }
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (error) {
      this.metrics.malformedAudit.inc({ source: 'webhook' });
      this.log.warn({ err: (error as Error).message }, 'audit webhook body is not JSON');
      return answer(response, 400, { message: `body is not JSON: ${(error as Error).message}` });
    }
    // The list is checked loosely (kind, apiVersion, items array); each item is then read on its own so one
    // odd event does not cost the others.
    const list = KubernetesAuditEventList.pick({ kind: true, apiVersion: true }).safeParse(json);
    const items = (json as { items?: unknown } | null)?.items;
    if (!list.success || !Array.isArray(items)) {
      this.metrics.malformedAudit.inc({ source: 'webhook' });
      const issue = list.success ? { path: ['items'], message: 'must be an array' } : list.error.issues[0]!;
      this.log.warn({ issue }, 'audit webhook body is not an audit.k8s.io/v1 EventList');
      return answer(response, 400, { message: `not an audit.k8s.io/v1 EventList: ${issue.path.join('.') || '(root)'} ${issue.message}` });
    }
    let malformed = 0;
    for (const item of items) if (!this.forwarder.accept(item, 'webhook')) malformed++;
    await this.forwarder.flush();
    answer(response, 200, { received: items.length, malformed });
  }
}
