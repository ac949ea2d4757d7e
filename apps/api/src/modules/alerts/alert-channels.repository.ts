import { Injectable } from '@nestjs/common';
import type { AlertChannelType, AlertMessage } from '@ratchet/contracts';
import { recordDeliveryAttempt, withTenant } from '@ratchet/db';
import type { DeliveryAttempt, Prisma } from '@ratchet/db';

import { AppError } from '../../common/errors/app-error.js';
import { uniqueViolation } from '../../common/errors/postgres-error.util.js';
import { Database } from '../../infra/database.provider.js';
import { DELIVERY_SELECT } from './alert-history.repository.js';
import type { AlertDeliveryRow } from './alert-history.repository.js';

/** A channel as stored: `config` holds its secrets and never leaves the service unredacted. */
export interface AlertChannelRow {
  id: string;
  name: string;
  type: AlertChannelType;
  config: unknown;
  enabled: boolean;
  healthy: boolean;
  failingSince: Date | null;
  unhealthySince: Date | null;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const SELECT = {
  id: true,
  name: true,
  type: true,
  config: true,
  enabled: true,
  healthy: true,
  failingSince: true,
  unhealthySince: true,
  lastSuccessAt: true,
  lastFailureAt: true,
  lastError: true,
  createdAt: true,
  updatedAt: true,
} as const;

function duplicateName(error: unknown, name: string | undefined): never {
  if (uniqueViolation(error) === 'alert_channels_org_id_name_key') throw new AppError('conflict', `an alert channel named "${name}" already exists; choose another name`);
  throw error;
}

@Injectable()
export class AlertChannelsRepository {
  constructor(private readonly database: Database) {}

  list(orgId: string): Promise<AlertChannelRow[]> {
    return withTenant(this.database.client, orgId, (tx) => tx.alertChannel.findMany({ where: { orgId }, select: SELECT, orderBy: [{ name: 'asc' }, { id: 'asc' }] }));
  }

  find(orgId: string, channelId: string): Promise<AlertChannelRow | null> {
    return withTenant(this.database.client, orgId, (tx) => tx.alertChannel.findUnique({ where: { orgId_id: { orgId, id: channelId } }, select: SELECT }));
  }

  async create(orgId: string, channel: { name: string; type: AlertChannelType; enabled: boolean; config: object }): Promise<AlertChannelRow> {
    try {
      return await withTenant(this.database.client, orgId, (tx) => tx.alertChannel.create({ data: { orgId, ...channel }, select: SELECT }));
    } catch (error) {
      return duplicateName(error, channel.name);
    }
  }

  async update(orgId: string, channelId: string, fields: { name?: string; enabled?: boolean; config?: object }): Promise<AlertChannelRow | null> {
    try {
      return await withTenant(this.database.client, orgId, async (tx) => {
        const updated = await tx.alertChannel.updateMany({ where: { orgId, id: channelId }, data: fields });
        if (updated.count === 0) return null;
        return tx.alertChannel.findUniqueOrThrow({ where: { orgId_id: { orgId, id: channelId } }, select: SELECT });
      });
    } catch (error) {
      return duplicateName(error, fields.name);
    }
  }

  delete(orgId: string, channelId: string): Promise<boolean> {
    return withTenant(this.database.client, orgId, async (tx) => (await tx.alertChannel.deleteMany({ where: { orgId, id: channelId } })).count === 1);
  }

  /** Logs a test message as a pending delivery of the channel. */
  createTestDelivery(orgId: string, channelId: string, message: AlertMessage, now: Date): Promise<string> {
    return withTenant(this.database.client, orgId, async (tx) => {
      const delivery = await tx.alertDelivery.create({
        data: { orgId, channelId, kind: 'test', dedupKey: `test.${crypto.randomUUID()}`, severity: message.severity, payload: message as unknown as Prisma.InputJsonObject, createdAt: now, updatedAt: now },
        select: { id: true },
      });
      return delivery.id;
    });
  }

  /** Records the test's attempt (and the channel's health, as the worker does) and reads the delivery back. */
  recordTestAttempt(orgId: string, deliveryId: string, attempt: DeliveryAttempt, now: Date): Promise<AlertDeliveryRow> {
    return withTenant(this.database.client, orgId, async (tx) => {
      await recordDeliveryAttempt(tx, orgId, deliveryId, attempt, now);
      return tx.alertDelivery.findUniqueOrThrow({ where: { orgId_id: { orgId, id: deliveryId } }, select: DELIVERY_SELECT });
    });
  }
}
