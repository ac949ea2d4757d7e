import { Controller, Delete, Get, HttpCode, Patch } from '@nestjs/common';
import { Member, MemberList, MembershipParams, UpdateMemberRequest } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { MembersService } from './members.service.js';

const TAG = 'members';

@Controller('api/v1/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Endpoint({ summary: "The organization's members and their roles", tag: TAG, auth: 'user', role: 'viewer', response: MemberList })
  list(@Tenant() ctx: TenantContext): Promise<MemberList> {
    return this.members.list(ctx);
  }

  @Patch(':membershipId')
  @Endpoint({
    summary: "Change a member's role (owners only; the last owner cannot step down)",
    tag: TAG,
    auth: 'user',
    role: 'owner',
    params: MembershipParams,
    body: UpdateMemberRequest,
    response: Member,
  })
  changeRole(@Tenant() ctx: TenantContext, @Input('params') params: MembershipParams, @Input('body') body: UpdateMemberRequest): Promise<Member> {
    return this.members.changeRole(ctx, params.membershipId, body.role);
  }

  @Delete(':membershipId')
  @HttpCode(204)
  @Endpoint({
    summary: 'Remove a member (an owner takes an owner; never the last owner); revokes their API tokens here',
    tag: TAG,
    auth: 'user',
    role: 'admin',
    params: MembershipParams,
    status: 204,
  })
  remove(@Tenant() ctx: TenantContext, @Input('params') params: MembershipParams): Promise<void> {
    return this.members.remove(ctx, params.membershipId);
  }
}
