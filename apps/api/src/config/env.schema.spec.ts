import { describe, expect, it } from '@jest/globals';

import { ConfigError, parseApiEnv } from './env.schema.js';

const valid = { DATABASE_URL: 'postgresql://ratchet@127.0.0.1:5432/ratchet', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('parseApiEnv', () => {
  it('applies defaults to a minimal environment', () => {
    const sut = parseApiEnv(valid);
    expect(sut.PORT).toBe(3000);
    expect(sut.RATCHET_COOKIE_SECURE).toBe(false);
    expect(sut.RATCHET_INGEST_MAX_BYTES).toBe(8 * 1024 * 1024);
  });

  it('names every missing variable', () => {
    expect(() => parseApiEnv({})).toThrow(ConfigError);
    expect(() => parseApiEnv({})).toThrow(/DATABASE_URL is not set[\s\S]*REDIS_URL is not set/);
  });

  it('names a variable with a bad value and says what is expected', () => {
    expect(() => parseApiEnv({ ...valid, DATABASE_URL: 'mysql://x@y/z' })).toThrow(/DATABASE_URL is invalid: must start with postgresql:\/\//);
    expect(() => parseApiEnv({ ...valid, PORT: 'eighty' })).toThrow(/PORT is invalid/);
    expect(() => parseApiEnv({ ...valid, RATCHET_COOKIE_SECURE: 'yes' })).toThrow(/RATCHET_COOKIE_SECURE is invalid/);
  });

  it('never echoes a secret value in its message', () => {
    const secret = 'postgresql-but-not-really://user:hunter2@db/ratchet';
    let message = '';
    try {
      parseApiEnv({ ...valid, DATABASE_URL: secret });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('hunter2');
  });
});
