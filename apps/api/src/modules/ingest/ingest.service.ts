import { Injectable, Logger } from '@nestjs/common';
import { INGEST_PATHS, JOB_NAMES, JOB_PAYLOAD_VERSION, OBSERVED_AT_BOUNDS, UNKNOWN_PROJECTIONS_ERROR_CODE } from '@ratchet/contracts';
import type {
  AdmissionDecision,
  AuditEventBatch,
  FieldIssue,
  Heartbeat,
  IngestCounts,
  InventoryDelta,
  InventoryResyncChunk,
  ProjectionMap,
  UnknownProjectionsDetails,
} from '@ratchet/contracts';
import {
  deleteInventory,
  insertProjections,
  lockClusterInventory,
  markClusterInventory,
  markClusterNamespaces,
  missingProjections,
  sweepInventory,
  upsertInventory,
} from '@ratchet/db';
import type { InventoryUpsert, MarkCounts, Transaction } from '@ratchet/db';
import { prepareJob } from '@ratchet/jobs';
import type { PreparedJob } from '@ratchet/jobs';
import { projectionHash } from '@ratchet/pss';
import { z } from 'zod';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { AppError, invalidRequest } from '../../common/errors/app-error.js';
import { Clock } from '../../infra/clock.provider.js';
import { ApiMetrics } from '../metrics/metrics.registry.js';
import { AdmissionDecisionsRepository } from './admission-decisions.repository.js';
import { AuditIngestRepository } from './audit-ingest.repository.js';
import { readAuditViolations } from './audit-violations.util.js';
import { IngestBatchesRepository } from './ingest-batches.repository.js';
import type { BatchHeader, BatchWrite, IngestAnswer, IngestScope, OutboxEntry } from './ingest.types.js';
import { NO_ITEMS } from './ingest.types.js';
import { JobQueue } from './job-queue.provider.js';
import { OutboxRelayProvider } from './outbox-relay.provider.js';
import { ingestErrorFrom } from './ingest-error.util.js';
import { requestHash, sortedRecord } from './request-hash.util.js';
import { unstorableText } from './storable-text.util.js';

/** The answer to an ingest request, and whether it is the stored answer to an earlier request with its key. */
export interface IngestReply extends IngestAnswer {
  replayed: boolean;
}

// Audit events outside this window are refused: older ones are past any readiness window and retention (they would
// sit in the default partition until retention deletes them); newer ones come from a clock that is wrong.
const AUDIT_PAST_MS = 366 * 24 * 3600 * 1000;
const AUDIT_FUTURE_MS = 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

const METRIC_KINDS: Record<keyof IngestCounts, string> = {
  namespaces: 'namespace',
  workloads: 'workload',
  pods: 'pod',
  projections: 'projection',
  auditEvents: 'audit_event',
};

const invalid = invalidRequest;

function counts(partial: Partial<IngestCounts>): IngestCounts {
  return { ...NO_ITEMS, ...partial };
}

// The API recomputes each carried projection's hash: a projection is stored once per hash for the whole
// organization, so a wrong key would misattribute it to every workload that refers to that hash.
function projectionHashIssues(projections: ProjectionMap): FieldIssue[] {
  return Object.entries(projections).flatMap(([hash, content]) => {
    const actual = projectionHash({ metadata: content.metadata, spec: content.spec });
    if (actual === hash) return [];
    return [{ path: z.core.toDotPath(['body', 'projections', hash]), message: `does not hash to its key: its sha256 is ${actual}` }];
  });
}

// Projections are the only records of the ingest contracts: sorted, the body serializes canonically.
function canonicalProjections(projections: ProjectionMap): ProjectionMap {
  const sorted = sortedRecord(projections);
  for (const [hash, content] of Object.entries(sorted)) {
    const annotations = content.metadata.annotations;
    if (annotations) sorted[hash] = { ...content, metadata: { ...content.metadata, annotations: sortedRecord(annotations) } };
  }
  return sorted;
}

