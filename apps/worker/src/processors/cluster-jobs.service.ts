import {
  clearInventoryMarks,
  readInventoryMarks,
  withTenant,
  type ClusterScope,
  type FindingChanges,
  type PrismaClient,
  type TransactionOptions,
} from '@ratchet/db';

import { evaluatePendingProjections } from '../evaluation/evaluation.service.js';
import { evaluateVersionsChunk } from '../evaluation/evaluate-versions.service.js';
import { refreshFindings } from '../findings/findings.service.js';
import { recomputeDrift } from '../drift/drift.service.js';
import { readReadinessSources, recomputeReadiness } from '../readiness/readiness.service.js';
import { namespaceIdsByName } from '../readiness/readiness-sources.repository.js';

/** How much one transaction takes on: chunks keep transactions short and a retried job redoes at most one. */
export interface ChunkSizes {
  projections: number;
  workloads: number;
  namespaces: number;
}

export const DEFAULT_CHUNKS: ChunkSizes = { projections: 200, workloads: 100, namespaces: 100 };

/** Interactive transactions of the worker: a chunk of evaluation may take longer than Prisma's 5 s default. */
const TX: TransactionOptions = { maxWait: 10_000, timeout: 60_000 };

export interface EvaluateSummary {
  projections: number;
  workloads: number;
  findings: FindingChanges;
}

/**
 * The work behind each job, for one cluster, in tenant transactions (row-level security applies). Each chunk reads
 * marks, refreshes what they name and clears them at the generation read, in one transaction: a crash rolls the
 * chunk back with its marks, so a retried job does exactly what the first would have.
 */
export class ClusterJobsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date = () => new Date(),
    private readonly chunks: ChunkSizes = DEFAULT_CHUNKS,
  ) {}

  /** Evaluates the organization's new projections, then refreshes the findings of the cluster's marked workloads. */
  async evaluateProjections(scope: ClusterScope): Promise<EvaluateSummary> {
    const summary: EvaluateSummary = { projections: 0, workloads: 0, findings: { opened: 0, stillOpen: 0, resolved: 0 } };
    for (;;) {
      const taken = await withTenant(this.prisma, scope.orgId, (tx) => evaluatePendingProjections(tx, scope, this.chunks.projections, this.now()), TX);
      summary.projections += taken;
      if (taken < this.chunks.projections) break;
    }
    for (;;) {
      const marks = await withTenant(
        this.prisma,
        scope.orgId,
        async (tx) => {
          const read = await readInventoryMarks(tx, scope, 'workload', this.chunks.workloads);
          // Findings are dated by the marks (when the agent observed what changed), verdicts by the worker's clock.
          const changes = await refreshFindings(tx, scope, read.map((m) => ({ id: m.subjectId, observedAt: m.markedAt })), this.now());
          summary.findings.opened += changes.opened;
          summary.findings.stillOpen += changes.stillOpen;
          summary.findings.resolved += changes.resolved;
          await clearInventoryMarks(tx, scope, read);
          return read.length;
        },
        TX,
      );
      summary.workloads += marks;
      if (marks < this.chunks.workloads) break;
    }
    return summary;
  }

  /** Evaluates every projection of the cluster at these concrete versions (a what-if asked); returns how many. */
  async evaluateVersions(scope: ClusterScope, versions: readonly string[]): Promise<number> {
    let total = 0;
    let afterId: string | null = null;
    for (;;) {
      const from: string | null = afterId;
      const chunk: { lastId: string | null; taken: number } = await withTenant(this.prisma, scope.orgId, (tx) => evaluateVersionsChunk(tx, scope, versions, from, this.chunks.projections, this.now()), TX);
      total += chunk.taken;
      if (chunk.lastId === null || chunk.taken < this.chunks.projections) return total;
      afterId = chunk.lastId;
    }
  }

  /** Recomputes the readiness of the cluster's marked namespaces; returns how many. */
  async recomputeMarkedReadiness(scope: ClusterScope): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await withTenant(
        this.prisma,
        scope.orgId,
        async (tx) => {
          const read = await readInventoryMarks(tx, scope, 'namespace', this.chunks.namespaces);
          // Drift reads the same inventory as readiness: read once, in the same transaction so the two never disagree.
          const sources = await readReadinessSources(tx, scope, read.map((m) => m.subjectId));
          await recomputeReadiness(tx, scope, sources, this.now());
          await recomputeDrift(tx, scope, sources, this.now());
          await clearInventoryMarks(tx, scope, read);
          return read.length;
        },
        TX,
      );
      total += count;
      if (count < this.chunks.namespaces) break;
    }
    return total;
  }

  /** Recomputes the readiness of the named namespaces (new audit-mode violations); returns how many were found. */
  async recomputeNamespacesByName(scope: ClusterScope, names: readonly string[]): Promise<number> {
    return withTenant(
      this.prisma,
      scope.orgId,
      async (tx) => {
        const ids = await namespaceIdsByName(tx, scope, names);
        await recomputeReadiness(tx, scope, await readReadinessSources(tx, scope, ids), this.now());
        return ids.length;
      },
      TX,
    );
  }
}
