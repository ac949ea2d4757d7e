/**
 * The API's clock, wherever an answer depends on the time: ingest bounds the agent's `observedAt` by it; the gate's
 * audit window, namespace readiness (provisional, audit blocks past auditBlockedUntil), recommendations, trend and
 * audit-event default ranges and the agent status are read at it.
 * One instance per app (InfraModule); tests pass a fixed one through CreateAppOptions.now.
 */
export class Clock {
  constructor(private readonly read: () => Date = () => new Date()) {}

  /** The current time. */
  now(): Date {
    return this.read();
  }
}
