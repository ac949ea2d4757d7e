import { Injectable } from '@nestjs/common';

import { Database } from '../../infra/database.provider.js';
import { RedisConnection } from '../../infra/redis.provider.js';

export interface Readiness {
  status: 'ok' | 'unavailable';
  checks: Record<'postgres' | 'redis', { status: 'ok' | 'down'; error?: string; latencyMs: number }>;
}

const TIMEOUT_MS = 2000;

async function probe(ping: () => Promise<void>): Promise<{ status: 'ok' | 'down'; error?: string; latencyMs: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'down', error: (error as Error).message, latencyMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class HealthService {
  constructor(
    private readonly database: Database,
    private readonly redis: RedisConnection,
  ) {}

  async readiness(): Promise<Readiness> {
    const [postgres, redis] = await Promise.all([probe(() => this.database.ping()), probe(() => this.redis.ping())]);
    return { status: postgres.status === 'ok' && redis.status === 'ok' ? 'ok' : 'unavailable', checks: { postgres, redis } };
  }
}
