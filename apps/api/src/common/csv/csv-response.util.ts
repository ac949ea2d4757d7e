import { Logger } from '@nestjs/common';
import type { Response } from 'express';

import type { CsvValue } from './csv-format.util.js';
import { csvLine } from './csv-format.util.js';

/** A CSV file to stream: its name, header row, and records read a page at a time. */
export interface CsvDownload {
  filename: string;
  columns: readonly string[];
  pages: AsyncIterable<readonly (readonly CsvValue[])[]>;
}

class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
}

const logger = new Logger('CsvExport');

// Resolves once the socket has taken what was buffered; rejects if the client goes away first, since no
// 'drain' would ever come.
function drained(response: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      response.off('drain', onDrain);
      response.off('close', onClose);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new ClientGoneError());
    };
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}

async function write(response: Response, chunk: string): Promise<void> {
  if (response.destroyed || response.writableEnded) throw new ClientGoneError();
  if (!response.write(chunk)) await drained(response);
}

/**
 * Streams a CSV download: one write per page of records, and the next page is read only once the socket has
 * drained the previous one, so memory holds about one page whatever the size of the file. The first page is
 * read before anything is sent, so a failing query still answers with a JSON error; a failure later can only
 * cut the response short, which the client sees as an incomplete transfer.
 */
export async function sendCsv(response: Response, download: CsvDownload): Promise<void> {
  const pages = download.pages[Symbol.asyncIterator]();
  let page = await pages.next();
  response.status(200);
  response.setHeader('Content-Type', 'text/csv; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="${download.filename}"`);
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  try {
    await write(response, csvLine(download.columns));
    while (!page.done) {
      await write(response, page.value.map(csvLine).join(''));
      page = await pages.next();
    }
    response.end();
  } catch (error) {
    await pages.return?.();
    if (error instanceof ClientGoneError) return;
    logger.error(`CSV export ${download.filename} failed after its first page: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    response.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

/** `<prefix>-YYYY-MM-DD.csv`, dated in UTC. */
export function csvFilename(prefix: string, now: Date): string {
  return `${prefix}-${now.toISOString().slice(0, 10)}.csv`;
}