function auditTimeIssues(events: AuditEventBatch['events'], now: number): FieldIssue[] {
  return events.flatMap((event, index) => {
    const time = Date.parse(event.time);
    if (time > now + AUDIT_FUTURE_MS) return [{ path: `body.events[${index}].time`, message: 'is more than a day in the future' }];
    if (time < now - AUDIT_PAST_MS) return [{ path: `body.events[${index}].time`, message: 'is more than a year old' }];
    return [];
  });
}

// The worker's work after an inventory write: evaluation when projections are new or workloads were marked,
// readiness when namespaces were marked. The jobs name the cluster only (what to refresh is in inventory_marks)
// and collapse per cluster (libs/jobs), so a batch that changed nothing enqueues nothing and a resync of many
// chunks queues one run of each.
function inventoryJobs(scope: IngestScope, newProjections: number, marks: readonly MarkCounts[]): PreparedJob[] {
  const payload = { version: JOB_PAYLOAD_VERSION, orgId: scope.orgId, clusterId: scope.clusterId } as const;
  const jobs: PreparedJob[] = [];
  if (newProjections > 0 || marks.some((mark) => mark.workloads > 0)) jobs.push(prepareJob(JOB_NAMES.evaluateProjections, payload));
  if (marks.some((mark) => mark.namespaces > 0)) jobs.push(prepareJob(JOB_NAMES.recomputeReadiness, payload));
  return jobs;
}

// Admission decisions follow the audit events' time bounds, on both ends of what they aggregate.
function decisionTimeIssues(decisions: readonly AdmissionDecision[], now: number): FieldIssue[] {
  return decisions.flatMap((decision, index) => {
    if (Date.parse(decision.lastSeen) > now + AUDIT_FUTURE_MS) return [{ path: `body.admissionDecisions[${index}].lastSeen`, message: 'is more than a day in the future' }];
    if (Date.parse(decision.firstSeen) < now - AUDIT_PAST_MS) return [{ path: `body.admissionDecisions[${index}].firstSeen`, message: 'is more than a year old' }];
    return [];
  });
}

/**
 * When an inventory batch was observed: its `observedAt`, else `receivedAt` (the API's clock). Objects and marks
 * take this time, so it must be plausible: ahead of the API's clock by more than OBSERVED_AT_BOUNDS.aheadMs is a
 * wrong node clock (it would date objects in the future), older than the ingest batch retention a batch whose
 * idempotency key may be forgotten (a late retry would be applied again). Issues name `body.observedAt`.
 */
function observationOf(observedAt: string | undefined, receivedAt: Date): { observedAt: Date; issues: FieldIssue[] } {
  if (observedAt === undefined) return { observedAt: receivedAt, issues: [] };
  const time = new Date(observedAt);
  const path = 'body.observedAt';
  if (time.getTime() > receivedAt.getTime() + OBSERVED_AT_BOUNDS.aheadMs) {
    const minutes = OBSERVED_AT_BOUNDS.aheadMs / 60_000;
    return { observedAt: time, issues: [{ path, message: `is more than ${minutes} minutes ahead of the API's clock: check the agent node's time` }] };
  }
  if (time.getTime() < receivedAt.getTime() - OBSERVED_AT_BOUNDS.maxAgeDays * DAY_MS) {
    const days = OBSERVED_AT_BOUNDS.maxAgeDays;
    return {
      observedAt: time,
      issues: [{ path, message: `is more than ${days} days old, past the ingest batch retention (${days} days): the API could not recognize a retry of it` }],
    };
  }
  return { observedAt: time, issues: [] };
}

/** The minor of an apiserver gitVersion (`v1.30.4-eks-a737599` -> 30); null when absent or not a 1.x release. */
function kubernetesMinor(gitVersion: string | null): number | null {
  const match = gitVersion === null ? null : /^v?1\.(0|[1-9][0-9]*)(?:[.+-]|$)/.exec(gitVersion.trim());
  return match ? Number(match[1]) : null;
}

