import { describe, expect, it } from '@jest/globals';

import { WorkerConfigError, parseWorkerConfig } from './worker-config.js';

describe('parseWorkerConfig', () => {
  const base = { DATABASE_URL: 'postgresql://u@127.0.0.1:5432/db', REDIS_URL: 'redis://127.0.0.1:6379' };

  it('applies defaults', () => {
    expect(parseWorkerConfig(base)).toEqual({
      databaseUrl: base.DATABASE_URL,
      redisUrl: base.REDIS_URL,
      concurrency: 4,
      metricsPort: 9465,
      logLevel: 'info',
      schedules: true,
      alertAllowedHosts: [],
      lockMs: 30_000,
    });
    expect(parseWorkerConfig({ ...base, RATCHET_SCHEDULES: 'off' }).schedules).toBe(false);
  });

  it('reads RATCHET_ALERT_ALLOWED_HOSTS as lowercased hosts and refuses ports and wildcards', () => {
    expect(parseWorkerConfig({ ...base, RATCHET_ALERT_ALLOWED_HOSTS: ' Receiver.Internal, 127.0.0.1 ,::1' }).alertAllowedHosts).toEqual(['receiver.internal', '127.0.0.1', '::1']);
    expect(() => parseWorkerConfig({ ...base, RATCHET_ALERT_ALLOWED_HOSTS: 'localhost:8080' })).toThrow(/RATCHET_ALERT_ALLOWED_HOSTS/);
    expect(() => parseWorkerConfig({ ...base, RATCHET_ALERT_ALLOWED_HOSTS: '*.internal' })).toThrow(/RATCHET_ALERT_ALLOWED_HOSTS/);
  });

  it('names each bad variable', () => {
    expect(() => parseWorkerConfig({ ...base, REDIS_URL: 'http://x', RATCHET_WORKER_CONCURRENCY: '0' })).toThrow(WorkerConfigError);
    expect(() => parseWorkerConfig({ ...base, RATCHET_WORKER_CONCURRENCY: '0' })).toThrow(/RATCHET_WORKER_CONCURRENCY/);
    expect(() => parseWorkerConfig({ REDIS_URL: base.REDIS_URL })).toThrow(/DATABASE_URL/);
    expect(() => parseWorkerConfig({ ...base, RATCHET_SCHEDULES: 'yes' })).toThrow(/RATCHET_SCHEDULES/);
    expect(() => parseWorkerConfig({ ...base, RATCHET_WORKER_LOCK_MS: '10' })).toThrow(/RATCHET_WORKER_LOCK_MS/);
  });
});
