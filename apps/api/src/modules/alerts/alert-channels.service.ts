import { randomBytes } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { OutboundRefusedError, channelHosts, pinOutboundHost, sendThroughChannel } from '@ratchet/alerts';
import type { OutboundPolicy } from '@ratchet/alerts';
import { AlertChannelSettings, formatZodIssues } from '@ratchet/contracts';
import type { AlertChannelList, AlertChannelSaved, AlertChannelType, AlertDelivery, AlertMessage, CreateAlertChannelRequest, UpdateAlertChannelRequest } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { AppError, invalidRequest, notFound } from '../../common/errors/app-error.js';
import { ALERT_OUTBOUND_POLICY } from './alert-outbound.provider.js';
import { AlertChannelsRepository } from './alert-channels.repository.js';
import type { AlertChannelRow } from './alert-channels.repository.js';
import { toAlertChannel, toAlertDelivery } from './alert-views.util.js';

/** The config field that names each channel type's destination, for errors. */
const HOST_FIELD: Record<AlertChannelType, string> = { webhook: 'url', slack: 'webhookUrl', teams: 'webhookUrl', email: 'host' };

/** Seconds the API waits for a test message's receiver. */
const TEST_TIMEOUT_MS = 10_000;

function invalid(path: string, message: string): AppError {
  return invalidRequest([{ path, message }]);
}

/** A new webhook signing secret: `whsec_` and 32 random bytes in base64url. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

@Injectable()
export class AlertChannelsService {
  constructor(
    private readonly channels: AlertChannelsRepository,
    @Inject(ALERT_OUTBOUND_POLICY) private readonly policy: OutboundPolicy,
  ) {}

  async list(ctx: TenantContext): Promise<AlertChannelList> {
    return { items: (await this.channels.list(ctx.orgId)).map(toAlertChannel) };
  }

  async get(ctx: TenantContext, channelId: string) {
    return toAlertChannel(await this.require(ctx, channelId));
  }

  async create(ctx: TenantContext, request: CreateAlertChannelRequest): Promise<AlertChannelSaved> {
    let signingSecret: string | null = null;
    const settings = AlertChannelSettings.parse({ type: request.type, config: request.config });
    if (settings.type === 'webhook' && settings.config.secret === undefined) {
      signingSecret = newSigningSecret();
      settings.config.secret = signingSecret;
    }
    await this.checkDestination(settings.type, settings.config);
    const row = await this.channels.create(ctx.orgId, { name: request.name, type: settings.type, enabled: request.enabled, config: settings.config });
    return { channel: toAlertChannel(row), signingSecret };
  }

  async update(ctx: TenantContext, channelId: string, request: UpdateAlertChannelRequest): Promise<AlertChannelSaved> {
    const stored = await this.require(ctx, channelId);
    const storedConfig = stored.config as Record<string, unknown>;
    let config: Record<string, unknown> | undefined;
    let signingSecret: string | null = null;
    if (request.rotateSecret && stored.type !== 'webhook') throw invalid('body.rotateSecret', 'only webhook channels have a signing secret');
    if (request.config !== undefined || request.rotateSecret) {
      // Secrets left out keep their stored values, so a client never needs to read them back to change a URL.
      const merged: Record<string, unknown> = { ...(request.config ?? storedConfig) };
      if (stored.type === 'webhook' && merged.secret === undefined) merged.secret = storedConfig.secret;
      if (stored.type === 'email' && merged.password === undefined && storedConfig.password !== undefined && (merged.username ?? storedConfig.username) !== undefined) {
        merged.password = storedConfig.password;
      }
      if (request.rotateSecret) {
        signingSecret = newSigningSecret();
        merged.secret = signingSecret;
      }
      const parsed = AlertChannelSettings.safeParse({ type: stored.type, config: merged });
      if (!parsed.success) {
        const issue = formatZodIssues(parsed.error)[0]!;
        throw invalid(`body.${issue.path}`, issue.message);
      }
      config = parsed.data.config;
      await this.checkDestination(stored.type, config);
    }
    const row = await this.channels.update(ctx.orgId, channelId, {
      ...(request.name === undefined ? {} : { name: request.name }),
      ...(request.enabled === undefined ? {} : { enabled: request.enabled }),
      ...(config === undefined ? {} : { config }),
    });
    if (!row) throw notFound('alert channel');
    return { channel: toAlertChannel(row), signingSecret };
  }

  async delete(ctx: TenantContext, channelId: string): Promise<void> {
    if (!(await this.channels.delete(ctx.orgId, channelId))) throw notFound('alert channel');
  }

  /**
   * Sends a test message through the channel now (the destination is checked again, as at every send), logs it as a
   * delivery of kind `test` with the receiver's answer, and updates the channel's health like any delivery.
   */
  async test(ctx: TenantContext, channelId: string): Promise<AlertDelivery> {
    const channel = await this.require(ctx, channelId);
    const now = new Date();
    const message: AlertMessage = {
      version: 1,
      kind: 'test',
      organizationId: ctx.orgId,
      rule: null,
      cluster: null,
      severity: 'info',
      firing: [],
      resolved: [],
      generatedAt: now.toISOString(),
    };
    const deliveryId = await this.channels.createTestDelivery(ctx.orgId, channelId, message, now);
    const result = await sendThroughChannel(channel.type, channel.config, message, { policy: this.policy, now: () => new Date(), deliveryId, timeoutMs: TEST_TIMEOUT_MS });
    const row = await this.channels.recordTestAttempt(ctx.orgId, deliveryId, { ...result, final: true, nextAttemptAt: null }, new Date());
    return toAlertDelivery(row);
  }

  private async require(ctx: TenantContext, channelId: string): Promise<AlertChannelRow> {
    const row = await this.channels.find(ctx.orgId, channelId);
    if (!row) throw notFound('alert channel');
    return row;
  }

  /** Refuses (400 naming the field) a destination that resolves to a forbidden address, unless allowed. */
  private async checkDestination(type: AlertChannelType, config: unknown): Promise<void> {
    for (const host of channelHosts(type, config)) {
      try {
        await pinOutboundHost(host, this.policy);
      } catch (error) {
        if (error instanceof OutboundRefusedError) throw invalid(`body.config.${HOST_FIELD[type]}`, error.message);
        throw error;
      }
    }
  }
}
