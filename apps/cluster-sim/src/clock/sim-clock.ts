/**
 * The simulator's clock. Scenarios, timestamps and audit times read it; nothing in the simulator reads
 * `Date.now()` directly, so a test drives time with `advance(ms)` and the demo with a real-time ticker.
 */
export class SimClock {
  private nowMs: number;

  constructor(startMs: number) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  /** RFC 3339 with seconds, as Kubernetes writes `metav1.Time`. */
  isoSeconds(): string {
    return new Date(Math.floor(this.nowMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }

  /** RFC 3339 with microseconds, as the audit backend writes `metav1.MicroTime`. */
  isoMicros(offsetMicros = 0): string {
    const micros = Math.floor(this.nowMs * 1000) + offsetMicros;
    const seconds = Math.floor(micros / 1_000_000);
    const fraction = String(micros % 1_000_000).padStart(6, '0');
    return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms): ms must be a finite number >= 0, got ${ms}`);
    this.nowMs += ms;
  }
}
