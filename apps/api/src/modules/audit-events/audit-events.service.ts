import { Injectable } from '@nestjs/common';
import { AUDIT_EVENTS_CSV_COLUMNS, AuditStage, AuditViolationCheck, EnforceableLevel, PsaVersion, auditEventsRangeIssues, auditEventsTimeRange } from '@ratchet/contracts';
import type { AuditEventSummary, AuditEventsExportQuery, AuditEventsFilter, AuditEventsPage, AuditEventsQuery } from '@ratchet/contracts';
import { z } from 'zod';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { invalidQuery, notFound } from '../../common/errors/app-error.js';
import { Clock } from '../../infra/clock.provider.js';
import type { CsvValue } from '../../common/csv/csv-format.util.js';
import type { CsvDownload } from '../../common/csv/csv-response.util.js';
import { csvFilename } from '../../common/csv/csv-response.util.js';
import type { KeysetSort } from '../../common/pagination/keyset-cursor.util.js';
import { KeysetKey, decodeKeysetCursor, keysetPage } from '../../common/pagination/keyset-cursor.util.js';
import type { AuditEventFilter, AuditEventRow } from './audit-events.repository.js';
import { AuditEventsRepository } from './audit-events.repository.js';

/** Events read per query while exporting: large enough to keep round trips few, small enough to stream. */
export const AUDIT_EVENTS_EXPORT_PAGE_SIZE = 1000;

const CURSOR_KEYS = z.tuple([KeysetKey.timestamp]);
const Checks = z.array(AuditViolationCheck);
// Stored from a parse (or an unparsed annotation's readable prefix); a value the contract does not know is
// shown as unknown rather than failing the page.
const StoredLevel = EnforceableLevel.nullable().catch(null);
const StoredVersion = PsaVersion.nullable().catch(null);

/** The query's filter, its range resolved at the API's clock; 400 when that range is empty or too long. */
function filterOf(query: AuditEventsFilter, now: Date): AuditEventFilter {
  // The contract checked a range that gives `to`; one that does not ends now, and only the API knows when that is.
  const issues = auditEventsRangeIssues(query, now);
  if (issues.length > 0) throw invalidQuery(issues);
  return {
    ...auditEventsTimeRange(query, now),
    clusterId: query.clusterId,
    namespace: query.namespace,
    username: query.user,
    impersonatedUsername: query.impersonatedUser,
    resource: query.resource,
    checkId: query.checkId,
    level: query.level,
    dryRun: query.dryRun,
    unparsed: query.unparsed,
  };
}

function positionOf(row: AuditEventRow): { time: string; id: string } {
  return { time: row.time.toISOString(), id: row.id };
}

function toSummary(row: AuditEventRow): AuditEventSummary {
  // Written by ingest from the agent's validated batch; anything else is shown as no parsed checks.
  const checks = Checks.safeParse(row.checks);
  const objectRef: AuditEventSummary['objectRef'] = { resource: row.objectResource };
  if (row.objectNamespace !== null) objectRef.namespace = row.objectNamespace;
  if (row.objectName !== null) objectRef.name = row.objectName;
  if (row.objectApiGroup !== null) objectRef.apiGroup = row.objectApiGroup;
  if (row.objectApiVersion !== null) objectRef.apiVersion = row.objectApiVersion;
  if (row.objectSubresource !== null) objectRef.subresource = row.objectSubresource;
  return {
    id: row.id,
    clusterId: row.clusterId,
    clusterName: row.clusterName,
    auditId: row.auditId,
    stage: AuditStage.parse(row.stage),
    time: row.time.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    verb: row.verb,
    user: { username: row.username, groups: row.userGroups },
    impersonatedUser: row.impersonatedUsername === null ? null : { username: row.impersonatedUsername, groups: row.impersonatedUserGroups },
    objectRef,
    namespace: row.namespaceName,
    dryRun: row.dryRun,
    level: StoredLevel.parse(row.level),
    version: StoredVersion.parse(row.version),
    checks: checks.success ? checks.data : [],
    unparsed: row.unparsed,
    parseError: row.parseError,
    auditViolations: row.auditViolations,
    annotationKeyPrefix: row.annotationKeyPrefix,
    enforcePolicy: row.enforcePolicy,
    responseCode: row.responseCode,
  };
}

function toCsvRecord(event: AuditEventSummary): CsvValue[] {
  const { objectRef } = event;
  const byColumn: Record<(typeof AUDIT_EVENTS_CSV_COLUMNS)[number], CsvValue> = {
    time: event.time,
    cluster: event.clusterName,
    namespace: event.namespace,
    resource: objectRef.subresource === undefined ? objectRef.resource : `${objectRef.resource}/${objectRef.subresource}`,
    name: objectRef.name,
    verb: event.verb,
    user: event.user.username,
    level: event.level,
    version: event.version,
    // A check PSA reported without a known id is listed by its reason.
    checks: event.checks.map((check) => check.id ?? check.reason).join('; '),
    enforcePolicy: event.enforcePolicy,
    responseCode: event.responseCode,
    auditId: event.auditId,
    impersonatedUser: event.impersonatedUser?.username,
    dryRun: String(event.dryRun),
    unparsed: String(event.unparsed),
    parseError: event.parseError,
  };
  return AUDIT_EVENTS_CSV_COLUMNS.map((column) => byColumn[column]);
}

@Injectable()
export class AuditEventsService {
  // The default time filter ends now (the API's clock).
  constructor(
    private readonly repository: AuditEventsRepository,
    private readonly clock: Clock,
  ) {}

  async list(ctx: TenantContext, query: AuditEventsQuery): Promise<AuditEventsPage> {
    const sort: KeysetSort = { field: 'time', order: query.order };
    const cursor = query.cursor === undefined ? undefined : decodeKeysetCursor(query.cursor, sort, CURSOR_KEYS);
    const after = cursor ? { time: cursor.keys[0], id: cursor.id } : undefined;
    const rows = await this.repository.page(ctx.orgId, { filter: filterOf(query, this.clock.now()), order: query.order, after, limit: query.limit + 1 });
    return keysetPage(rows, query.limit, sort, toSummary, (row) => ({ keys: [row.time.toISOString()], id: row.id }));
  }

  async get(ctx: TenantContext, auditEventId: string): Promise<AuditEventSummary> {
    const row = await this.repository.find(ctx.orgId, auditEventId);
    if (!row) throw notFound('audit event');
    return toSummary(row);
  }

  /** The CSV export: every event the filters match, in time order, read a page at a time. */
  exportCsv(ctx: TenantContext, query: AuditEventsExportQuery): CsvDownload {
    const now = this.clock.now();
    return { filename: csvFilename('audit-events', now), columns: AUDIT_EVENTS_CSV_COLUMNS, pages: this.exportPages(ctx, query, now) };
  }

  private async *exportPages(ctx: TenantContext, query: AuditEventsExportQuery, now: Date): AsyncGenerator<CsvValue[][]> {
    // The range is fixed once, so `to` = now does not move while the export runs.
    const filter = filterOf(query, now);
    let after: { time: string; id: string } | undefined;
    for (;;) {
      // Each page is its own short transaction: a slow client must not hold one open for the whole download.
      const rows = await this.repository.page(ctx.orgId, { filter, order: query.order, after, limit: AUDIT_EVENTS_EXPORT_PAGE_SIZE });
      if (rows.length > 0) yield rows.map((row) => toCsvRecord(toSummary(row)));
      const last = rows.at(-1);
      if (rows.length < AUDIT_EVENTS_EXPORT_PAGE_SIZE || !last) return;
      after = positionOf(last);
    }
  }
}