/**
 * Ingestion from agents: each batch is checked beyond its contract (storable text, projection hashes, audit
 * annotations), written in one transaction with its idempotency key and outbox jobs, then its jobs are enqueued.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger('Ingest');

  constructor(
    private readonly batches: IngestBatchesRepository,
    private readonly audit: AuditIngestRepository,
    private readonly decisions: AdmissionDecisionsRepository,
    private readonly queue: JobQueue,
    private readonly relay: OutboxRelayProvider,
    private readonly metrics: ApiMetrics,
    private readonly clock: Clock,
  ) {}

  /** One chunk of a full resync; the chunk that completes the sync also marks what the sync did not see. */
  async resync(ctx: TenantContext, idempotencyKey: string, chunk: InventoryResyncChunk): Promise<IngestReply> {
    const scope = this.scopeOf(ctx);
    const sync = { syncId: chunk.syncId, chunk: chunk.chunk, totalChunks: chunk.totalChunks };
    const itemCount = chunk.namespaces.length + chunk.workloads.length + chunk.pods.length;
    const { observedAt, issues } = observationOf(chunk.observedAt, this.clock.now());
    const { header, json } = this.header('resync', idempotencyKey, { ...chunk, projections: canonicalProjections(chunk.projections) }, itemCount, sync);
    this.check([...unstorableText(chunk, 'body', json), ...projectionHashIssues(chunk.projections), ...issues]);
    return this.record(scope, { ...header, observedAt }, async (tx, batchId) => {
      await lockClusterInventory(tx, scope);
      const progress = await this.batches.syncProgress(tx, scope, batchId, sync);
      if (progress.conflictingTotal !== undefined) {
        throw new AppError(
          'conflict',
          `sync ${chunk.syncId} was started with ${progress.conflictingTotal} chunks, this chunk says ${chunk.totalChunks}: start a new sync under a new syncId`,
        );
      }
      const { marks, ...stored } = await this.upsert(tx, scope, chunk, chunk.knownProjectionHashes, observedAt);
      // What the sync did not see is gone as of when its listing started, the earliest observation of its chunks.
      const swept = progress.completes ? await sweepInventory(tx, scope, progress.observedAt) : undefined;
      return {
        ...stored,
        deleted: counts(swept ? { namespaces: swept.namespaces, workloads: swept.workloads, pods: swept.pods } : {}),
        jobs: inventoryJobs(scope, stored.accepted.projections, swept ? [marks, swept.marks] : [marks]),
      };
    });
  }

  /** Upserts and deletes since the last batch. */
  async delta(ctx: TenantContext, idempotencyKey: string, delta: InventoryDelta): Promise<IngestReply> {
    const scope = this.scopeOf(ctx);
    const { upserts, deletes } = delta;
    const itemCount =
      upserts.namespaces.length + upserts.workloads.length + upserts.pods.length + deletes.namespaces.length + deletes.workloads.length + deletes.pods.length;
    const { observedAt, issues } = observationOf(delta.observedAt, this.clock.now());
    const { header, json } = this.header('delta', idempotencyKey, { ...delta, projections: canonicalProjections(delta.projections) }, itemCount);
    this.check([...unstorableText(delta, 'body', json), ...projectionHashIssues(delta.projections), ...issues]);
    return this.record(scope, { ...header, observedAt }, async (tx) => {
      await lockClusterInventory(tx, scope);
      // Deletes first: a namespace or workload deleted and recreated under its name in one delta ends up live.
      const deleted = await deleteInventory(tx, scope, deletes, observedAt);
      const { marks, ...stored } = await this.upsert(tx, scope, { ...upserts, projections: delta.projections }, delta.knownProjectionHashes, observedAt);
      return {
        ...stored,
        deleted: counts({ namespaces: deleted.namespaces, workloads: deleted.workloads, pods: deleted.pods }),
        jobs: inventoryJobs(scope, stored.accepted.projections, [deleted.marks, marks]),
      };
    });
  }

  /**
   * Audit-mode violations; a request stored before is counted as a duplicate and stored once. An annotation the
   * API cannot parse is stored unparsed and counted in `unparsedAuditEvents`, never a reason to refuse the batch.
   */
  async auditEvents(ctx: TenantContext, idempotencyKey: string, batch: AuditEventBatch): Promise<IngestReply> {
    const scope = this.scopeOf(ctx);
    const { header, json } = this.header('audit', idempotencyKey, batch, batch.events.length);
    const { readings, issues } = readAuditViolations(batch.events);
    const decisions = batch.admissionDecisions ?? [];
    const now = this.clock.now().getTime();
    this.check([
      ...unstorableText(batch, 'body', json),
      ...auditTimeIssues(batch.events, now),
      ...decisionTimeIssues(decisions, now),
      ...issues,
    ]);
    const unparsed = readings.filter((reading) => reading.unparsed).length;
    const reply = await this.record(scope, header, async (tx, batchId) => {
      const stored = batch.events.length > 0 ? await this.audit.insert(tx, scope, batch.events, readings) : { inserted: 0, upgraded: 0, namespaceNames: [] };
      const added = await this.decisions.add(tx, scope, decisions);
      const payload = { version: JOB_PAYLOAD_VERSION, orgId: scope.orgId, clusterId: scope.clusterId } as const;
      return {
        ...(batch.admissionDecisions === undefined ? {} : { admissionDecisions: added.added }),
        accepted: counts({ auditEvents: stored.inserted }),
        duplicates: counts({ auditEvents: batch.events.length - stored.inserted }),
        deleted: counts({}),
        unparsedAuditEvents: unparsed,
        jobs: [
          ...(stored.inserted + stored.upgraded > 0 ? [prepareJob(JOB_NAMES.ingestAuditEvents, { ...payload, batchId, namespaces: stored.namespaceNames })] : []),
          // Decisions mark their namespaces (inventory_marks): one readiness run per cluster, however many batches.
          ...(added.markedNamespaces > 0 ? [prepareJob(JOB_NAMES.recomputeReadiness, payload)] : []),
        ],
      };
    });
    if (unparsed > 0 && !reply.replayed) {
      const auditIds = batch.events.filter((_, index) => readings[index]!.unparsed).map((event) => event.auditId);
      this.logger.warn(
        `org ${scope.orgId} cluster ${scope.clusterId}: ${unparsed} audit events stored unparsed, auditIDs ${JSON.stringify(auditIds.slice(0, 20))}`,
      );
    }
    return reply;
  }

  /** The agent's sign of life: its version, the cluster's Kubernetes version and what the agent counts. */
  async heartbeat(ctx: TenantContext, idempotencyKey: string, heartbeat: Heartbeat): Promise<IngestReply> {
    const scope = this.scopeOf(ctx);
    const { header } = this.header('heartbeat', idempotencyKey, heartbeat, 0);
    return this.record(scope, header, async (tx) => {
      const agent = await this.batches.updateAgent(tx, scope, heartbeat);
      // `latest` is evaluated at the cluster's own minor: a new one (the first heartbeat included) changes findings
      // and readiness at `latest` of everything in the cluster, so all of it is marked for the worker; so does a new
      // PSA configuration (its default versions are versions findings use; its defaults and exemptions change
      // readiness). A new audit source changes readiness only (provisional): namespaces are marked.
      const marks =
        kubernetesMinor(agent.previousKubernetesVersion) !== kubernetesMinor(heartbeat.kubernetesVersion) || agent.psaConfigurationChanged
          ? [await markClusterInventory(tx, scope)]
          : agent.auditSourceChanged
            ? [{ namespaces: await markClusterNamespaces(tx, scope), workloads: 0 }]
            : [];
      return { accepted: counts({}), duplicates: counts({}), deleted: counts({}), jobs: inventoryJobs(scope, 0, marks) };
    });
  }

  private scopeOf(ctx: TenantContext): IngestScope {
    if (ctx.actor.kind !== 'agent') throw new AppError('forbidden', "only a cluster's agent token can ingest");
    return { orgId: ctx.orgId, clusterId: ctx.actor.clusterId };
  }

  private check(issues: readonly FieldIssue[]): void {
    if (issues.length > 0) throw invalid(issues);
  }

  // `canonical` is the parsed body with its records sorted; its JSON is returned for the other checks to reuse.
  private header(
    kind: BatchHeader['kind'],
    idempotencyKey: string,
    canonical: object,
    itemCount: number,
    sync?: BatchHeader['sync'],
  ): { header: BatchHeader; json: string } {
    const endpoint = { resync: INGEST_PATHS.inventoryResync, delta: INGEST_PATHS.inventoryDelta, audit: INGEST_PATHS.auditEvents, heartbeat: INGEST_PATHS.heartbeat }[kind];
    const json = JSON.stringify(canonical);
    return { header: { kind, idempotencyKey, requestHash: requestHash(endpoint, json), itemCount, ...(sync ? { sync } : {}) }, json };
  }

  // Projections first: the hashes declared known must exist, the carried ones are stored, then the objects
  // that point at them.
  private async upsert(
    tx: Transaction,
    scope: IngestScope,
    batch: InventoryUpsert & { projections: ProjectionMap },
    knownHashes: readonly string[],
    observedAt: Date,
  ): Promise<Omit<BatchWrite, 'deleted' | 'jobs'> & { marks: MarkCounts }> {
    const missing = await missingProjections(tx, scope, knownHashes);
    if (missing.length > 0) {
      const details: UnknownProjectionsDetails = { missingProjectionHashes: missing };
      throw new AppError(
        UNKNOWN_PROJECTIONS_ERROR_CODE,
        `${missing.length} projection hashes in knownProjectionHashes are not stored: resend the batch carrying them in projections`,
        details,
      );
    }
    const carried = Object.keys(batch.projections).length;
    const newProjections = await insertProjections(tx, scope, batch.projections);
    const stored = await upsertInventory(tx, scope, batch, observedAt);
    return {
      accepted: counts({ namespaces: stored.namespaces, workloads: stored.workloads, pods: stored.pods, projections: newProjections }),
      duplicates: counts({ projections: carried - newProjections }),
      marks: stored.marks,
    };
  }

  private async record(scope: IngestScope, header: BatchHeader, write: (tx: Transaction, batchId: string) => Promise<BatchWrite>): Promise<IngestReply> {
    let outcome;
    try {
      outcome = await this.batches.record(scope, header, write);
    } catch (error) {
      this.metrics.ingestBatches.inc({ kind: header.kind, outcome: 'rejected' });
      throw ingestErrorFrom(error);
    }
    if (outcome.replayed) {
      if (!outcome.answer || outcome.requestHash !== header.requestHash) {
        this.metrics.ingestBatches.inc({ kind: header.kind, outcome: 'rejected' });
        throw new AppError(
          'conflict',
          `Idempotency-Key ${JSON.stringify(header.idempotencyKey)} was already used for a different request: a retry must resend the same batch, a new batch needs a new key`,
        );
      }
      this.metrics.ingestBatches.inc({ kind: header.kind, outcome: 'replayed' });
      return { ...outcome.answer, replayed: true };
    }
    this.metrics.ingestBatches.inc({ kind: header.kind, outcome: 'accepted' });
    for (const [key, kind] of Object.entries(METRIC_KINDS) as [keyof IngestCounts, string][]) {
      const stored = outcome.answer.body.accepted[key];
      if (stored > 0) this.metrics.ingestObjects.inc({ kind }, stored);
    }
    await this.dispatch(outcome.outbox);
    return { ...outcome.answer, replayed: false };
  }

  // After commit: enqueue the batch's jobs, then have their outbox rows deleted. Enqueueing may fail without
  // failing the batch: the outbox relay enqueues what is left, and deterministic job ids make a second enqueue
  // of the same job a no-op.
  private async dispatch(outbox: readonly OutboxEntry[]): Promise<void> {
    if (outbox.length === 0) return;
    try {
      await this.queue.enqueue(outbox.map((entry) => entry.job));
    } catch (error) {
      this.metrics.outboxDepth.inc(outbox.length);
      this.logger.warn(`queue unreachable (${(error as Error).message}): ${outbox.length} jobs left to the outbox relay`);
      return;
    }
    this.relay.enqueuedByBatch(outbox.map((entry) => entry.outboxId));
  }
}
