import { Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  AcceptInvitationRequest,
  CreateInvitationRequest,
  InvitationAccepted,
  InvitationCreated,
  InvitationList,
  InvitationParams,
} from '@ratchet/contracts';
import type { Response } from 'express';

import { readSessionCookie } from '../../common/auth/session-cookie.js';
import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import type { RatchetRequest } from '../../common/http/validated-request.js';
import { sessionClient } from '../auth/session-token.util.js';
import { InvitationsService } from './invitations.service.js';

const TAG = 'members';

@Controller('api/v1/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post()
  @Endpoint({
    summary: 'Invite someone by email; the accept link is shown once and emailed when SMTP is configured',
    tag: TAG,
    auth: 'user',
    role: 'admin',
    body: CreateInvitationRequest,
    response: InvitationCreated,
  })
  create(@Tenant() ctx: TenantContext, @Input('body') body: CreateInvitationRequest): Promise<InvitationCreated> {
    return this.invitations.create(ctx, body);
  }

  @Get()
  @Endpoint({ summary: "The organization's invitations, newest first", tag: TAG, auth: 'user', role: 'admin', response: InvitationList })
  list(@Tenant() ctx: TenantContext): Promise<InvitationList> {
    return this.invitations.list(ctx);
  }

  @Delete(':invitationId')
  @HttpCode(204)
  @Endpoint({ summary: 'Revoke a pending invitation', tag: TAG, auth: 'user', role: 'admin', params: InvitationParams, status: 204 })
  revoke(@Tenant() ctx: TenantContext, @Input('params') params: InvitationParams): Promise<void> {
    return this.invitations.revoke(ctx, params.invitationId);
  }

  @Post('accept')
  @HttpCode(200)
  @Endpoint({
    summary: 'Accept an invitation, signed in or creating an account (which signs in)',
    tag: TAG,
    auth: 'public',
    body: AcceptInvitationRequest,
    response: InvitationAccepted,
    status: 200,
    rateLimit: 'login',
  })
  async accept(
    @Input('body') body: AcceptInvitationRequest,
    @Req() request: RatchetRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<InvitationAccepted> {
    const client = sessionClient(request.ip, request.headers['user-agent']);
    const { accepted, setCookie } = await this.invitations.accept(body, readSessionCookie(request.headers.cookie), client);
    if (setCookie) response.setHeader('Set-Cookie', setCookie);
    return accepted;
  }
}
