import { Injectable } from '@nestjs/common';
import type { AuditEvent } from '@ratchet/contracts';
import { ensureAuditPartition } from '@ratchet/db';
import type { Transaction } from '@ratchet/db';

import type { IngestScope } from './ingest.types.js';

/** What inserting a batch of audit events stored. */
export interface InsertedAuditEvents {
  /** Events new to the database; the rest were stored before (a repeated auditID). */
  inserted: number;
  /** The namespaces of the new events. */
  namespaceNames: string[];
  /** Months (UTC start, in ms) whose partition this insert made sure of: see rememberPartitions. */
  partitionedMonths: number[];
}

function monthStart(time: Date): number {
  return Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), 1);
}

/** Numbers each distinct value, so a batch sends every repeated text once; entries carry their number. */
class Dictionary<Entry extends object> {
  readonly entries: (Entry & { ref: number })[] = [];
  private readonly index = new Map<string, number>();

  ref(key: string, entry: () => Entry): number {
    let ref = this.index.get(key);
    if (ref === undefined) {
      ref = this.entries.length;
      this.entries.push({ ...entry(), ref });
      this.index.set(key, ref);
    }
    return ref;
  }
}

/** Writes audit-mode violations into the monthly partitions of audit_events. */
@Injectable()
export class AuditIngestRepository {
  // Months known to have a partition: made sure of once per process, not once per batch. An event of a month
  // whose partition retention dropped since would still land, in the default partition.
  private readonly partitionedMonths = new Set<number>();

  /** Records months whose partition a committed insert made sure of (a rolled-back one may have made none). */
  rememberPartitions(months: readonly number[]): void {
    for (const month of months) this.partitionedMonths.add(month);
  }

  /**
   * One multi-row INSERT for the whole batch, after making sure each month's partition exists. A repeated
   * (cluster, auditID, time), within the batch or against stored rows, is skipped and not counted.
   */
  async insert(tx: Transaction, scope: IngestScope, events: readonly AuditEvent[]): Promise<InsertedAuditEvents> {
    const months = [...new Set(events.map((event) => monthStart(new Date(event.time))))].filter((month) => !this.partitionedMonths.has(month));
    for (const month of months) await ensureAuditPartition(tx, new Date(month));
    // The violation text and the user repeat across a batch (one workload, one controller), and they are most of
    // its bytes: they travel once each, and rows refer to them by number.
    const violations = new Dictionary<object>();
    const users = new Dictionary<object>();
    const rows = events.map((event) => {
      const { annotations, violations: parsed, user } = event;
      return {
        audit_id: event.auditId,
        time: event.time,
        user: users.ref(JSON.stringify([user.username, user.groups]), () => ({ username: user.username, user_groups: user.groups })),
        verb: event.verb,
        object_resource: event.objectRef.resource,
        object_namespace: event.objectRef.namespace,
        object_name: event.objectRef.name,
        object_api_group: event.objectRef.apiGroup,
        object_api_version: event.objectRef.apiVersion,
        object_subresource: event.objectRef.subresource,
        namespace_name: event.namespace,
        response_code: event.responseCode,
        // The violations were checked to be the annotation's parse, so the annotations decide the entry.
        violation: violations.ref(JSON.stringify([annotations.auditViolations, annotations.enforcePolicy, annotations.auditPolicy]), () => ({
          audit_violations: annotations.auditViolations,
          enforce_policy: annotations.enforcePolicy,
          audit_policy: annotations.auditPolicy,
          level: parsed.level,
          version: parsed.version,
          checks: parsed.checks,
        })),
      };
    });
    // In auditID order, so two batches repeating the same events in another order wait for each other instead
    // of deadlocking.
    rows.sort((a, b) => (a.audit_id < b.audit_id ? -1 : a.audit_id > b.audit_id ? 1 : 0));
    const result = await tx.$queryRaw<{ inserted: number; namespaces: string[] | null }[]>`
      WITH v AS (
        SELECT * FROM json_to_recordset(${JSON.stringify(violations.entries)}::json)
          AS v(ref integer, audit_violations text, enforce_policy text, audit_policy text, level text, version text, checks jsonb)
      ), u AS (
        SELECT * FROM json_to_recordset(${JSON.stringify(users.entries)}::json) AS u(ref integer, username text, user_groups text[])
      ), inserted AS (
        INSERT INTO audit_events (org_id, cluster_id, audit_id, time, username, user_groups, verb, object_resource, object_namespace,
                                  object_name, object_api_group, object_api_version, object_subresource, namespace_name, response_code,
                                  audit_violations, enforce_policy, audit_policy, level, version, checks)
        SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, r.audit_id, r.time, u.username, u.user_groups, r.verb, r.object_resource,
               r.object_namespace, r.object_name, r.object_api_group, r.object_api_version, r.object_subresource, r.namespace_name,
               r.response_code, v.audit_violations, v.enforce_policy, v.audit_policy, v.level::pss_level, v.version, v.checks
        FROM json_to_recordset(${JSON.stringify(rows)}::json)
          AS r(audit_id text, time timestamptz, "user" integer, verb text, object_resource text, object_namespace text, object_name text,
               object_api_group text, object_api_version text, object_subresource text, namespace_name text, response_code integer,
               violation integer)
        JOIN v ON v.ref = r.violation
        JOIN u ON u.ref = r."user"
        ON CONFLICT (org_id, cluster_id, audit_id, time) DO NOTHING
        RETURNING namespace_name
      )
      SELECT count(*)::integer AS inserted, array_agg(DISTINCT namespace_name ORDER BY namespace_name) AS namespaces FROM inserted`;
    const row = result[0]!;
    return { inserted: row.inserted, namespaceNames: row.namespaces ?? [], partitionedMonths: months };
  }
}
