import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

import { API_CONFIG } from '../../config/api-config.js';
import type { ApiConfig } from '../../config/api-config.js';
import { RedisConnection } from '../../infra/redis.provider.js';
import { AppError } from '../errors/app-error.js';
import type { EndpointSpec } from '../http/endpoint.decorator.js';
import { ENDPOINT_METADATA } from '../http/endpoint.decorator.js';
import type { RatchetRequest } from '../http/validated-request.js';

/**
 * Fixed budgets per minute, shared across API replicas through Redis. When Redis is unreachable each process
 * falls back to its own in-memory budget, so limits hold roughly and ingest keeps working.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limiters: Record<NonNullable<EndpointSpec['rateLimit']>, RateLimiterAbstract>;

  constructor(
    private readonly reflector: Reflector,
    redis: RedisConnection,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    const limiter = (keyPrefix: string, points: number) =>
      new RateLimiterRedis({
        storeClient: redis.client,
        keyPrefix: `ratchet:rl:${keyPrefix}`,
        points,
        duration: 60,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: 60 }),
      });
    this.limiters = {
      login: limiter('login', config.RATCHET_LOGIN_RATE_PER_MINUTE),
      ingest: limiter('ingest', config.RATCHET_INGEST_RATE_PER_MINUTE),
    };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const spec = this.reflector.get<EndpointSpec | undefined>(ENDPOINT_METADATA, context.getHandler());
    if (!spec?.rateLimit) return true;
    const request = context.switchToHttp().getRequest<RatchetRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    // Ingest is budgeted per cluster (its token), login per client address.
    const key = spec.rateLimit === 'ingest' && request.tenant?.actor.kind === 'agent' ? request.tenant.actor.clusterId : request.ip ?? 'unknown';
    try {
      await this.limiters[spec.rateLimit].consume(key);
      return true;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      response.setHeader('Retry-After', String(retryAfter));
      throw new AppError('rate_limited', `too many requests; retry in ${retryAfter} s`, { retryAfterSeconds: retryAfter });
    }
  }
}
