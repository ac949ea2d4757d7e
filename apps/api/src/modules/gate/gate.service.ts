import { Injectable } from '@nestjs/common';
import type { CheckId, GateBlocker, GateQuery, GateResult } from '@ratchet/contracts';
import { levelRank } from '@ratchet/pss';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { Clock } from '../../infra/clock.provider.js';
import { WhatIfService, kubectlWarning } from '../what-if/what-if.service.js';
import { GateRepository } from './gate.repository.js';

const DAY_MS = 86_400_000;

/**
 * The CI gate: may these namespaces enforce a level at a version now? Closed when a live workload's template or pod
 * would be rejected (what-if), when an audit-mode violation of the level was recorded within the organization's
 * readiness window (short-lived pods the inventory never saw), or when a named namespace was never reported.
 */
@Injectable()
export class GateService {
  constructor(
    private readonly whatIf: WhatIfService,
    private readonly repository: GateRepository,
    private readonly clock: Clock,
  ) {}

  /** The verdict now (the API's clock): the audit window is the organization's readiness window up to now. */
  async gate(ctx: TenantContext, clusterId: string, query: GateQuery): Promise<GateResult> {
    const now = this.clock.now();
    const answer = await this.whatIf.answer(ctx, clusterId, { level: query.level, version: query.version, namespaces: query.namespaces ?? 'all' });
    const windowDays = answer.cluster.readinessWindowDays;
    const checked = answer.snapshot.namespaces.filter((n) => n.reported);
    const audits = await this.repository.auditViolations(ctx.orgId, clusterId, checked.map((n) => n.name), new Date(now.getTime() - windowDays * DAY_MS), now);
    const blockers = new Map<string, GateBlocker>();
    const blockerOf = (namespace: string): GateBlocker => {
      let blocker = blockers.get(namespace);
      if (!blocker) blockers.set(namespace, (blocker = { namespace, workloads: [], auditViolations: 0 }));
      return blocker;
    };
    for (const r of answer.rejections) {
      const shown = r.templateChecks.length > 0 ? r.templateChecks : r.rejectedPods[0]!.checks;
      blockerOf(r.namespaceName).workloads.push({
        kind: r.workload.kind as GateBlocker['workloads'][number]['kind'],
        name: r.workload.name,
        checks: r.checks.map((c) => c.id as CheckId),
        warning: kubectlWarning(query.level, query.version, shown),
      });
    }
    // Restricted contains baseline: a baseline violation fails restricted too; an unparsed one blocks every level.
    for (const audit of audits) {
      if (audit.level === null || levelRank(audit.level) <= levelRank(query.level)) blockerOf(audit.namespaceName).auditViolations += audit.count;
    }
    const ordered = [...blockers.values()].sort((a, b) => (a.namespace < b.namespace ? -1 : 1));
    const ready = ordered.length === 0 && answer.unknownNamespaces.length === 0 && checked.length > 0;
    return {
      clusterId,
      level: query.level,
      version: query.version,
      evaluatedVersion: answer.evaluatedVersion,
      verdict: ready ? 'ready' : 'not_ready',
      windowDays,
      namespacesChecked: checked.length,
      unknownNamespaces: answer.unknownNamespaces,
      blockers: ordered,
      reasons: reasonsOf(query, answer.evaluatedVersion, checked.length, answer.unknownNamespaces, ordered, windowDays),
    };
  }
}

function reasonsOf(query: GateQuery, evaluatedVersion: string, checked: number, unknown: readonly string[], blockers: readonly GateBlocker[], windowDays: number): string[] {
  const policy = `${query.level}:${query.version}${query.version === 'latest' ? ` (${evaluatedVersion})` : ''}`;
  const reasons: string[] = [];
  if (checked === 0 && unknown.length === 0) reasons.push('the agent has reported no namespace of this cluster yet: nothing to vouch for');
  if (unknown.length > 0) reasons.push(`not reported by the agent: ${unknown.join(', ')}`);
  for (const blocker of blockers) {
    const parts: string[] = [];
    if (blocker.workloads.length > 0) parts.push(`${blocker.workloads.length} workload(s) would be rejected (${blocker.workloads.map((w) => `${w.kind}/${w.name}`).join(', ')})`);
    if (blocker.auditViolations > 0) parts.push(`${blocker.auditViolations} audit-mode violation(s) in the last ${windowDays} day(s)`);
    reasons.push(`${blocker.namespace}: ${parts.join('; ')}`);
  }
  if (reasons.length === 0) reasons.push(`${checked} namespace(s) can enforce ${policy}: nothing would be rejected and no audit-mode violation in the last ${windowDays} day(s)`);
  return reasons;
}
