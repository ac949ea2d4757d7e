import { Injectable } from '@nestjs/common';
import type { ApiToken, ApiTokenAccess, ApiTokenCreated, ApiTokenList, CreateApiTokenRequest, OrgRole } from '@ratchet/contracts';

import { actingUser } from '../../common/auth/acting-user.util.js';
import type { TenantContext } from '../../common/auth/tenant-context.js';
import { TOKEN_PREFIX, issueToken } from '../../common/auth/token.util.js';
import { AppError } from '../../common/errors/app-error.js';
import { ApiTokensRepository } from './api-tokens.repository.js';
import type { ApiTokenRow } from './api-tokens.repository.js';

// A token's access is stored as the role it acts with: read-only reads like a viewer, read-write writes like an
// admin, and no token ever acts as an owner.
const ROLE_OF_ACCESS: Record<ApiTokenAccess, OrgRole> = { 'read-only': 'viewer', 'read-write': 'admin' };

function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    access: row.role === 'viewer' ? 'read-only' : 'read-write',
    prefix: row.tokenPrefix,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class ApiTokensService {
  constructor(private readonly tokens: ApiTokensRepository) {}

  async create(ctx: TenantContext, request: CreateApiTokenRequest): Promise<ApiTokenCreated> {
    const { userId } = actingUser(ctx);
    const issued = issueToken(TOKEN_PREFIX.apiToken);
    const expiresAt = request.expiresInDays === undefined ? null : new Date(Date.now() + request.expiresInDays * 86_400_000);
    const row = await this.tokens.create(ctx.orgId, {
      name: request.name,
      role: ROLE_OF_ACCESS[request.access],
      tokenHash: issued.hash,
      tokenPrefix: issued.displayPrefix,
      createdByUserId: userId,
      expiresAt,
    });
    return { apiToken: toApiToken(row), secret: issued.token };
  }

  async list(ctx: TenantContext): Promise<ApiTokenList> {
    return { items: (await this.tokens.list(ctx.orgId)).map(toApiToken) };
  }

  async revoke(ctx: TenantContext, tokenId: string): Promise<void> {
    if (!(await this.tokens.revoke(ctx.orgId, tokenId, new Date()))) throw new AppError('not_found', 'API token not found');
  }
}
