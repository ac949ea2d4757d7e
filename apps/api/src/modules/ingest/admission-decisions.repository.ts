import { Injectable } from '@nestjs/common';
import { PSA_ANNOTATION_KEY_PREFIX, type AdmissionDecision } from '@ratchet/contracts';
import { markInventory, type Transaction } from '@ratchet/db';

import type { IngestScope } from './ingest.types.js';

/** What adding a batch's admission decisions did. */
export interface AddedAdmissionDecisions {
  /** Entries added (each to its hour's row, new or existing). */
  added: number;
  /** Namespaces marked for readiness (their contradictions may have changed). */
  markedNamespaces: number;
}

/**
 * Adds the agent's aggregated Pod Security decisions (exempt requests, evaluated pods) to `admission_decisions`,
 * one row per cluster, namespace, UTC hour of `lastSeen` and key; entries of the same key in one batch are summed
 * first (one row may be written once per statement). Called once per batch (the batch's idempotency key), so a
 * retry never adds twice. Marks the namespaces for readiness, which compares the decisions with the configuration.
 */
@Injectable()
export class AdmissionDecisionsRepository {
  async add(tx: Transaction, scope: IngestScope, decisions: readonly AdmissionDecision[]): Promise<AddedAdmissionDecisions> {
    if (decisions.length === 0) return { added: 0, markedNamespaces: 0 };
    const records = decisions.map((d) => ({
      namespace_name: d.namespace,
      resource: d.resource,
      exempt: d.exempt ?? '',
      enforce_policy: d.enforcePolicy ?? '',
      username: d.username,
      dry_run: d.dryRun ?? false,
      key_prefix: d.keyPrefix ?? PSA_ANNOTATION_KEY_PREFIX,
      count: d.count,
      first_seen_at: d.firstSeen,
      last_seen_at: d.lastSeen,
    }));
    await tx.$executeRaw`
      INSERT INTO admission_decisions AS a (org_id, cluster_id, namespace_name, bucket_start, resource, exempt, enforce_policy, username,
                                            dry_run, key_prefix, count, first_seen_at, last_seen_at)
      SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, r.namespace_name, date_trunc('hour', r.last_seen_at, 'UTC'), r.resource, r.exempt,
             r.enforce_policy, r.username, r.dry_run, r.key_prefix, least(sum(r.count), 2147483647)::integer, min(r.first_seen_at), max(r.last_seen_at)
      FROM json_to_recordset(${JSON.stringify(records)}::json)
        AS r(namespace_name text, resource text, exempt text, enforce_policy text, username text, dry_run boolean, key_prefix text,
             count integer, first_seen_at timestamptz, last_seen_at timestamptz)
      GROUP BY r.namespace_name, date_trunc('hour', r.last_seen_at, 'UTC'), r.resource, r.exempt, r.enforce_policy, r.username, r.dry_run, r.key_prefix
      ORDER BY 3, 4, 5, 6, 7, 8, 9, 10
      ON CONFLICT (org_id, cluster_id, namespace_name, bucket_start, resource, exempt, enforce_policy, username, dry_run, key_prefix) DO UPDATE
      SET count = least(a.count::bigint + EXCLUDED.count, 2147483647)::integer,
          first_seen_at = least(a.first_seen_at, EXCLUDED.first_seen_at),
          last_seen_at = greatest(a.last_seen_at, EXCLUDED.last_seen_at)`;
    const marks = await markInventory(tx, scope, { namespaceNames: decisions.map((d) => d.namespace) });
    return { added: decisions.length, markedNamespaces: marks.namespaces };
  }
}
