import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

import { AppError } from '../../common/errors/app-error.js';
import { RedisConnection } from '../../infra/redis.provider.js';

/** Wrong passwords an account absorbs before each further one costs a wait. */
export const FREE_FAILURES = 5;
/** The longest wait: doubling from 1 s reaches it after 10 more failures. */
export const MAX_LOCK_SECONDS = 15 * 60;
// Consecutive failures are forgotten a day after the last one.
const FAILURE_MEMORY_SECONDS = 24 * 3600;

/**
 * Login throttling per account, on top of the per-address limit: an attacker with many addresses (or every user
 * behind one ingress) is still slowed on each account. After FREE_FAILURES consecutive wrong passwords, every
 * further failure locks the account's logins for 1 s, 2 s, 4 s ... up to MAX_LOCK_SECONDS; while locked, every
 * attempt (right password or not) answers 429 with Retry-After, before any password check. A success resets it.
 * Counts live in Redis (shared by replicas), keyed by a hash of the email, never the email itself; when Redis is
 * down each process counts in memory.
 */
@Injectable()
export class LoginThrottle {
  private readonly failures: RateLimiterRedis;
  private readonly lockout: RateLimiterRedis;

  constructor(redis: RedisConnection) {
    this.failures = new RateLimiterRedis({
      storeClient: redis.client,
      keyPrefix: 'ratchet:login-failures',
      points: Number.MAX_SAFE_INTEGER,
      duration: FAILURE_MEMORY_SECONDS,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: 'login-failures', points: Number.MAX_SAFE_INTEGER, duration: FAILURE_MEMORY_SECONDS }),
    });
    this.lockout = new RateLimiterRedis({
      storeClient: redis.client,
      keyPrefix: 'ratchet:login-lockout',
      points: 1,
      duration: MAX_LOCK_SECONDS,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: 'login-lockout', points: 1, duration: MAX_LOCK_SECONDS }),
    });
  }

  /** Throws 429 `rate_limited` (details.retryAfterSeconds) while the account's logins are locked. */
  async assertAllowed(email: string): Promise<void> {
    const lock = await this.lockout.get(accountKey(email));
    if (lock && lock.consumedPoints > 1 && lock.msBeforeNext > 0) throw lockedError(lock);
  }

  /** Records a wrong password; returns the seconds the account is now locked for (0 while failures are free). */
  async recordFailure(email: string): Promise<number> {
    const key = accountKey(email);
    const failures = await this.failures.penalty(key, 1);
    const beyondFree = failures.consumedPoints - FREE_FAILURES;
    if (beyondFree < 1) return 0;
    const seconds = Math.min(2 ** (beyondFree - 1), MAX_LOCK_SECONDS);
    await this.lockout.block(key, seconds);
    return seconds;
  }

  async recordSuccess(email: string): Promise<void> {
    const key = accountKey(email);
    await Promise.all([this.failures.delete(key), this.lockout.delete(key)]);
  }
}

function accountKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

function lockedError(lock: RateLimiterRes): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(lock.msBeforeNext / 1000));
  return new AppError('rate_limited', `too many wrong passwords for this account; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
}
