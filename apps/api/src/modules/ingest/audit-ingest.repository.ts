import { Injectable } from '@nestjs/common';
import type { AuditEvent, AuditUser } from '@ratchet/contracts';
import type { Transaction } from '@ratchet/db';

import type { AuditViolationsReading } from './audit-violations.util.js';
import type { IngestScope } from './ingest.types.js';

/** What inserting a batch of audit events stored. */
export interface InsertedAuditEvents {
  /** Requests new to the database; the rest were stored before (a repeated auditID, another stage of it). */
  inserted: number;
  /** Requests stored before whose row this batch brought to a later stage (e.g. RequestReceived, then ResponseComplete). */
  upgraded: number;
  /** The namespaces of the new and upgraded events. */
  namespaceNames: string[];
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

/**
 * Writes audit-mode violations into the monthly partitions of audit_events. The worker's retention job makes the
 * partitions ahead of time (this month and the next two), so ingest never creates one and never takes the lock that
 * creating one needs. An event of a month without a partition (older than any kept, or the worker has not run) lands
 * in the default partition: stored, never refused; the worker moves it when it makes that month's partition, and
 * retention deletes it with the organization's other expired events.
 */
@Injectable()
export class AuditIngestRepository {
  /**
   * One statement for the whole batch. `readings[i]` is the API's
   * reading of `events[i]`'s annotation. A request (cluster, auditID, time) is stored once: within the batch its
   * latest stage is kept; against a stored row, a later stage replaces the row's facts (the response code comes
   * with ResponseComplete) and an earlier or equal one is skipped. Neither counts as inserted.
   */
  async insert(
    tx: Transaction,
    scope: IngestScope,
    events: readonly AuditEvent[],
    readings: readonly AuditViolationsReading[],
  ): Promise<InsertedAuditEvents> {
    // The violation text and the users repeat across a batch (one workload, one controller), and they are most
    // of its bytes: they travel once each, and rows refer to them by number.
    const violations = new Dictionary<object>();
    const users = new Dictionary<object>();
    const userRef = (user: AuditUser) =>
      users.ref(JSON.stringify([user.username, user.groups]), () => ({ username: user.username, user_groups: user.groups }));
    const rows = events.map((event, index) => {
      const { annotations } = event;
      const reading = readings[index]!;
      return {
        audit_id: event.auditId,
        stage: event.stage,
        time: event.time,
        user: userRef(event.user),
        impersonated_user: event.impersonatedUser ? userRef(event.impersonatedUser) : null,
        verb: event.verb,
        object_resource: event.objectRef.resource,
        object_namespace: event.objectRef.namespace,
        object_name: event.objectRef.name,
        object_api_group: event.objectRef.apiGroup,
        object_api_version: event.objectRef.apiVersion,
        object_subresource: event.objectRef.subresource,
        namespace_name: event.namespace,
        response_code: event.responseCode,
        dry_run: event.dryRun ?? false,
        // The reading is the annotation's parse, so the annotations decide the entry.
        violation: violations.ref(
          JSON.stringify([annotations.auditViolations, annotations.enforcePolicy, annotations.auditPolicy, annotations.keyPrefix]),
          () => ({
            audit_violations: annotations.auditViolations,
            enforce_policy: annotations.enforcePolicy,
            audit_policy: annotations.auditPolicy,
            annotation_key_prefix: annotations.keyPrefix,
            level: reading.level,
            version: reading.version,
            checks: reading.unparsed ? [] : reading.checks,
            unparsed: reading.unparsed,
            parse_error: reading.unparsed ? reading.parseError : null,
          }),
        ),
      };
    });
    // In (auditID, time) order, so two batches repeating the same events in another order wait for each other
    // instead of deadlocking; DISTINCT ON keeps each request's latest stage. The UPDATE reads the rows stored
    // before this statement, so it never touches a row the INSERT just made.
    const result = await tx.$queryRaw<{ inserted: number; upgraded: number; namespaces: string[] | null }[]>`
      WITH v AS (
        SELECT * FROM json_to_recordset(${JSON.stringify(violations.entries)}::json)
          AS v(ref integer, audit_violations text, enforce_policy text, audit_policy text, annotation_key_prefix text, level text,
               version text, checks jsonb, unparsed boolean, parse_error text)
      ), u AS (
        SELECT * FROM json_to_recordset(${JSON.stringify(users.entries)}::json) AS u(ref integer, username text, user_groups text[])
      ), r AS (
        SELECT DISTINCT ON (r.audit_id, r.time) r.*
        FROM (
          SELECT x.audit_id, x.stage::audit_stage AS stage, x.time::timestamptz(3) AS time, x."user", x.impersonated_user, x.verb,
                 x.object_resource, x.object_namespace, x.object_name, x.object_api_group, x.object_api_version, x.object_subresource,
                 x.namespace_name, x.response_code, x.dry_run, x.violation
          FROM json_to_recordset(${JSON.stringify(rows)}::json)
            AS x(audit_id text, stage text, time timestamptz, "user" integer, impersonated_user integer, verb text, object_resource text,
                 object_namespace text, object_name text, object_api_group text, object_api_version text, object_subresource text,
                 namespace_name text, response_code integer, dry_run boolean, violation integer)
        ) r
        ORDER BY r.audit_id, r.time, r.stage DESC
      ), e AS MATERIALIZED (
        SELECT r.audit_id, r.stage, r.time, u.username, u.user_groups, iu.username AS impersonated_username,
               coalesce(iu.user_groups, ARRAY[]::text[]) AS impersonated_user_groups, r.verb, r.object_resource, r.object_namespace,
               r.object_name, r.object_api_group, r.object_api_version, r.object_subresource, r.namespace_name, r.response_code,
               r.dry_run, v.audit_violations, v.enforce_policy, v.audit_policy, v.annotation_key_prefix, v.level::pss_level AS level,
               v.version, v.checks, v.unparsed, v.parse_error
        FROM r
        JOIN v ON v.ref = r.violation
        JOIN u ON u.ref = r."user"
        LEFT JOIN u iu ON iu.ref = r.impersonated_user
        ORDER BY r.audit_id, r.time
      ), inserted AS (
        INSERT INTO audit_events (org_id, cluster_id, audit_id, stage, time, username, user_groups, impersonated_username,
                                  impersonated_user_groups, verb, object_resource, object_namespace, object_name, object_api_group,
                                  object_api_version, object_subresource, namespace_name, response_code, dry_run, audit_violations,
                                  enforce_policy, audit_policy, annotation_key_prefix, level, version, checks, unparsed, parse_error)
        SELECT ${scope.orgId}::uuid, ${scope.clusterId}::uuid, e.audit_id, e.stage, e.time, e.username, e.user_groups,
               e.impersonated_username, e.impersonated_user_groups, e.verb, e.object_resource, e.object_namespace, e.object_name,
               e.object_api_group, e.object_api_version, e.object_subresource, e.namespace_name, e.response_code, e.dry_run,
               e.audit_violations, e.enforce_policy, e.audit_policy, e.annotation_key_prefix, e.level, e.version, e.checks, e.unparsed,
               e.parse_error
        FROM e
        ON CONFLICT (org_id, cluster_id, audit_id, time) DO NOTHING
        RETURNING namespace_name
      ), upgraded AS (
        UPDATE audit_events a
        SET stage = e.stage, username = e.username, user_groups = e.user_groups, impersonated_username = e.impersonated_username,
            impersonated_user_groups = e.impersonated_user_groups, verb = e.verb, object_resource = e.object_resource,
            object_namespace = e.object_namespace, object_name = e.object_name, object_api_group = e.object_api_group,
            object_api_version = e.object_api_version, object_subresource = e.object_subresource, namespace_name = e.namespace_name,
            response_code = e.response_code, dry_run = e.dry_run, audit_violations = e.audit_violations,
            enforce_policy = e.enforce_policy, audit_policy = e.audit_policy, annotation_key_prefix = e.annotation_key_prefix,
            level = e.level, version = e.version, checks = e.checks, unparsed = e.unparsed, parse_error = e.parse_error
        FROM e
        WHERE a.org_id = ${scope.orgId}::uuid AND a.cluster_id = ${scope.clusterId}::uuid AND a.audit_id = e.audit_id AND a.time = e.time
          AND a.stage < e.stage
        RETURNING a.namespace_name
      )
      SELECT (SELECT count(*) FROM inserted)::integer AS inserted, (SELECT count(*) FROM upgraded)::integer AS upgraded,
             (SELECT array_agg(DISTINCT n.namespace_name ORDER BY n.namespace_name)
              FROM (SELECT namespace_name FROM inserted UNION ALL SELECT namespace_name FROM upgraded) n) AS namespaces`;
    const row = result[0]!;
    return { inserted: row.inserted, upgraded: row.upgraded, namespaceNames: row.namespaces ?? [] };
  }
}
