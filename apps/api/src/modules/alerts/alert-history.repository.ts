import { Injectable } from '@nestjs/common';
import { withTenant } from '@ratchet/db';
import type { Prisma } from '@ratchet/db';

import { Database } from '../../infra/database.provider.js';

export const DELIVERY_SELECT = {
  id: true,
  kind: true,
  ruleId: true,
  channelId: true,
  clusterId: true,
  severity: true,
  status: true,
  firingCount: true,
  resolvedCount: true,
  attempts: true,
  lastAttemptAt: true,
  nextAttemptAt: true,
  deliveredAt: true,
  responseCode: true,
  responseExcerpt: true,
  lastError: true,
  createdAt: true,
  payload: true,
} as const satisfies Prisma.AlertDeliverySelect;

export type AlertDeliveryRow = Prisma.AlertDeliveryGetPayload<{ select: typeof DELIVERY_SELECT }>;

const STATE_SELECT = {
  id: true,
  ruleId: true,
  clusterId: true,
  fingerprint: true,
  status: true,
  severity: true,
  namespaceName: true,
  summary: true,
  firstFiredAt: true,
  lastFiredAt: true,
  resolvedAt: true,
  lastNotifiedAt: true,
} as const satisfies Prisma.AlertStateSelect;

export type AlertStateRow = Prisma.AlertStateGetPayload<{ select: typeof STATE_SELECT }>;

/** Where a page in (time desc, id desc) order ended. */
export interface TimePosition {
  at: Date;
  id: string;
}

export interface DeliveryFilter {
  channelId?: string;
  ruleId?: string;
  status?: 'pending' | 'delivered' | 'failed';
  after?: TimePosition;
  limit: number;
}

export interface AlertFilter {
  status?: 'firing' | 'resolved';
  ruleId?: string;
  clusterId?: string;
  after?: TimePosition;
  limit: number;
}

@Injectable()
export class AlertHistoryRepository {
  constructor(private readonly database: Database) {}

  /** Deliveries newest first, after a position. */
  deliveries(orgId: string, filter: DeliveryFilter): Promise<AlertDeliveryRow[]> {
    const after = filter.after;
    return withTenant(this.database.client, orgId, (tx) =>
      tx.alertDelivery.findMany({
        where: {
          orgId,
          ...(filter.channelId ? { channelId: filter.channelId } : {}),
          ...(filter.ruleId ? { ruleId: filter.ruleId } : {}),
          ...(filter.status ? { status: filter.status } : {}),
          ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
        },
        select: DELIVERY_SELECT,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: filter.limit,
      }),
    );
  }

  /** Alerts (firing or resolved), most recently fired first. */
  alerts(orgId: string, filter: AlertFilter): Promise<AlertStateRow[]> {
    const after = filter.after;
    return withTenant(this.database.client, orgId, (tx) =>
      tx.alertState.findMany({
        where: {
          orgId,
          ...(filter.status ? { status: filter.status } : {}),
          ...(filter.ruleId ? { ruleId: filter.ruleId } : {}),
          ...(filter.clusterId ? { clusterId: filter.clusterId } : {}),
          ...(after ? { OR: [{ lastFiredAt: { lt: after.at } }, { lastFiredAt: after.at, id: { lt: after.id } }] } : {}),
        },
        select: STATE_SELECT,
        orderBy: [{ lastFiredAt: 'desc' }, { id: 'desc' }],
        take: filter.limit,
      }),
    );
  }
}
