/**
 * The API's clock, where a request's validity depends on the time (ingest bounds the agent's `observedAt` by it).
 * One instance per app (InfraModule); tests pass a fixed one through CreateAppOptions.now.
 */
export class Clock {
  constructor(private readonly read: () => Date = () => new Date()) {}

  /** The current time. */
  now(): Date {
    return this.read();
  }
}
