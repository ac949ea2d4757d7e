import { describe, expect, it } from '@jest/globals';

import { ConfigError, parseApiEnv } from './env.schema.js';

const valid = { DATABASE_URL: 'postgresql://ratchet@127.0.0.1:5432/ratchet', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('parseApiEnv', () => {
  it('applies defaults to a minimal environment', () => {
    const sut = parseApiEnv(valid);
    expect(sut.PORT).toBe(3000);
    expect(sut.RATCHET_COOKIE_SECURE).toBe(false);
    expect(sut.RATCHET_INGEST_MAX_BYTES).toBe(8 * 1024 * 1024);
    expect(sut.RATCHET_DB_POOL_SIZE).toBe(10);
    expect(sut.RATCHET_METRICS_PORT).toBe(9464);
    expect(sut.RATCHET_TRUSTED_PROXIES).toEqual(['loopback']);
  });

  it('defaults the public URL to the port the API listens on', () => {
    expect(parseApiEnv(valid).RATCHET_PUBLIC_URL).toBe('http://localhost:3000');
    expect(parseApiEnv({ ...valid, PORT: '8080' }).RATCHET_PUBLIC_URL).toBe('http://localhost:8080');
    expect(parseApiEnv({ ...valid, PORT: '8080', RATCHET_PUBLIC_URL: 'https://ratchet.example.com/' }).RATCHET_PUBLIC_URL).toBe('https://ratchet.example.com');
  });

  it('marks the session cookie Secure by default exactly when the public URL is https', () => {
    expect(parseApiEnv(valid).RATCHET_COOKIE_SECURE).toBe(false);
    expect(parseApiEnv({ ...valid, RATCHET_PUBLIC_URL: 'https://ratchet.example.com' }).RATCHET_COOKIE_SECURE).toBe(true);
    expect(parseApiEnv({ ...valid, RATCHET_PUBLIC_URL: 'https://ratchet.example.com', RATCHET_COOKIE_SECURE: 'false' }).RATCHET_COOKIE_SECURE).toBe(false);
  });

  it('reads trusted proxies as addresses, CIDRs and Express names, and refuses anything else', () => {
    expect(parseApiEnv({ ...valid, RATCHET_TRUSTED_PROXIES: '10.0.0.0/8, loopback,fd00::1' }).RATCHET_TRUSTED_PROXIES).toEqual(['10.0.0.0/8', 'loopback', 'fd00::1']);
    expect(parseApiEnv({ ...valid, RATCHET_TRUSTED_PROXIES: '' }).RATCHET_TRUSTED_PROXIES).toEqual([]);
    expect(() => parseApiEnv({ ...valid, RATCHET_TRUSTED_PROXIES: 'ingress.local' })).toThrow(/RATCHET_TRUSTED_PROXIES is invalid/);
    expect(() => parseApiEnv({ ...valid, RATCHET_TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/RATCHET_TRUSTED_PROXIES is invalid/);
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
