import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger } from 'pino';

/** One structured logger for the agent; the token never appears in a log line (it is redacted if passed). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'ratchet-agent' }, redact: ['token', 'headers.authorization', 'headers.Authorization'] });
}
