import { Controller, Get, Inject } from '@nestjs/common';
import { OpenApiDocument } from '@ratchet/contracts';

import { Endpoint } from '../../common/http/endpoint.decorator.js';

export const OPENAPI_DOCUMENT = Symbol('OPENAPI_DOCUMENT');

/** Holder filled at bootstrap, once every controller is known. */
export interface OpenApiDocumentRef {
  document?: Record<string, unknown>;
}

@Controller('api')
export class OpenApiController {
  constructor(@Inject(OPENAPI_DOCUMENT) private readonly ref: OpenApiDocumentRef) {}

  @Get('openapi.json')
  @Endpoint({ summary: 'This OpenAPI document', tag: 'meta', auth: 'public', response: OpenApiDocument })
  document(): Record<string, unknown> {
    return this.ref.document ?? {};
  }
}
