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
      lockMs: 30_000,
    });
  });

  it('names each bad variable', () => {
    expect(() => parseWorkerConfig({ ...base, REDIS_URL: 'http://x', RATCHET_WORKER_CONCURRENCY: '0' })).toThrow(WorkerConfigError);
    expect(() => parseWorkerConfig({ ...base, RATCHET_WORKER_CONCURRENCY: '0' })).toThrow(/RATCHET_WORKER_CONCURRENCY/);
    expect(() => parseWorkerConfig({ REDIS_URL: base.REDIS_URL })).toThrow(/DATABASE_URL/);
    expect(() => parseWorkerConfig({ ...base, RATCHET_WORKER_LOCK_MS: '10' })).toThrow(/RATCHET_WORKER_LOCK_MS/);
  });
});
