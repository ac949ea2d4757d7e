import { readFile, readdir, writeFile } from 'node:fs/promises';

import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';

import { tempDir } from '../../test/support/agent-harness.js';
import { AgentMetrics } from '../common/metrics.js';
import type { BatchKind } from '@ratchet/collector';

import type { SpooledBatch } from './outgoing-batch.types.js';
import { Spool } from './spool.js';

const log = pino({ level: 'silent' });
const batch = (kind: BatchKind, fill: number) => ({ kind, path: `/api/v1/ingest/${kind}`, body: { fill: 'x'.repeat(fill) } });

describe('Spool', () => {
  it('drops the oldest inventory deltas first when full, reports each drop, and resumes in order after a restart', async () => {
    const dir = await tempDir('spool');
    const dropped: SpooledBatch[] = [];
    const metrics = new AgentMetrics();
    const sut = await Spool.open(dir, 64 * 1024, log, metrics, (b) => dropped.push(b));
    await sut.add([batch('resync', 20_000), batch('delta', 20_000), batch('audit', 10_000), batch('delta', 10_000)]);
    await sut.add([batch('audit', 15_000)]);

    expect(dropped.map((b) => b.kind)).toEqual(['delta']);
    expect(sut.size.bytes).toBeLessThanOrEqual(64 * 1024);
    expect((await metrics.batchesDropped.get()).values).toEqual([expect.objectContaining({ labels: { kind: 'delta' }, value: 1 })]);

    const keys = [];
    const reopened = await Spool.open(dir, 64 * 1024, log, new AgentMetrics());
    for (let next = reopened.peek(); next; next = reopened.peek()) {
      keys.push(`${next.kind}:${next.idempotencyKey}`);
      await reopened.remove(next);
    }
    expect(keys.map((k) => k.split(':')[0])).toEqual(['resync', 'audit', 'delta', 'audit']);
    expect(await readdir(dir)).toEqual([]);
  });

  it('drops a batch larger than the whole spool instead of spooling it', async () => {
    const dropped: SpooledBatch[] = [];
    const sut = await Spool.open(await tempDir('spool'), 64 * 1024, log, new AgentMetrics(), (b) => dropped.push(b));
    await sut.add([batch('audit', 70_000)]);
    expect(dropped).toHaveLength(1);
    expect(sut.size).toEqual({ batches: 0, bytes: 0 });
  });

  it('keeps the idempotency key across a restart, and removes an unreadable file', async () => {
    const dir = await tempDir('spool');
    const first = await Spool.open(dir, 64 * 1024, log, new AgentMetrics());
    await first.add([batch('delta', 10)]);
    const key = first.peek()!.idempotencyKey;
    await writeFile(`${dir}/000000000099.delta.json`, '{"truncated');
    const sut = await Spool.open(dir, 64 * 1024, log, new AgentMetrics());
    expect(sut.size.batches).toBe(1);
    expect(sut.peek()!.idempotencyKey).toBe(key);
    expect((await readdir(dir)).sort()).toEqual(['000000000001.delta.json']);
  });

  it('keeps bodies on disk and reads back the exact JSON to post, taking a lazy iterable one batch at a time', async () => {
    const dir = await tempDir('spool');
    const sut = await Spool.open(dir, 64 * 1024, log, new AgentMetrics());
    const bodies = [{ syncId: 's', chunk: 1, projections: { h1: { a: 1 }, h2: { b: 'é' } } }, { syncId: 's', chunk: 2, knownProjectionHashes: ['h1'] }];
    const taken: number[] = [];
    function* lazy() {
      for (const [i, body] of bodies.entries()) {
        taken.push(sut.size.batches); // what was already spooled when this one was asked for
        yield { kind: 'resync' as const, path: '/api/v1/ingest/inventory/resync', body: { ...body, i } };
      }
    }
    expect(await sut.add(lazy())).toBe(2);
    expect(taken).toEqual([0, 1]);
    const first = sut.peek()!;
    expect(first).not.toHaveProperty('bodyJson');
    expect(first.carries).toEqual(['h1', 'h2']);
    expect(await sut.body(first)).toBe(JSON.stringify({ ...bodies[0], i: 0 }));
    expect(sut.size.bytes).toBe((await Promise.all((await readdir(dir)).map((f) => readFile(`${dir}/${f}`)))).reduce((n, b) => n + b.length, 0));

    const reopened = await Spool.open(dir, 64 * 1024, log, new AgentMetrics());
    expect(reopened.peek()!.carries).toEqual(['h1', 'h2']);
    await reopened.remove(reopened.peek()!);
    expect(await reopened.body(reopened.peek()!)).toBe(JSON.stringify({ ...bodies[1], i: 1 }));
  });
});
