import type { Clock } from '../../src/common/clock.js';

interface Sleeper {
  due: number;
  ms: number;
  resolve: () => void;
}

/** A clock that moves only when the test says so; every requested sleep is recorded. */
export class ManualClock implements Clock {
  private time = Date.parse('2026-11-30T12:00:00Z');
  private sleepers: Sleeper[] = [];
  /** Every sleep asked for, in milliseconds, in order. */
  readonly requested: number[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.requested.push(ms);
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper: Sleeper = { due: this.time + ms, ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves time forward, waking every sleeper that falls due. */
  advance(ms: number): void {
    this.time += ms;
    const due = this.sleepers.filter((s) => s.due <= this.time);
    this.sleepers = this.sleepers.filter((s) => s.due > this.time);
    for (const sleeper of due) sleeper.resolve();
  }

  get pending(): number {
    return this.sleepers.length;
  }
}

/** Waits (real time, at most `timeoutMs`) until `predicate` holds, advancing `clock` by `stepMs` meanwhile. */
export async function until(predicate: () => boolean | Promise<boolean>, options: { clock?: ManualClock; stepMs?: number; timeoutMs?: number; what?: string } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'a condition'}`);
    options.clock?.advance(options.stepMs ?? 100);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
