import { Injectable } from '@nestjs/common';
import type { AlertDeliveriesPage, AlertDeliveriesQuery, AlertsPage, AlertsQuery } from '@ratchet/contracts';
import { z } from 'zod';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { KeysetKey, decodeKeysetCursor, keysetPage } from '../../common/pagination/keyset-cursor.util.js';
import type { KeysetSort } from '../../common/pagination/keyset-cursor.util.js';
import { AlertHistoryRepository } from './alert-history.repository.js';
import type { TimePosition } from './alert-history.repository.js';
import { toAlertDelivery, toAlertHistoryItem } from './alert-views.util.js';

const DELIVERY_SORT: KeysetSort = { field: 'createdAt', order: 'desc' };
const ALERT_SORT: KeysetSort = { field: 'lastFiredAt', order: 'desc' };
const TIME_KEYS = z.tuple([KeysetKey.timestamp]);

function position(cursor: string | undefined, sort: KeysetSort): TimePosition | undefined {
  if (cursor === undefined) return undefined;
  const decoded = decodeKeysetCursor(cursor, sort, TIME_KEYS);
  return { at: new Date(decoded.keys[0]), id: decoded.id };
}

@Injectable()
export class AlertHistoryService {
  constructor(private readonly history: AlertHistoryRepository) {}

  async deliveries(ctx: TenantContext, query: AlertDeliveriesQuery): Promise<AlertDeliveriesPage> {
    const after = position(query.cursor, DELIVERY_SORT);
    const rows = await this.history.deliveries(ctx.orgId, {
      ...(query.channelId ? { channelId: query.channelId } : {}),
      ...(query.ruleId ? { ruleId: query.ruleId } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(after ? { after } : {}),
      limit: query.limit + 1,
    });
    return keysetPage(rows, query.limit, DELIVERY_SORT, toAlertDelivery, (row) => ({ keys: [row.createdAt.toISOString()], id: row.id }));
  }

  async alerts(ctx: TenantContext, query: AlertsQuery): Promise<AlertsPage> {
    const after = position(query.cursor, ALERT_SORT);
    const rows = await this.history.alerts(ctx.orgId, {
      ...(query.status ? { status: query.status } : {}),
      ...(query.ruleId ? { ruleId: query.ruleId } : {}),
      ...(query.clusterId ? { clusterId: query.clusterId } : {}),
      ...(after ? { after } : {}),
      limit: query.limit + 1,
    });
    return keysetPage(rows, query.limit, ALERT_SORT, toAlertHistoryItem, (row) => ({ keys: [row.lastFiredAt.toISOString()], id: row.id }));
  }
}
