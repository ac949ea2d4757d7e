import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { formatZodIssues } from '@ratchet/contracts';
import type { Observable } from 'rxjs';
import type { ZodType } from 'zod';

import { AppError } from '../errors/app-error.js';
import type { EndpointSpec } from './endpoint.decorator.js';
import { ENDPOINT_METADATA } from './endpoint.decorator.js';
import type { RatchetRequest, ValidatedInput } from './validated-request.js';

/**
 * Parses params, query and body with the endpoint's zod contracts after authentication, so a bad request is a
 * 400 naming every bad field and a handler only ever sees parsed input.
 */
@Injectable()
export class ValidationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<EndpointSpec | undefined>(ENDPOINT_METADATA, context.getHandler());
    if (spec) {
      const request = context.switchToHttp().getRequest<RatchetRequest>();
      const validated: ValidatedInput = {};
      const issues: { path: string; message: string }[] = [];
      const parse = (part: keyof ValidatedInput, schema: ZodType | undefined, value: unknown) => {
        if (!schema) return;
        const result = schema.safeParse(value);
        if (result.success) validated[part] = result.data;
        else issues.push(...formatZodIssues(result.error).map((issue) => ({ ...issue, path: `${part}${issue.path ? `.${issue.path}` : ''}` })));
      };
      parse('params', spec.params, request.params);
      parse('query', spec.query, request.query);
      parse('body', spec.body, request.body);
      if (issues.length > 0) throw new AppError('validation_failed', `invalid request: ${issues[0]!.path}: ${issues[0]!.message}`, { issues });
      request.validated = validated;
    }
    return next.handle();
  }
}
