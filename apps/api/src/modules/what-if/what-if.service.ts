import { Inject, Injectable, Logger } from '@nestjs/common';
import { WHAT_IF_MAX_PODS_PER_WORKLOAD } from '@ratchet/contracts';
import type { CheckId, EnforceableLevel, WhatIfCheck, WhatIfRequestParsed, WhatIfResult, WhatIfWorkload } from '@ratchet/contracts';
import { JOB_NAMES, prepareJob } from '@ratchet/jobs';
import { aggregate, clusterReleaseVersion, evaluatePod, MAX_MINOR, parseVersion, remediationFor, suggestPatch, violationMessage } from '@ratchet/pss';
import type { PodLike } from '@ratchet/pss';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { AppError, notFound } from '../../common/errors/app-error.js';
import { API_CONFIG } from '../../config/api-config.js';
import type { ApiConfig } from '../../config/api-config.js';
import { JobQueue } from '../ingest/job-queue.provider.js';
import { findRejections } from './rejections.util.js';
import type { Rejection } from './rejections.util.js';
import { WhatIfRepository } from './what-if.repository.js';
import type { InventorySnapshot, StoredCheck, StoredVerdict, WhatIfCluster } from './what-if.repository.js';

/** Which namespaces, level and version to evaluate. */
export interface PolicyQuestion {
  level: EnforceableLevel;
  /** As asked: `latest` or `v1.N`. */
  version: string;
  namespaces: readonly string[] | 'all';
}

/** A question's answer before it is shaped for a route. */
export interface PolicyAnswer {
  cluster: WhatIfCluster;
  question: PolicyQuestion;
  /** The concrete version evaluated. */
  evaluatedVersion: string;
  snapshot: InventorySnapshot;
  /** Named namespaces with no live reported namespace of that name. */
  unknownNamespaces: string[];
  rejections: Rejection[];
}

/**
 * The concrete version a label is evaluated at: `v1.N` capped at the evaluator's newest (as the worker stores it),
 * `latest` the cluster's own release (null before its first heartbeat).
 */
export function resolveVersion(version: string, kubernetesVersion: string | null): string | null {
  if (version === 'latest') return clusterReleaseVersion(kubernetesVersion);
  return `v1.${Math.min(parseVersion(version).minor, MAX_MINOR)}`;
}

/** The line kubectl prints for a rejected object: Pod Security Admission's warning, byte for byte. */
export function kubectlWarning(level: EnforceableLevel, version: string, checks: readonly StoredCheck[]): string {
  return `Warning: ${violationMessage(aggregate(level, version, checks.map((c) => ({ id: c.id as CheckId, reason: c.reason, detail: c.detail }))))}`;
}

const RETRY_SECONDS_PER_100K = 10;

/**
 * What-if: which workloads and pods would be rejected if namespaces enforced a level at a version, from the stored
 * projections and the worker's stored verdicts. A version the worker has not evaluated is evaluated here, bounded
 * by RATCHET_WHAT_IF_EVALUATION_LIMIT projections; past it the evaluation is queued and the answer is 503.
 */
@Injectable()
export class WhatIfService {
  private readonly logger = new Logger('WhatIfService');

