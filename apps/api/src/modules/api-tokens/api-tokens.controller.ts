import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTokenCreated, ApiTokenList, ApiTokenParams, CreateApiTokenRequest } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { ApiTokensService } from './api-tokens.service.js';

const TAG = 'api-tokens';

@Controller('api/v1/api-tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Post()
  @Endpoint({
    summary: 'Create an API token (read-only or read-write); the secret is shown once',
    tag: TAG,
    auth: 'user',
    role: 'admin',
    body: CreateApiTokenRequest,
    response: ApiTokenCreated,
  })
  create(@Tenant() ctx: TenantContext, @Input('body') body: CreateApiTokenRequest): Promise<ApiTokenCreated> {
    return this.tokens.create(ctx, body);
  }

  @Get()
  @Endpoint({ summary: "The organization's API tokens, without their secrets", tag: TAG, auth: 'user', role: 'viewer', response: ApiTokenList })
  list(@Tenant() ctx: TenantContext): Promise<ApiTokenList> {
    return this.tokens.list(ctx);
  }

  @Delete(':tokenId')
  @HttpCode(204)
  @Endpoint({ summary: 'Revoke an API token', tag: TAG, auth: 'user', role: 'admin', params: ApiTokenParams, status: 204 })
  revoke(@Tenant() ctx: TenantContext, @Input('params') params: ApiTokenParams): Promise<void> {
    return this.tokens.revoke(ctx, params.tokenId);
  }
}
