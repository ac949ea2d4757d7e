import {
  earliestTrendData,
  latestTrendBucket,
  listOrganizationIds,
  readTrendNamespaces,
  rebuildTrendBucket,
  withSystem,
  withTenant,
  type PrismaClient,
  type TransactionOptions,
  type TrendBucket,
} from '@ratchet/db';

import { versionLabel } from '../evaluation/policy-version.util.js';
import { bucketsToBuild } from './rollup-buckets.util.js';

const TX: TransactionOptions = { maxWait: 10_000, timeout: 60_000 };

/** What one rollup run did. */
export interface RollupSummary {
  organizations: number;
  buckets: number;
  rows: number;
  /** Organizations whose rollup failed (logged by the caller); the others are done. */
  failed: string[];
}

/**
 * Builds the trend rollups of every organization. Tenants come from ratchet_organization_ids (SECURITY DEFINER);
 * each organization's buckets are rebuilt in tenant transactions, one per bucket, so row-level security applies and
 * a rebuild replaces exactly one bucket. Rerunning a bucket overwrites it (rebuildTrendBucket).
 */
export class RollupsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Rebuilds what bucketsToBuild names for every organization; `rebuildFrom` rebuilds from that time's bucket too. */
  async run(granularity: TrendBucket['granularity'], rebuildFrom?: Date): Promise<RollupSummary> {
    const now = this.now();
    const orgIds = await withSystem(this.prisma, (tx) => listOrganizationIds(tx));
    const summary: RollupSummary = { organizations: orgIds.length, buckets: 0, rows: 0, failed: [] };
    for (const orgId of orgIds) {
      try {
        const built = await this.rollupOrganization(orgId, granularity, now, rebuildFrom);
        summary.buckets += built.buckets;
        summary.rows += built.rows;
      } catch (error) {
        // One tenant's failure must not starve the others; the job fails afterwards so BullMQ retries it.
        summary.failed.push(`${orgId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return summary;
  }

  /** Rebuilds the buckets bucketsToBuild names for one organization; returns how many buckets and rows. */
  async rollupOrganization(orgId: string, granularity: TrendBucket['granularity'], now: Date, rebuildFrom?: Date): Promise<{ buckets: number; rows: number }> {
    const scope = { orgId };
    // The first rollup catches up from the oldest data (bounded by ROLLUP_CATCH_UP); later ones from the newest bucket,
    // or from `rebuildFrom` when it is earlier (a rebuild asked for: data that arrived late, or a replay).
    const { stored, earliest } = await withTenant(this.prisma, orgId, async (tx) => {
      const newest = await latestTrendBucket(tx, scope, granularity);
      return { stored: newest, earliest: newest === null ? await earliestTrendData(tx, scope) : null };
    });
    const since = stored ?? earliest;
    const start = rebuildFrom !== undefined && (since === null || rebuildFrom < since) ? rebuildFrom : since;
    const buckets = bucketsToBuild(granularity, start, now);
    let rows = 0;
    for (const bucket of buckets) {
      rows += await this.rebuild(orgId, bucket, now);
    }
    return { buckets: buckets.length, rows };
  }

  /** Rebuilds one bucket of one organization. */
  async rebuild(orgId: string, bucket: TrendBucket, computedAt: Date): Promise<number> {
    const scope = { orgId };
    return withTenant(
      this.prisma,
      orgId,
      async (tx) => {
        const sources = await readTrendNamespaces(tx, scope, bucket);
        // The version readiness is computed at (its enforce-version, else latest), as findings name it.
        const namespaces = sources.map((n) => ({ id: n.id, clusterId: n.clusterId, name: n.name, version: versionLabel(n.enforceVersion) }));
        return rebuildTrendBucket(tx, scope, bucket, namespaces, computedAt);
      },
      TX,
    );
  }
}
