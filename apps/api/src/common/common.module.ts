import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';

import { AuthGuard } from './auth/auth.guard.js';
import { AuthRepository } from './auth/auth.repository.js';
import { BrowserRequestGuard } from './auth/browser-request.guard.js';
import { ErrorFilter } from './filters/error.filter.js';
import { ValidationInterceptor } from './http/validation.interceptor.js';
import { RateLimitGuard } from './rate-limit/rate-limit.guard.js';

/**
 * Cross-cutting request handling, in order: refuse forged browser requests, authenticate, rate-limit, validate;
 * errors leave in one shape.
 */
@Global()
@Module({
  providers: [
    AuthRepository,
    { provide: APP_GUARD, useClass: BrowserRequestGuard },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_INTERCEPTOR, useClass: ValidationInterceptor },
    { provide: APP_FILTER, useClass: ErrorFilter },
  ],
  exports: [AuthRepository],
})
export class CommonModule {}
