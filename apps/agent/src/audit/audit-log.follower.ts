import { open, readFile, stat, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

import type { Logger } from '../common/logger.js';
import type { AgentMetrics } from '../common/metrics.js';
import type { AuditForwarder } from './audit-forwarder.js';

interface Position {
  ino: number;
  offset: number;
}

/** Longest line kept; a longer one is counted as malformed and skipped. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;

/**
 * Follows an apiserver audit log (`--audit-log-path`, one JSON event per line) like `tail -F`: reads what is
 * appended, and when the file is rotated (renamed and recreated, by inode) finishes the old file before
 * starting the new one from its beginning; a truncated file is read again from the start. The position is
 * saved in `positionFile` after each read, so a restarted agent resumes where it stopped; the first start
 * begins at the end (history is not replayed).
 */
export class AuditLogFollower {
  private handle: FileHandle | undefined;
  private position: Position | undefined;
  private partial = '';
  private decoder = new StringDecoder('utf8');
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly positionFile: string,
    private readonly forwarder: AuditForwarder,
    private readonly log: Logger,
    private readonly metrics: AgentMetrics,
    private readonly pollMs = 1000,
  ) {}

  async start(): Promise<void> {
    try {
      this.position = JSON.parse(await readFile(this.positionFile, 'utf8')) as Position;
    } catch {
      this.position = undefined;
    }
    await this.poll(true);
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll(false)).catch((error: unknown) => {
        this.log.warn({ path: this.path, err: (error as Error).message }, 'audit log read failed');
      });
    }, this.pollMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
    await this.forwarder.flush();
    await this.handle?.close();
  }

  /** Reads what is new now (tests call it instead of waiting for the timer). */
  readNow(): Promise<void> {
    this.polling = this.polling.then(() => this.poll(false));
    return this.polling;
  }

  private async poll(first: boolean): Promise<void> {
    let current;
    try {
      current = await stat(this.path);
    } catch {
      return; // not there yet, or between rotation steps
    }
    if (!this.handle) {
      this.handle = await open(this.path, 'r');
      const opened = await this.handle.stat();
      const resume = this.position?.ino === opened.ino && this.position.offset <= opened.size;
      this.position = { ino: opened.ino, offset: resume ? this.position!.offset : first ? opened.size : 0 };
    }
    if (current.ino !== this.position!.ino) {
      // Rotated: drain the old file, then follow the new one from its start.
      await this.drain();
      await this.handle.close();
      this.handle = await open(this.path, 'r');
      this.position = { ino: (await this.handle.stat()).ino, offset: 0 };
      this.partial = '';
      this.decoder = new StringDecoder('utf8');
    } else if (current.size < this.position!.offset) {
      this.log.info({ path: this.path }, 'audit log truncated: reading it from the start');
      this.position!.offset = 0;
      this.partial = '';
    }
    await this.drain();
    await this.forwarder.flush();
    await writeFile(this.positionFile, JSON.stringify(this.position));
  }

  private async drain(): Promise<void> {
    const buffer = Buffer.alloc(256 * 1024);
    for (;;) {
      const { bytesRead } = await this.handle!.read(buffer, 0, buffer.length, this.position!.offset);
      if (bytesRead === 0) return;
      this.position!.offset += bytesRead;
      const text = this.partial + this.decoder.write(buffer.subarray(0, bytesRead));
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      if (this.partial.length > MAX_LINE_BYTES) {
        this.metrics.malformedAudit.inc({ source: 'file' });
        this.partial = '';
      }
      for (const line of lines) this.line(line);
    }
  }

  private line(line: string): void {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      this.metrics.malformedAudit.inc({ source: 'file' });
      this.log.warn({ path: this.path, err: (error as Error).message }, 'audit log line is not JSON; skipped');
      return;
    }
    this.forwarder.accept(json, 'file');
  }
}
