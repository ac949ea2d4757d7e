import { readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';

import { tempDir } from '../../test/support/agent-harness.js';
import { systemClock } from '../common/clock.js';
import { AgentMetrics } from '../common/metrics.js';
import { ApiClient } from './api.client.js';
import { DeliveryService, TokenState } from './delivery.service.js';
import { Spool } from './spool.js';

// The spool against a real local HTTP server: what is posted is each batch's body as read back from its file.
const received: { key: string; body: string }[] = [];
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    received.push({ key: String(request.headers['idempotency-key']), body: Buffer.concat(chunks).toString('utf8') });
    response.writeHead(202, { 'Content-Type': 'application/json' }).end('{}');
  });
});
let api: ApiClient;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'rat_agent_test');
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('DeliveryService', () => {
  it('posts each spooled body byte for byte, and drops a batch whose file is gone instead of retrying it forever', async () => {
    const dir = await tempDir('delivery');
    const metrics = new AgentMetrics();
    const log = pino({ level: 'silent' });
    const spool = await Spool.open(dir, 1 << 20, log, metrics);
    const bodies = [{ events: [{ n: 1, text: 'café' }] }, { events: [{ n: 2 }] }, { events: [{ n: 3 }] }];
    await spool.add(bodies.map((body) => ({ kind: 'audit' as const, path: '/api/v1/ingest/audit-events', body })));
    // The middle batch's file disappears under the agent (a damaged or cleaned emptyDir).
    const middle = (await readdir(dir)).sort()[1]!;
    await rm(join(dir, middle));

    const sut = new DeliveryService(spool, api, new TokenState(), () => undefined, systemClock, log, metrics);
    sut.start();
    await sut.idle();
    await sut.stop();

    expect(received.map((r) => r.body)).toEqual([JSON.stringify(bodies[0]), JSON.stringify(bodies[2])]);
    expect(new Set(received.map((r) => r.key)).size).toBe(2);
    expect(spool.size).toEqual({ batches: 0, bytes: 0 });
    const sent = (await metrics.batchesSent.get()).values.map((v) => [v.labels['result'], v.value]);
    expect(sent.sort()).toEqual([
      ['accepted', 2],
      ['rejected', 1],
    ]);
  });
});
