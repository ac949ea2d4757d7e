import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';

import { OPENAPI_DOCUMENT, OpenApiController } from './openapi.controller.js';

@Module({
  imports: [DiscoveryModule],
  controllers: [OpenApiController],
  providers: [{ provide: OPENAPI_DOCUMENT, useValue: {} }],
  exports: [OPENAPI_DOCUMENT],
})
export class OpenApiModule {}
