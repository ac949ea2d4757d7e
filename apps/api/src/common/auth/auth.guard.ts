import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { AppError } from '../errors/app-error.js';
import type { EndpointRole, EndpointSpec } from '../http/endpoint.decorator.js';
import { ENDPOINT_METADATA } from '../http/endpoint.decorator.js';
import type { RatchetRequest } from '../http/validated-request.js';
import { AuthRepository } from './auth.repository.js';
import { hasRole } from './roles.js';
import { readSessionCookie } from './session-cookie.js';
import type { TenantContext } from './tenant-context.js';
import { TOKEN_PREFIX, hashToken, looksLikeToken } from './token.util.js';

export const ORG_HEADER = 'x-ratchet-org';

function bearer(request: RatchetRequest): string | undefined {
  // Node keeps only the first of repeated Authorization headers; which one a proxy or client meant is unknowable.
  if ((request.headersDistinct.authorization?.length ?? 0) > 1) {
    throw new AppError('bad_request', 'send one Authorization header, not several');
  }
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new AppError('unauthenticated', 'Authorization must be "Bearer <token>"');
  return match[1];
}

/**
 * Resolves who is calling from the endpoint's declared auth: a session cookie or API token for `user` and
 * `account` endpoints, a cluster's agent token for `agent` ones; then checks the role. Fails closed: a route
 * with no Endpoint spec is refused.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const spec = this.reflector.get<EndpointSpec | undefined>(ENDPOINT_METADATA, context.getHandler());
    if (!spec) throw new AppError('forbidden', 'this route declares no access rule');
    const request = context.switchToHttp().getRequest<RatchetRequest>();
    switch (spec.auth) {
      case 'public':
        return true;
      case 'agent':
        request.tenant = await this.agent(request);
        return true;
      case 'account': {
        // Account endpoints see and end every session and organization of a person: a token scoped to one
        // organization (and possibly read-only) must not reach them.
        if (request.headers.authorization !== undefined) {
          bearer(request);
          throw new AppError('forbidden', 'this endpoint takes a signed-in browser session, not a token: sign in at /api/v1/auth/login');
        }
        const caller = await this.user(request);
        request.userId = caller.userId;
        request.sessionId = caller.sessionId;
        return true;
      }
      case 'user': {
        const tenant = await this.tenant(request);
        const required: EndpointRole = spec.role ?? (request.method === 'GET' ? 'viewer' : 'admin');
        const role = tenant.actor.kind === 'agent' ? 'viewer' : tenant.actor.role;
        if (!hasRole(role, required)) {
          throw new AppError('forbidden', `this needs the ${required} role; you have ${role}`);
        }
        request.tenant = tenant;
        return true;
      }
    }
  }

  private async agent(request: RatchetRequest): Promise<TenantContext> {
    const token = bearer(request);
    if (!token || !looksLikeToken(token, TOKEN_PREFIX.agentToken)) {
      throw new AppError('unauthenticated', "send the cluster's agent token: Authorization: Bearer rag_...");
    }
    const ref = await this.auth.findAgentToken(hashToken(token));
    if (!ref) throw new AppError('unauthenticated', 'agent token is unknown or revoked');
    return { orgId: ref.orgId, actor: { kind: 'agent', tokenId: ref.tokenId, clusterId: ref.clusterId }, requestId: request.id };
  }

  private async user(request: RatchetRequest): Promise<{ userId: string; sessionId?: string; apiToken?: { orgId: string; tokenId: string; role: EndpointRole } }> {
    const token = bearer(request);
    if (token !== undefined) {
      if (token.startsWith(TOKEN_PREFIX.agentToken)) throw new AppError('forbidden', 'agent tokens can only ingest');
      if (!looksLikeToken(token, TOKEN_PREFIX.apiToken)) throw new AppError('unauthenticated', 'API token is malformed');
      const apiToken = await this.auth.findApiToken(hashToken(token));
      if (!apiToken?.userId) throw new AppError('unauthenticated', 'API token is unknown, revoked or expired');
      return { userId: apiToken.userId, apiToken };
    }
    const cookie = readSessionCookie(request.headers.cookie);
    if (cookie === undefined || !looksLikeToken(cookie, TOKEN_PREFIX.session)) {
      throw new AppError('unauthenticated', 'sign in, or send an API token: Authorization: Bearer rat_...');
    }
    const session = await this.auth.findActiveSession(hashToken(cookie), new Date());
    if (!session) throw new AppError('unauthenticated', 'your session expired or was revoked; sign in again');
    return session;
  }

  private async tenant(request: RatchetRequest): Promise<TenantContext> {
    const caller = await this.user(request);
    if (caller.apiToken) {
      const { orgId, tokenId, role } = caller.apiToken;
      const named = request.headers[ORG_HEADER];
      if (named !== undefined && named !== orgId) {
        throw new AppError('bad_request', `an API token acts only in its own organization; drop ${ORG_HEADER} or set it to the token's organization`);
      }
      return { orgId, actor: { kind: 'api-token', tokenId, userId: caller.userId, role }, requestId: request.id };
    }
    const memberships = await this.auth.memberships(caller.userId);
    const wanted = request.headers[ORG_HEADER];
    const membership = typeof wanted === 'string' ? memberships.find((m) => m.orgId === wanted) : memberships[0];
    if (!membership) {
      // Another tenant's id answers exactly like a nonexistent one.
      if (typeof wanted === 'string') throw new AppError('not_found', 'organization not found');
      throw new AppError('forbidden', 'you are not a member of any organization; ask an owner for an invitation');
    }
    return {
      orgId: membership.orgId,
      actor: { kind: 'user', userId: caller.userId, sessionId: caller.sessionId ?? '', role: membership.role },
      requestId: request.id,
    };
  }
}
