import { Injectable } from '@nestjs/common';
import type { AlertSeverity, AlertTrigger } from '@ratchet/contracts';
import { Prisma, withTenant } from '@ratchet/db';
import type { Transaction } from '@ratchet/db';

import { AppError } from '../../common/errors/app-error.js';
import { uniqueViolation } from '../../common/errors/postgres-error.util.js';
import { Database } from '../../infra/database.provider.js';

/** A rule as stored, with its channel ids. */
export interface AlertRuleRow {
  id: string;
  name: string;
  description: string | null;
  enabled: boolean;
  trigger: AlertTrigger;
  parameters: unknown;
  minSeverity: AlertSeverity;
  clusterIds: string[];
  includeNamespaces: string[];
  excludeNamespaces: string[];
  labelSelector: unknown;
  cooldownMinutes: number;
  createdAt: Date;
  updatedAt: Date;
  channelIds: string[];
}

/** What a rule stores (create: all of it; update: the fields given). */
export interface AlertRuleFields {
  name: string;
  description: string | null;
  enabled: boolean;
  trigger: AlertTrigger;
  parameters: { level: string | null; silentMinutes: number | null };
  minSeverity: AlertSeverity;
  clusterIds: string[];
  includeNamespaces: string[];
  excludeNamespaces: string[];
  labelSelector: object | null;
  cooldownMinutes: number;
  channelIds: string[];
}

const SELECT = {
  id: true,
  name: true,
  description: true,
  enabled: true,
  trigger: true,
  parameters: true,
  minSeverity: true,
  clusterIds: true,
  includeNamespaces: true,
  excludeNamespaces: true,
  labelSelector: true,
  cooldownMinutes: true,
  createdAt: true,
  updatedAt: true,
  channels: { select: { channelId: true }, orderBy: { createdAt: 'asc' } },
} as const;

type Selected = Omit<AlertRuleRow, 'channelIds'> & { channels: { channelId: string }[] };
const toRow = ({ channels, ...rule }: Selected): AlertRuleRow => ({ ...rule, channelIds: channels.map((c) => c.channelId) });

function duplicateName(error: unknown, name: string | undefined): never {
  if (uniqueViolation(error) === 'alert_rules_org_id_name_key') throw new AppError('conflict', `an alert rule named "${name}" already exists; choose another name`);
  throw error;
}

/** The ids among `ids` that the organization does not have, in the table named. */
async function missingIds(tx: Transaction, orgId: string, table: 'channels' | 'clusters', ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const found =
    table === 'channels'
      ? await tx.alertChannel.findMany({ where: { orgId, id: { in: [...ids] } }, select: { id: true } })
      : await tx.cluster.findMany({ where: { orgId, id: { in: [...ids] } }, select: { id: true } });
  const known = new Set(found.map((row) => row.id));
  return ids.filter((id) => !known.has(id));
}

/** Ids a rule names that the organization does not have. */
export class UnknownReferenceError extends Error {
  override readonly name = 'UnknownReferenceError';
  constructor(
    readonly field: 'channelIds' | 'scope.clusterIds',
    readonly index: number,
    readonly id: string,
  ) {
    super(`${field}[${index}] ${id} is not one of this organization's ${field === 'channelIds' ? 'alert channels' : 'clusters'}`);
  }
}

async function checkReferences(tx: Transaction, orgId: string, fields: Partial<AlertRuleFields>): Promise<void> {
  for (const [field, table, ids] of [
    ['channelIds', 'channels', fields.channelIds ?? []],
    ['scope.clusterIds', 'clusters', fields.clusterIds ?? []],
  ] as const) {
    const missing = await missingIds(tx, orgId, table, ids);
    if (missing.length > 0) throw new UnknownReferenceError(field, ids.indexOf(missing[0]!), missing[0]!);
  }
}

@Injectable()
export class AlertRulesRepository {
  constructor(private readonly database: Database) {}

  list(orgId: string): Promise<AlertRuleRow[]> {
    return withTenant(this.database.client, orgId, async (tx) =>
      (await tx.alertRule.findMany({ where: { orgId }, select: SELECT, orderBy: [{ name: 'asc' }, { id: 'asc' }] })).map(toRow),
    );
  }

  find(orgId: string, ruleId: string): Promise<AlertRuleRow | null> {
    return withTenant(this.database.client, orgId, async (tx) => {
      const rule = await tx.alertRule.findUnique({ where: { orgId_id: { orgId, id: ruleId } }, select: SELECT });
      return rule ? toRow(rule) : null;
    });
  }

  /** Creates a rule with its channels in one transaction; throws UnknownReferenceError or a conflict. */
  async create(orgId: string, fields: AlertRuleFields): Promise<AlertRuleRow> {
    const { channelIds, labelSelector, ...data } = fields;
    try {
      return await withTenant(this.database.client, orgId, async (tx) => {
        await checkReferences(tx, orgId, fields);
        const { id } = await tx.alertRule.create({ data: { orgId, ...data, ...(labelSelector === null ? {} : { labelSelector }) }, select: { id: true } });
        await tx.alertRuleChannel.createMany({ data: channelIds.map((channelId) => ({ orgId, ruleId: id, channelId })) });
        return toRow(await tx.alertRule.findUniqueOrThrow({ where: { orgId_id: { orgId, id } }, select: SELECT }));
      });
    } catch (error) {
      return duplicateName(error, fields.name);
    }
  }

  /** Updates the fields given (channels replaced when given); null when the rule does not exist. */
  async update(orgId: string, ruleId: string, fields: Partial<Omit<AlertRuleFields, 'trigger'>>): Promise<AlertRuleRow | null> {
    const { channelIds, labelSelector, ...data } = fields;
    try {
      return await withTenant(this.database.client, orgId, async (tx) => {
        const exists = await tx.alertRule.findUnique({ where: { orgId_id: { orgId, id: ruleId } }, select: { id: true } });
        if (!exists) return null;
        await checkReferences(tx, orgId, fields);
        if (channelIds !== undefined) {
          await tx.alertRuleChannel.deleteMany({ where: { orgId, ruleId } });
          await tx.alertRuleChannel.createMany({ data: channelIds.map((channelId) => ({ orgId, ruleId, channelId })) });
        }
        const rule = await tx.alertRule.update({
          where: { orgId_id: { orgId, id: ruleId } },
          data: { ...data, ...(labelSelector === undefined ? {} : { labelSelector: labelSelector ?? Prisma.DbNull }) },
          select: SELECT,
        });
        return toRow(rule);
      });
    } catch (error) {
      return duplicateName(error, fields.name);
    }
  }

  /** Deletes a rule with its states and deliveries; false when it does not exist. */
  delete(orgId: string, ruleId: string): Promise<boolean> {
    return withTenant(this.database.client, orgId, async (tx) => (await tx.alertRule.deleteMany({ where: { orgId, id: ruleId } })).count === 1);
  }
}
