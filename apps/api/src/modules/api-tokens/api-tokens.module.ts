import { Module } from '@nestjs/common';

import { ApiTokensController } from './api-tokens.controller.js';
import { ApiTokensRepository } from './api-tokens.repository.js';
import { ApiTokensService } from './api-tokens.service.js';

/** Tokens for the public REST API: read-only or read-write, shown once, stored hashed, revocable. */
@Module({ controllers: [ApiTokensController], providers: [ApiTokensService, ApiTokensRepository] })
export class ApiTokensModule {}
