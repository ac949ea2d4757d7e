import { Injectable } from '@nestjs/common';
import { COVERAGE_NAMESPACES_MAX, resolvePsaConfiguration } from '@ratchet/contracts';
import type { ClusterCoverage, CoverageKind } from '@ratchet/contracts';

import type { TenantContext } from '../../common/auth/tenant-context.js';
import { AppError, notFound } from '../../common/errors/app-error.js';
import { CoverageRepository } from './coverage.repository.js';
import { coverageOf } from './coverage.util.js';

const KINDS: readonly CoverageKind[] = ['unlabeled', 'invalid-label', 'allowlisted', 'privileged-outside-allowlist', 'exempt', 'unreported'];

@Injectable()
export class CoverageService {
  constructor(private readonly repository: CoverageRepository) {}

  /** The cluster's coverage report, from its stored namespaces, its effective PSA configuration and the organization's allowlist. */
  async get(ctx: TenantContext, clusterId: string): Promise<ClusterCoverage> {
    const read = await this.repository.read(ctx.orgId, clusterId);
    if (!read) throw notFound('cluster');
    if (read.namespaces.length > COVERAGE_NAMESPACES_MAX) {
      const total = await this.repository.count(ctx.orgId, clusterId);
      throw new AppError('payload_too_large', `the cluster has ${total} namespaces; coverage lists at most ${COVERAGE_NAMESPACES_MAX}`, { total });
    }
    const effective = resolvePsaConfiguration(read.cluster.psaConfigurationOverride, read.cluster.psaConfiguration, read.cluster.organizationPsaConfiguration);
    const allowlist = new Set(read.cluster.privilegedNamespaceAllowlist);
    const namespaces = read.namespaces.flatMap((row) => {
      const coverage = coverageOf(row, effective.configuration, allowlist);
      return coverage ? [coverage] : [];
    });
    const counted = (kind: CoverageKind) => namespaces.filter((n) => n.reasons.some((r) => r.kind === kind)).length;
    return {
      clusterId,
      psaConfiguration: effective,
      privilegedNamespaceAllowlist: read.cluster.privilegedNamespaceAllowlist,
      counts: {
        namespaces: read.namespaces.length,
        ...(Object.fromEntries(KINDS.map((kind) => [kind, counted(kind)])) as Record<CoverageKind, number>),
        flagged: namespaces.filter((n) => n.flagged).length,
      },
      namespaces,
      computedAt: new Date().toISOString(),
    };
  }
}
