import { EventEmitter } from 'node:events';

import { describe, expect, it } from '@jest/globals';
import type { Response } from 'express';

import type { CsvValue } from './csv-format.util.js';
import { csvFilename, sendCsv } from './csv-response.util.js';

// Just enough of an Express response to watch what sendCsv does with it; `writable` is what write() answers,
// false meaning "buffer full, wait for drain".
class FakeResponse extends EventEmitter {
  statusCode = 0;
  headers: Record<string, string> = {};
  chunks: string[] = [];
  writable = true;
  writableEnded = false;
  destroyed = false;
  destroyedWith: Error | undefined;

  status(code: number) {
    this.statusCode = code;
    return this;
  }
  setHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  write(chunk: string) {
    this.chunks.push(chunk);
    return this.writable;
  }
  end() {
    this.writableEnded = true;
  }
  destroy(error: Error) {
    this.destroyed = true;
    this.destroyedWith = error;
    this.emit('close');
  }
  asResponse() {
    return this as unknown as Response;
  }
}

type Page = CsvValue[][];

/** Pages handed out on demand, recording how many were asked for and whether the reader was closed. */
function pagesOf(pages: (Page | Error)[]) {
  const state = { requested: 0, closed: false };
  async function* generate(): AsyncGenerator<Page> {
    try {
      for (const page of pages) {
        state.requested++;
        // Asynchronous like the query it stands for.
        const read = await Promise.resolve(page);
        if (read instanceof Error) throw read;
        yield read;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, pages: generate() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('sendCsv', () => {
  it('sends the headers, the header row, one chunk per page, then ends', async () => {
    const sut = new FakeResponse();
    const { pages } = pagesOf([[['a', 1]], [['b,c', null], ['=x', 2]]]);
    await sendCsv(sut.asResponse(), { filename: 'findings-2026-07-01.csv', columns: ['name', 'count'], pages });
    expect(sut.statusCode).toBe(200);
    expect(sut.headers).toMatchObject({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="findings-2026-07-01.csv"',
    });
    expect(sut.chunks).toEqual(['name,count\r\n', 'a,1\r\n', `"b,c",\r\n'=x,2\r\n`]);
    expect(sut.writableEnded).toBe(true);
  });

  it('reads the next page only once the response has drained', async () => {
    const sut = new FakeResponse();
    sut.writable = false;
    const { state, pages } = pagesOf([[['1']], [['2']], [['3']]]);
    const done = sendCsv(sut.asResponse(), { filename: 'x.csv', columns: ['n'], pages });
    await settle();
    expect({ requested: state.requested, chunks: sut.chunks.length }).toEqual({ requested: 1, chunks: 1 });
    sut.emit('drain');
    await settle();
    expect({ requested: state.requested, chunks: sut.chunks.length }).toEqual({ requested: 1, chunks: 2 });
    sut.emit('drain');
    await settle();
    expect({ requested: state.requested, chunks: sut.chunks.length }).toEqual({ requested: 2, chunks: 3 });
    sut.writable = true;
    sut.emit('drain');
    await done;
    expect(sut.chunks).toEqual(['n\r\n', '1\r\n', '2\r\n', '3\r\n']);
    expect(sut.writableEnded).toBe(true);
  });

  it('stops reading, without ending or failing, when the client goes away mid-download', async () => {
    const sut = new FakeResponse();
    sut.writable = false;
    const { state, pages } = pagesOf([[['1']], [['2']], [['3']]]);
    const done = sendCsv(sut.asResponse(), { filename: 'x.csv', columns: ['n'], pages });
    await settle();
    sut.emit('close');
    await done;
    expect(state).toEqual({ requested: 1, closed: true });
    expect(sut.writableEnded).toBe(false);
    expect(sut.destroyed).toBe(false);
  });

  it('fails before sending anything when the first page cannot be read, so the error can still be JSON', async () => {
    const sut = new FakeResponse();
    const { pages } = pagesOf([new Error('database down')]);
    await expect(sendCsv(sut.asResponse(), { filename: 'x.csv', columns: ['n'], pages })).rejects.toThrow('database down');
    expect({ status: sut.statusCode, headers: sut.headers, chunks: sut.chunks }).toEqual({ status: 0, headers: {}, chunks: [] });
  });

  it('cuts the response short when a later page fails, so the client sees an incomplete download', async () => {
    const sut = new FakeResponse();
    const failure = new Error('connection lost');
    const { state, pages } = pagesOf([[['1']], failure]);
    await sendCsv(sut.asResponse(), { filename: 'x.csv', columns: ['n'], pages });
    expect(sut.destroyedWith).toBe(failure);
    expect(sut.writableEnded).toBe(false);
    expect(state.closed).toBe(true);
  });
});

describe('csvFilename', () => {
  it('dates the file in UTC', () => {
    expect(csvFilename('findings', new Date('2026-07-01T23:30:00-02:00'))).toBe('findings-2026-07-02.csv');
  });
});
