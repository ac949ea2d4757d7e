import { JOB_NAMES, JOB_PAYLOAD_VERSION } from '@ratchet/contracts';
import { listOrganizationIds, markReadinessDue, withSystem, withTenant, type PrismaClient, type TransactionOptions } from '@ratchet/db';
import { prepareJob, type PreparedJob } from '@ratchet/jobs';

const TX: TransactionOptions = { maxWait: 10_000, timeout: 60_000 };

/** What one `readiness-expiry` run did. */
export interface ReadinessExpirySummary {
  organizations: number;
  /** Clusters a `recompute-readiness` job was queued for. */
  clusters: number;
  /** Namespaces marked for readiness (one per namespace, whatever its levels). */
  namespaces: number;
  /** `<orgId>: <reason>` of organizations whose marking failed; the job is retried. */
  failed: string[];
}

/** Puts prepared jobs on JOB_QUEUE (JobProducer.add); throws when Redis is unreachable. */
export type EnqueueJobs = (jobs: readonly PreparedJob[]) => Promise<void>;

/**
 * The `readiness-expiry` scheduled job: in every organization (found through `ratchet_organization_ids()`, then under
 * row-level security), marks the namespaces whose stored readiness is due (an audit event it counted left the window
 * at or before `now`) and queues `recompute-readiness` for their clusters. The marks are committed before the
 * enqueue: if Redis fails, the job is retried, and the rows stay due, so the next tick queues them anyway.
 */
export class ReadinessExpiryService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly enqueue: EnqueueJobs,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async run(): Promise<ReadinessExpirySummary> {
    const now = this.now();
    const orgIds = await withSystem(this.prisma, (tx) => listOrganizationIds(tx));
    const summary: ReadinessExpirySummary = { organizations: orgIds.length, clusters: 0, namespaces: 0, failed: [] };
    const jobs: PreparedJob[] = [];
    for (const orgId of orgIds) {
      try {
        const due = await withTenant(this.prisma, orgId, (tx) => markReadinessDue(tx, { orgId }, now), TX);
        for (const { clusterId, namespaces } of due) {
          jobs.push(prepareJob(JOB_NAMES.recomputeReadiness, { version: JOB_PAYLOAD_VERSION, orgId, clusterId }));
          summary.namespaces += namespaces;
        }
      } catch (error) {
        summary.failed.push(`${orgId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await this.enqueue(jobs);
    summary.clusters = jobs.length;
    return summary;
  }
}
