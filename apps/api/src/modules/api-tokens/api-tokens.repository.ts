import { Injectable } from '@nestjs/common';
import { withTenant } from '@ratchet/db';
import type { OrgRole } from '@ratchet/db';

import { AppError } from '../../common/errors/app-error.js';
import { uniqueViolation } from '../../common/errors/postgres-error.util.js';
import { Database } from '../../infra/database.provider.js';

export interface ApiTokenRow {
  id: string;
  name: string;
  role: OrgRole;
  tokenPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdBy: { id: string; email: string } | null;
}

export interface NewApiToken {
  name: string;
  role: OrgRole;
  tokenHash: string;
  tokenPrefix: string;
  createdByUserId: string;
  expiresAt: Date | null;
}

const API_TOKEN_SELECT = {
  id: true,
  name: true,
  role: true,
  tokenPrefix: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  createdBy: { select: { id: true, email: true } },
} as const;

@Injectable()
export class ApiTokensRepository {
  constructor(private readonly database: Database) {}

  async create(orgId: string, token: NewApiToken): Promise<ApiTokenRow> {
    try {
      return await withTenant(this.database.client, orgId, (tx) => tx.apiToken.create({ data: { orgId, ...token }, select: API_TOKEN_SELECT }));
    } catch (error) {
      if (uniqueViolation(error) === 'api_tokens_org_id_name_key') {
        throw new AppError('conflict', `an API token named "${token.name}" already exists; choose another name`);
      }
      throw error;
    }
  }

  async list(orgId: string): Promise<ApiTokenRow[]> {
    return withTenant(this.database.client, orgId, (tx) =>
      tx.apiToken.findMany({ where: { orgId }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], select: API_TOKEN_SELECT }),
    );
  }

  /** Revokes the token (a no-op when it already is); false when the organization has no such token. */
  async revoke(orgId: string, tokenId: string, now: Date): Promise<boolean> {
    return withTenant(this.database.client, orgId, async (tx) => {
      const token = await tx.apiToken.findUnique({ where: { orgId_id: { orgId, id: tokenId } }, select: { revokedAt: true } });
      if (!token) return false;
      if (!token.revokedAt) await tx.apiToken.update({ where: { orgId_id: { orgId, id: tokenId } }, data: { revokedAt: now } });
      return true;
    });
  }
}