  constructor(
    private readonly repository: WhatIfRepository,
    private readonly queue: JobQueue,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** The cluster (404 when it is not the tenant's). */
  async cluster(ctx: TenantContext, clusterId: string): Promise<WhatIfCluster> {
    const cluster = await this.repository.cluster(ctx.orgId, clusterId);
    if (!cluster) throw notFound('cluster');
    return cluster;
  }

  /** The concrete version of `version` on this cluster; 409 for `latest` before the agent reported its release. */
  concreteVersion(cluster: WhatIfCluster, version: string): string {
    const concrete = resolveVersion(version, cluster.kubernetesVersion);
    if (concrete === null) {
      throw new AppError(
        'conflict',
        "latest is the cluster's own Kubernetes release, which its agent has not reported yet (no heartbeat): ask for a version such as v1.30",
        { field: 'version' },
      );
    }
    return concrete;
  }

  /**
   * Failing checks keyed `<version>/<projectionId>` at `level` and each of `versions` (concrete), read from the stored verdicts and
   * evaluated on demand for the ones missing (stored too). Throws 503 `unavailable` with Retry-After and queues an
   * `evaluate-versions` job when more than the limit are missing.
   */
  async verdicts(ctx: TenantContext, clusterId: string, projectionIds: readonly string[], level: EnforceableLevel, versions: readonly string[]): Promise<Map<string, StoredCheck[]>> {
    const key = (projectionId: string, version: string) => `${version}/${projectionId}`;
    const index = new Map<string, StoredCheck[]>();
    for (const verdict of await this.repository.verdicts(ctx.orgId, projectionIds, level, versions)) index.set(key(verdict.projectionId, verdict.version), verdict.checks);
    const missing = versions.flatMap((version) => projectionIds.filter((id) => !index.has(key(id, version))).map((id) => ({ id, version })));
    if (missing.length > this.config.RATCHET_WHAT_IF_EVALUATION_LIMIT) {
      const missingVersions = [...new Set(missing.map((m) => m.version))].sort();
      await this.queueEvaluation(ctx, clusterId, missingVersions);
      throw new AppError(
        'unavailable',
        `${missing.length} projections have not been evaluated at ${missingVersions.join(', ')} yet, more than the API evaluates on demand; the evaluation is queued: retry after the Retry-After delay`,
        { retryAfterSeconds: Math.max(2, Math.ceil((missing.length / 100_000) * RETRY_SECONDS_PER_100K)), versions: missingVersions, projections: missing.length },
      );
    }
    if (missing.length > 0) {
      const projections = await this.repository.projections(ctx.orgId, [...new Set(missing.map((m) => m.id))]);
      const fresh: StoredVerdict[] = [];
      for (const { id, version } of missing) {
        const projection = projections.get(id);
        if (projection === undefined) continue;
        const checks = evaluatePod(projection as PodLike, level, version).checks.map((c) => ({ id: c.id, reason: c.reason, detail: c.detail }));
        fresh.push({ projectionId: id, level, version, checks });
        index.set(key(id, version), checks);
      }
      await this.repository.storeVerdicts(ctx.orgId, fresh, new Date());
    }
    return index;
  }

  private async queueEvaluation(ctx: TenantContext, clusterId: string, versions: string[]): Promise<void> {
    try {
      await this.queue.enqueue([prepareJob(JOB_NAMES.evaluateVersions, { version: 2, orgId: ctx.orgId, clusterId, versions })]);
    } catch (error) {
      // The 503 stands either way; the next retry queues it again.
      this.logger.warn(`could not queue evaluate-versions: ${(error as Error).message}`);
    }
  }

  /** Evaluates one question over the cluster's stored inventory. */
  async answer(ctx: TenantContext, clusterId: string, question: PolicyQuestion): Promise<PolicyAnswer> {
    const cluster = await this.cluster(ctx, clusterId);
    const evaluatedVersion = this.concreteVersion(cluster, question.version);
    const snapshot = await this.repository.snapshot(ctx.orgId, clusterId, question.namespaces);
    const reported = new Set(snapshot.namespaces.filter((n) => n.reported).map((n) => n.name));
    const unknownNamespaces = question.namespaces === 'all' ? [] : [...new Set(question.namespaces)].filter((name) => !reported.has(name)).sort();
    const projectionIds = [...new Set([...snapshot.workloads.map((w) => w.projectionId), ...snapshot.pods.map((p) => p.projectionId)])];
    const verdicts = await this.verdicts(ctx, clusterId, projectionIds, question.level, [evaluatedVersion]);
    const rejections = findRejections(snapshot, (id) => verdicts.get(`${evaluatedVersion}/${id}`) ?? []);
    return { cluster, question, evaluatedVersion, snapshot, unknownNamespaces, rejections };
  }

  /** `POST /clusters/:clusterId/what-if`. */
  async whatIf(ctx: TenantContext, clusterId: string, request: WhatIfRequestParsed): Promise<WhatIfResult> {
    const answer = await this.answer(ctx, clusterId, { level: request.level, version: request.version, namespaces: request.namespaces });
    return this.toResult(ctx, answer);
  }

  private async toResult(ctx: TenantContext, answer: PolicyAnswer): Promise<WhatIfResult> {
    const { question, snapshot, rejections, evaluatedVersion } = answer;
    const patches = await this.patches(ctx, rejections, question.level, evaluatedVersion);
    const workloads: WhatIfWorkload[] = rejections.map((r) => {
      const shown = r.templateChecks.length > 0 ? r.templateChecks : r.rejectedPods[0]!.checks;
      const patch = patches.get(r.templateChecks.length > 0 ? r.workload.projectionId : r.rejectedPods[0]!.projectionId);
      return {
        workloadId: r.workload.id,
        namespace: r.namespaceName,
        kind: r.workload.kind as WhatIfWorkload['kind'],
        name: r.workload.name,
        templateRejected: r.templateChecks.length > 0,
        checks: r.checks.map((c) => toCheck(c)),
        warning: kubectlWarning(question.level, question.version, shown),
        rejectedPods: r.rejectedPods.slice(0, WHAT_IF_MAX_PODS_PER_WORKLOAD).map((p) => p.name),
        rejectedPodCount: r.rejectedPods.length,
        patchYaml: patch?.yaml ?? null,
        manualCheckIds: patch?.manual ?? [],
      };
    });
    const podsPerNamespace = countBy(snapshot.pods.map((p) => p.namespaceId));
    const workloadsPerNamespace = countBy(snapshot.workloads.map((w) => w.namespaceId));
    const rejectedPerNamespace = new Map<string, { workloads: number; pods: number }>();
    for (const r of rejections) {
      const entry = rejectedPerNamespace.get(r.workload.namespaceId) ?? { workloads: 0, pods: 0 };
      entry.workloads += 1;
      entry.pods += r.rejectedPods.length;
      rejectedPerNamespace.set(r.workload.namespaceId, entry);
    }
    const byCheck = countBy(rejections.flatMap((r) => r.checks.map((c) => c.id)));
    const namespaces = snapshot.namespaces
      .filter((n) => n.reported)
      .map((n) => ({
        namespaceId: n.id,
        name: n.name,
        workloads: workloadsPerNamespace.get(n.id) ?? 0,
        pods: podsPerNamespace.get(n.id) ?? 0,
        rejectedWorkloads: rejectedPerNamespace.get(n.id)?.workloads ?? 0,
        rejectedPods: rejectedPerNamespace.get(n.id)?.pods ?? 0,
      }));
    return {
      clusterId: answer.cluster.id,
      level: question.level,
      version: question.version,
      evaluatedVersion,
      unknownNamespaces: answer.unknownNamespaces,
      summary: {
        namespaces: namespaces.length,
        workloads: snapshot.workloads.length,
        pods: snapshot.pods.length,
        rejectedWorkloads: rejections.length,
        rejectedPods: rejections.reduce((sum, r) => sum + r.rejectedPods.length, 0),
      },
      byCheck: [...byCheck].map(([id, workloads]) => ({ id: id as CheckId, workloads })).sort((a, b) => b.workloads - a.workloads || (a.id < b.id ? -1 : 1)),
      namespaces,
      workloads,
    };
  }

  /** libs/pss suggestPatch once per distinct failing projection (the template's, else the first rejected pod's). */
  private async patches(ctx: TenantContext, rejections: readonly Rejection[], level: EnforceableLevel, version: string): Promise<Map<string, { yaml: string | null; manual: CheckId[] }>> {
    const ids = [...new Set(rejections.map((r) => (r.templateChecks.length > 0 ? r.workload.projectionId : r.rejectedPods[0]!.projectionId)))];
    const projections = await this.repository.projections(ctx.orgId, ids);
    const patches = new Map<string, { yaml: string | null; manual: CheckId[] }>();
    for (const [id, projection] of projections) {
      const suggestion = suggestPatch(projection as PodLike, level, version);
      patches.set(id, { yaml: suggestion.changes.length > 0 ? suggestion.yaml : null, manual: [...new Set(suggestion.manual.map((m) => m.checkId))] });
    }
    return patches;
  }
}

function toCheck(check: StoredCheck): WhatIfCheck {
  const remediation = remediationFor(check.id as CheckId);
  return { id: check.id as CheckId, reason: check.reason, detail: check.detail, title: remediation.title, remediation: remediation.what, snippet: remediation.snippet };
}

function countBy(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
