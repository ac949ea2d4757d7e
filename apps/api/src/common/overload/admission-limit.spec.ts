import type { Server } from 'node:http';

import { afterEach, describe, expect, it } from '@jest/globals';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';

import { AppError } from '../errors/app-error.js';
import { AdmissionLimit, admissionLimitFor } from './admission-limit.js';

/** A real HTTP server whose one route holds each request until the test releases it. */
function serverWith(sut: AdmissionLimit): { http: Server; releaseAll: () => void; arrived: () => number } {
  const held: (() => void)[] = [];
  let arrivals = 0;
  const app = express();
  app.use(sut.middleware());
  app.get('/work', (_req, res) => {
    arrivals += 1;
    held.push(() => res.json({ ok: true }));
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = error instanceof AppError ? error.status : 500;
    res.status(status).json({ code: error instanceof AppError ? error.code : 'internal' });
  });
  const http = app.listen(0, '127.0.0.1');
  return {
    http,
    releaseAll: () => held.splice(0).forEach((release) => release()),
    arrived: () => arrivals,
  };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 3 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('AdmissionLimit', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  it('sizes from the pool: twice the connections run, fifty per connection wait', () => {
    expect(admissionLimitFor(10)).toEqual({ concurrency: 20, queueLength: 500, maxWaitMs: 5000 });
  });

  it('runs `concurrency` requests, queues `queueLength` more, refuses the next with 503 + Retry-After, then serves the queued', async () => {
    const sut = new AdmissionLimit({ concurrency: 2, queueLength: 1, maxWaitMs: 5000 });
    const { http, releaseAll, arrived } = serverWith(sut);
    close = () => new Promise((resolve) => http.close(() => resolve()));
    const agent = request(http);
    const running = [agent.get('/work').then((r) => r), agent.get('/work').then((r) => r)];
    await until(() => arrived() === 2);
    const queued = agent.get('/work').then((r) => r);
    await until(() => sut.load.waiting === 1);
    const refused = await agent.get('/work');
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ code: 'unavailable' });
    expect(refused.headers['retry-after']).toBe('1');
    expect(arrived()).toBe(2);
    releaseAll();
    await until(() => arrived() === 3);
    releaseAll();
    const answers = await Promise.all([...running, queued]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(sut.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses a request that waited longer than maxWaitMs, and frees its place in the queue', async () => {
    const sut = new AdmissionLimit({ concurrency: 1, queueLength: 5, maxWaitMs: 100 });
    const { http, releaseAll, arrived } = serverWith(sut);
    close = () => new Promise((resolve) => http.close(() => resolve()));
    const agent = request(http);
    const first = agent.get('/work').then((r) => r);
    await until(() => arrived() === 1);
    const waited = await agent.get('/work');
    expect(waited.status).toBe(503);
    expect(waited.headers['retry-after']).toBe('1');
    expect(sut.load.waiting).toBe(0);
    releaseAll();
    expect((await first).status).toBe(200);
  });

  it('gives the slot back when a client goes away while its request runs', async () => {
    const sut = new AdmissionLimit({ concurrency: 1, queueLength: 5, maxWaitMs: 2000 });
    const { http, releaseAll, arrived } = serverWith(sut);
    close = () => new Promise((resolve) => http.close(() => resolve()));
    const abandoned = request(http).get('/work').timeout(50);
    await expect(abandoned).rejects.toThrow(/Timeout/);
    await until(() => sut.load.running === 0);
    const next = request(http).get('/work').then((r) => r);
    await until(() => arrived() === 2);
    releaseAll();
    expect((await next).status).toBe(200);
  });
});
