import { Injectable } from '@nestjs/common';
import { CheckId, Dns1123Label, FINDINGS_CSV_COLUMNS, FindingDetailRecord, PsaLevel } from '@ratchet/contracts';
import type { Finding, FindingSortField, FindingsExportQuery, FindingsFilter, FindingsPage, FindingsQuery } from '@ratchet/contracts';
import { remediationFor } from '@ratchet/pss';
import { z } from 'zod';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { notFound } from '../../common/errors/app-error.js';
import type { CsvValue } from '../../common/csv/csv-format.util.js';
import type { CsvDownload } from '../../common/csv/csv-response.util.js';
import { csvFilename } from '../../common/csv/csv-response.util.js';
import type { KeysetPosition, KeysetSort } from '../../common/pagination/keyset-cursor.util.js';
import { KeysetKey, decodeKeysetCursor, keysetPage } from '../../common/pagination/keyset-cursor.util.js';
import type { FindingFilter, FindingRow } from './findings.repository.js';
import { FindingsRepository } from './findings.repository.js';

/** Findings read per query while exporting: large enough to keep round trips few, small enough to stream. */
export const FINDINGS_EXPORT_PAGE_SIZE = 1000;

// The cursor's sort keys, checked on the way back in with the request primitives (any stored value round-trips).
const CURSOR_KEYS: Record<FindingSortField, z.ZodTuple> = {
  lastSeenAt: z.tuple([KeysetKey.timestamp]),
  firstSeenAt: z.tuple([KeysetKey.timestamp]),
  namespace: z.tuple([KeysetKey.text]),
  workload: z.tuple([KeysetKey.text]),
  level: z.tuple([PsaLevel]),
  checkId: z.tuple([KeysetKey.text]),
};

function positionOf(row: FindingRow, sort: FindingSortField): KeysetPosition<readonly unknown[]> {
  const keys: Record<FindingSortField, () => unknown> = {
    lastSeenAt: () => row.lastSeenAt.toISOString(),
    firstSeenAt: () => row.firstSeenAt.toISOString(),
    namespace: () => row.namespaceName,
    workload: () => row.workloadName,
    level: () => row.level,
    checkId: () => row.checkId,
  };
  return { keys: [keys[sort]()], id: row.id };
}

function filterOf(query: FindingsFilter): FindingFilter {
  return {
    status: query.status,
    clusterId: query.clusterId,
    namespace: query.namespace,
    level: query.level,
    checkId: query.checkId,
    version: query.version,
    workloadKind: query.workloadKind,
    workloadName: query.workloadName,
  };
}

// The worker lists, in `detail.injectedContainers`, failing containers its pods have and its template does not.
const InjectedContainers = z.object({ injectedContainers: z.array(Dns1123Label).max(256) });

// `detail` is written by the worker; a row it wrote differently still lists, with the workload's pod count.
function toFinding(row: FindingRow): Finding {
  const detail = FindingDetailRecord.safeParse(row.detail);
  const injected = InjectedContainers.safeParse(row.detail);
  const checkId = CheckId.safeParse(row.checkId);
  return {
    id: row.id,
    clusterId: row.clusterId,
    clusterName: row.clusterName,
    namespace: row.namespaceName,
    workload: { kind: row.workloadKind as Finding['workload']['kind'], name: row.workloadName, uid: row.workloadUid },
    level: row.level as Finding['level'],
    version: row.version,
    checkId: row.checkId as Finding['checkId'],
    status: row.status,
    reason: row.message,
    detail: detail.success ? detail.data.detail : '',
    injectedContainers: injected.success ? injected.data.injectedContainers : [],
    remediation: checkId.success ? remediationFor(checkId.data).what : null,
    podCount: detail.success ? detail.data.pods.length : row.workloadPodCount,
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
}

function toCsvRecord(finding: Finding): CsvValue[] {
  const byColumn: Record<(typeof FINDINGS_CSV_COLUMNS)[number], CsvValue> = {
    cluster: finding.clusterName,
    namespace: finding.namespace,
    kind: finding.workload.kind,
    name: finding.workload.name,
    level: finding.level,
    version: finding.version,
    check: finding.checkId,
    status: finding.status,
    reason: finding.reason,
    detail: finding.detail,
    pods: finding.podCount,
    firstSeenAt: finding.firstSeenAt,
    lastSeenAt: finding.lastSeenAt,
    resolvedAt: finding.resolvedAt,
  };
  return FINDINGS_CSV_COLUMNS.map((column) => byColumn[column]);
}

@Injectable()
export class FindingsService {
  constructor(private readonly repository: FindingsRepository) {}

  async list(ctx: TenantContext, query: FindingsQuery): Promise<FindingsPage> {
    const sort: KeysetSort = { field: query.sort, order: query.order };
    const after = query.cursor === undefined ? undefined : decodeKeysetCursor(query.cursor, sort, CURSOR_KEYS[query.sort]);
    const rows = await this.repository.page(ctx.orgId, { filter: filterOf(query), sort: query.sort, order: query.order, after, limit: query.limit + 1 });
    return keysetPage(rows, query.limit, sort, toFinding, (row) => positionOf(row, query.sort));
  }

  async get(ctx: TenantContext, findingId: string): Promise<Finding> {
    const row = await this.repository.find(ctx.orgId, findingId);
    if (!row) throw notFound('finding');
    return toFinding(row);
  }

  /** The open findings of one workload, baseline first (at most the contract's 500). */
  async openFindingsOf(ctx: TenantContext, workloadId: string): Promise<Finding[]> {
    const rows = await this.repository.page(ctx.orgId, {
      filter: { status: 'open', workloadId },
      sort: 'level',
      order: 'asc',
      limit: 500,
    });
    return rows.map(toFinding);
  }

  /** The CSV export: every finding the filters match, in the list's order, read a page at a time. */
  exportCsv(ctx: TenantContext, query: FindingsExportQuery): CsvDownload {
    return { filename: csvFilename('findings', new Date()), columns: FINDINGS_CSV_COLUMNS, pages: this.exportPages(ctx, query) };
  }

  private async *exportPages(ctx: TenantContext, query: FindingsExportQuery): AsyncGenerator<CsvValue[][]> {
    const filter = filterOf(query);
    let after: KeysetPosition<readonly unknown[]> | undefined;
    for (;;) {
      // Each page is its own short transaction: a slow client must not hold one open for the whole download.
      const rows = await this.repository.page(ctx.orgId, { filter, sort: query.sort, order: query.order, after, limit: FINDINGS_EXPORT_PAGE_SIZE });
      if (rows.length > 0) yield rows.map((row) => toCsvRecord(toFinding(row)));
      const last = rows.at(-1);
      if (rows.length < FINDINGS_EXPORT_PAGE_SIZE || !last) return;
      after = positionOf(last, query.sort);
    }
  }
}
