import type { OrgRole } from './generated/prisma/client.js';
import type { Transaction } from './tenant-transaction.js';

// Typed wrappers of the SQL functions defined in the init migration. The lookups run before the tenant is known
// (call them inside withSystem); each returns only the ids needed to continue under withTenant.

export interface AgentTokenRef {
  tokenId: string;
  orgId: string;
  clusterId: string;
}

/** An agent's token by its sha256 hex, when not revoked. */
export async function findAgentTokenByHash(tx: Transaction, tokenHash: string): Promise<AgentTokenRef | null> {
  const rows = await tx.$queryRaw<{ token_id: string; org_id: string; cluster_id: string }[]>`
    SELECT token_id, org_id, cluster_id FROM ratchet_agent_token_lookup(${tokenHash})`;
  const row = rows[0];
  return row ? { tokenId: row.token_id, orgId: row.org_id, clusterId: row.cluster_id } : null;
}

export interface ApiTokenRef {
  tokenId: string;
  orgId: string;
}

/** An API token by its sha256 hex, when neither revoked nor expired. */
export async function findApiTokenByHash(tx: Transaction, tokenHash: string): Promise<ApiTokenRef | null> {
  const rows = await tx.$queryRaw<{ token_id: string; org_id: string }[]>`
    SELECT token_id, org_id FROM ratchet_api_token_lookup(${tokenHash})`;
  const row = rows[0];
  return row ? { tokenId: row.token_id, orgId: row.org_id } : null;
}

export interface InvitationRef {
  invitationId: string;
  orgId: string;
}

/** A pending invitation (not accepted, revoked or expired) by its token's sha256 hex. */
export async function findPendingInvitationByHash(tx: Transaction, tokenHash: string): Promise<InvitationRef | null> {
  const rows = await tx.$queryRaw<{ invitation_id: string; org_id: string }[]>`
    SELECT invitation_id, org_id FROM ratchet_invitation_lookup(${tokenHash})`;
  const row = rows[0];
  return row ? { invitationId: row.invitation_id, orgId: row.org_id } : null;
}

export interface UserMembershipRef {
  orgId: string;
  membershipId: string;
  role: OrgRole;
}

/** The organizations a user belongs to, oldest membership first. */
export async function listUserMemberships(tx: Transaction, userId: string): Promise<UserMembershipRef[]> {
  const rows = await tx.$queryRaw<{ org_id: string; membership_id: string; role: OrgRole }[]>`
    SELECT org_id, membership_id, role::text AS role FROM ratchet_user_memberships(${userId}::uuid)`;
  return rows.map((row) => ({ orgId: row.org_id, membershipId: row.membership_id, role: row.role }));
}

/** Every organization id, for system jobs that visit each tenant in turn. */
export async function listOrganizationIds(tx: Transaction): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM ratchet_organization_ids() AS id`;
  return rows.map((row) => row.id);
}

export interface ClaimedOutboxJob {
  id: string;
  orgId: string;
  queue: string;
  jobName: string;
  jobId: string | null;
  payload: unknown;
  attempts: number;
}

/**
 * Leases up to `limit` outbox jobs of any tenant for `leaseSeconds`; jobs another relay holds are skipped.
 * Enqueue them, then call completeOutboxJobs; a job not completed becomes available again when its lease ends.
 */
export async function claimOutboxJobs(tx: Transaction, limit: number, leaseSeconds: number): Promise<ClaimedOutboxJob[]> {
  const rows = await tx.$queryRaw<
    { id: string; org_id: string; queue: string; job_name: string; job_id: string | null; payload: unknown; attempts: number }[]
  >`SELECT id, org_id, queue, job_name, job_id, payload, attempts FROM ratchet_outbox_claim(${limit}::integer, ${leaseSeconds}::integer)`;
  return rows.map((row) => ({
    id: row.id,
    orgId: row.org_id,
    queue: row.queue,
    jobName: row.job_name,
    jobId: row.job_id,
    payload: row.payload,
    attempts: row.attempts,
  }));
}

/** Deletes enqueued outbox jobs; returns how many were deleted. */
export async function completeOutboxJobs(tx: Transaction, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await tx.$queryRaw<{ deleted: number }[]>`
    SELECT ratchet_outbox_complete(${[...ids]}::uuid[]) AS deleted`;
  return rows[0]?.deleted ?? 0;
}

/**
 * Makes sure the monthly audit_events partition for `time` exists (creating it, and moving any of its rows out
 * of the default partition, when missing) and returns its name. Call it before inserting a month's events, in
 * the same transaction, so the insert never waits on the partition lock while holding rows of its own.
 */
export async function ensureAuditPartition(tx: Transaction, time: Date): Promise<string> {
  const rows = await tx.$queryRaw<{ name: string }[]>`SELECT ratchet_ensure_audit_partition(${time}) AS name`;
  const name = rows[0]?.name;
  if (!name) throw new Error('ratchet_ensure_audit_partition returned no partition name');
  return name;
}
