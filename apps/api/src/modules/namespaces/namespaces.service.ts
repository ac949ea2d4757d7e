import { Injectable } from '@nestjs/common';
import { AuditSource } from '@ratchet/contracts';
import type { LevelReadiness, NamespaceSortField, NamespaceSummary, NamespacesPage, NamespacesQuery } from '@ratchet/contracts';
import { z } from 'zod';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { notFound } from '../../common/errors/app-error.js';
import { Clock } from '../../infra/clock.provider.js';
import type { KeysetPosition, KeysetSort } from '../../common/pagination/keyset-cursor.util.js';
import { KeysetKey, decodeKeysetCursor, keysetPage } from '../../common/pagination/keyset-cursor.util.js';
import type { NamespaceFilter, NamespaceRow, ReadinessRow } from './namespaces.repository.js';
import { NamespacesRepository } from './namespaces.repository.js';
import { invalidPsaLabels, psaLabels } from './psa-labels.util.js';

// The cursor's sort keys, checked on the way back in with the request primitives (any stored value round-trips).
const CURSOR_KEYS: Record<NamespaceSortField, z.ZodTuple> = {
  name: z.tuple([KeysetKey.text]),
  openFindings: z.tuple([KeysetKey.count]),
  createdAt: z.tuple([KeysetKey.timestamp]),
};

function positionOf(row: NamespaceRow, sort: NamespaceSortField): KeysetPosition<readonly unknown[]> {
  const keys: Record<NamespaceSortField, () => unknown> = {
    name: () => row.name,
    openFindings: () => row.openFindings,
    createdAt: () => row.createdAt.toISOString(),
  };
  return { keys: [keys[sort]()], id: row.id };
}

// Written by the worker from the cluster's heartbeat; anything else reads as unknown.
const StoredAuditSource = AuditSource.nullable().catch(null);

const DAY_MS = 86_400_000;

/**
 * Whether a `ready` is provisional now: the worker stored it at its computation, but a namespace stops being "observed
 * for less than the window" as time passes without anything to recompute, so the time part is decided at read time
 * (the audit source and the window re-queue readiness when they change).
 */
function provisionalNow(readiness: ReadinessRow, now: Date): boolean {
  if (readiness.state !== 'ready') return false;
  if (readiness.observedSince === null || readiness.windowDays === null) return readiness.provisional;
  const auditSource = StoredAuditSource.parse(readiness.auditSource);
  return auditSource === null || auditSource === 'none' || now.getTime() - readiness.observedSince.getTime() < readiness.windowDays * DAY_MS;
}

/** The controller-level audit blocks of a level, while they block; undefined when there are none. */
function auditBlocksOf(readiness: ReadinessRow): LevelReadiness['auditBlocks'] {
  const workloads = readiness.auditWorkloads ?? [];
  const controllers = readiness.auditControllers ?? [];
  if ((readiness.state !== 'blocked' && readiness.state !== 'at-risk') || (workloads.length === 0 && controllers.length === 0)) return undefined;
  return {
    workloads: workloads.map((w) => ({ source: w.audit.source, workloadId: w.workloadId, kind: w.kind, name: w.name, ...figures(w.audit), objects: w.audit.objects })),
    controllers: controllers.map((c) => ({ kind: c.kind, name: c.name, ...figures(c) })),
  };
}

function figures(f: { violations: number; checks: string[]; unparsed: number; lastSeenAt: string }) {
  return { violations: f.violations, checks: f.checks, unparsed: f.unparsed, lastSeenAt: f.lastSeenAt };
}

function readinessOf(readiness: ReadinessRow, labelVersion: string, now: Date): LevelReadiness {
  const auditBlocks = auditBlocksOf(readiness);
  return {
    status: readiness.state,
    version: readiness.version ?? labelVersion,
    blockingWorkloads: readiness.blockingWorkloads,
    computedAt: readiness.computedAt?.toISOString() ?? null,
    provisional: provisionalNow(readiness, now),
    observedSince: readiness.observedSince?.toISOString() ?? null,
    auditSource: StoredAuditSource.parse(readiness.auditSource),
    exempt: readiness.exempt,
    auditBlockedUntil: readiness.state === 'blocked' || readiness.state === 'at-risk' ? (readiness.auditBlockedUntil?.toISOString() ?? null) : null,
    ...(auditBlocks ? { auditBlocks } : {}),
  };
}

function toSummary(row: NamespaceRow, now: Date): NamespaceSummary {
  return {
    id: row.id,
    clusterId: row.clusterId,
    clusterName: row.clusterName,
    name: row.name,
    uid: row.uid,
    labels: psaLabels(row),
    invalidLabels: invalidPsaLabels(row),
    readiness: { baseline: readinessOf(row.baseline, row.readinessVersion, now), restricted: readinessOf(row.restricted, row.readinessVersion, now) },
    counts: { workloads: row.workloads, pods: row.pods, openFindings: row.openFindings },
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class NamespacesService {
  // Readiness is partly decided at read time (provisional, audit blocks that left the window): by the API's clock.
  constructor(
    private readonly repository: NamespacesRepository,
    private readonly clock: Clock,
  ) {}

  async list(ctx: TenantContext, query: NamespacesQuery): Promise<NamespacesPage> {
    const sort: KeysetSort = { field: query.sort, order: query.order };
    const after = query.cursor === undefined ? undefined : decodeKeysetCursor(query.cursor, sort, CURSOR_KEYS[query.sort]);
    const filter: NamespaceFilter = {
      clusterId: query.clusterId,
      namePrefix: query.namePrefix,
      // The contract only lets readiness through with a level.
      readiness: query.readiness !== undefined && query.level !== undefined ? { level: query.level, state: query.readiness } : undefined,
    };
    const now = this.clock.now();
    const rows = await this.repository.page(ctx.orgId, { filter, sort: query.sort, order: query.order, after, limit: query.limit + 1 }, now);
    return keysetPage(rows, query.limit, sort, (row) => toSummary(row, now), (row) => positionOf(row, query.sort));
  }

  async get(ctx: TenantContext, namespaceId: string): Promise<NamespaceSummary> {
    const now = this.clock.now();
    const row = await this.repository.find(ctx.orgId, namespaceId, now);
    if (!row) throw notFound('namespace');
    return toSummary(row, now);
  }
}
