import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { AlertChannel, AlertChannelList, AlertChannelParams, AlertChannelSaved, AlertDelivery, CreateAlertChannelRequest, UpdateAlertChannelRequest } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Endpoint } from '../../common/http/endpoint.decorator.js';
import { Input, Tenant } from '../../common/http/input.decorator.js';
import { AlertChannelsService } from './alert-channels.service.js';

const TAG = 'alerts';

@Controller('api/v1/alert-channels')
export class AlertChannelsController {
  constructor(private readonly channels: AlertChannelsService) {}

  @Get()
  @Endpoint({ summary: "The organization's alert channels with their health; secrets only as previews", tag: TAG, auth: 'user', role: 'viewer', response: AlertChannelList })
  list(@Tenant() ctx: TenantContext): Promise<AlertChannelList> {
    return this.channels.list(ctx);
  }

  @Post()
  @Endpoint({
    summary: 'Create an alert channel (webhook, Slack, Teams, email); a generated webhook signing secret is shown once',
    tag: TAG,
    auth: 'user',
    role: 'admin',
    body: CreateAlertChannelRequest,
    response: AlertChannelSaved,
  })
  create(@Tenant() ctx: TenantContext, @Input('body') body: CreateAlertChannelRequest): Promise<AlertChannelSaved> {
    return this.channels.create(ctx, body);
  }

  @Get(':channelId')
  @Endpoint({ summary: 'Get an alert channel', tag: TAG, auth: 'user', role: 'viewer', params: AlertChannelParams, response: AlertChannel })
  get(@Tenant() ctx: TenantContext, @Input('params') params: AlertChannelParams): Promise<AlertChannel> {
    return this.channels.get(ctx, params.channelId);
  }

  @Patch(':channelId')
  @Endpoint({
    summary: 'Change an alert channel; left-out secrets are kept, rotateSecret makes a new signing secret (shown once)',
    tag: TAG,
    auth: 'user',
    role: 'admin',
    params: AlertChannelParams,
    body: UpdateAlertChannelRequest,
    response: AlertChannelSaved,
  })
  update(@Tenant() ctx: TenantContext, @Input('params') params: AlertChannelParams, @Input('body') body: UpdateAlertChannelRequest): Promise<AlertChannelSaved> {
    return this.channels.update(ctx, params.channelId, body);
  }

  @Delete(':channelId')
  @HttpCode(204)
  @Endpoint({ summary: 'Delete an alert channel and its deliveries', tag: TAG, auth: 'user', role: 'admin', params: AlertChannelParams, status: 204 })
  delete(@Tenant() ctx: TenantContext, @Input('params') params: AlertChannelParams): Promise<void> {
    return this.channels.delete(ctx, params.channelId);
  }

  @Post(':channelId/test')
  @HttpCode(200)
  @Endpoint({
    summary: "Send a test alert through the channel now; answers the logged delivery with the receiver's answer",
    tag: TAG,
    auth: 'user',
    role: 'admin',
    params: AlertChannelParams,
    response: AlertDelivery,
    status: 200,
  })
  test(@Tenant() ctx: TenantContext, @Input('params') params: AlertChannelParams): Promise<AlertDelivery> {
    return this.channels.test(ctx, params.channelId);
  }
}
