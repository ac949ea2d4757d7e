import { createHash } from 'node:crypto';

import pg from 'pg';

/** What the worker computed for one organization, by natural keys (names, hashes), never by generated ids or times. */
export interface PipelineState {
  /** `namespace|level|version|status|atRisk|audit=n|window=n|Kind/name:check+check,...` */
  readiness: string[];
  /** `namespace|Kind/name|level|version|check|status|message|detail` */
  findings: string[];
  /** `projectionHash|level|version|allowed|checks` */
  evaluations: string[];
  /** `projectionHash|evaluated` */
  projections: string[];
  marks: number;
}

/**
 * Reads the worker's tables of one organization (readiness, findings, verdicts, projections, marks) as the database
 * owner, so row-level security hides nothing. Two runs over the same input, in two databases or two organizations,
 * compare equal exactly when the worker computed the same thing; `checksum` is the md5 of it all.
 */
export async function pipelineState(databaseUrl: string, orgId: string): Promise<PipelineState & { checksum: string }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const readiness = await client.query<{ key: string }>(
      `SELECT concat_ws('|', n.name, r.level, r.version, r.status, r.at_risk, 'audit=' || r.audit_violation_count, 'window=' || r.window_days,
                (SELECT coalesce(string_agg((b->>'kind') || '/' || (b->>'name') || ':' ||
                   (SELECT string_agg(c, '+' ORDER BY c) FROM jsonb_array_elements_text(b->'checks') c), ',' ORDER BY b->>'kind', b->>'name'), '')
                 FROM jsonb_array_elements(r.blocking_workloads) b)) AS key
       FROM namespace_readiness r JOIN namespaces n ON n.org_id = r.org_id AND n.id = r.namespace_id
       WHERE r.org_id = $1 ORDER BY key`,
      [orgId],
    );
    const findings = await client.query<{ key: string }>(
      `SELECT concat_ws('|', namespace_name, workload_kind || '/' || workload_name, level, version, check_id, status, message, detail::text) AS key
       FROM findings WHERE org_id = $1 ORDER BY key`,
      [orgId],
    );
    const evaluations = await client.query<{ key: string }>(
      `SELECT concat_ws('|', p.content_hash, e.level, e.version, e.allowed, e.checks::text) AS key
       FROM projection_evaluations e JOIN security_projections p ON p.org_id = e.org_id AND p.id = e.projection_id
       WHERE e.org_id = $1 ORDER BY key`,
      [orgId],
    );
    const projections = await client.query<{ key: string }>(
      `SELECT content_hash || '|' || (evaluated_at IS NOT NULL) AS key FROM security_projections WHERE org_id = $1 ORDER BY key`,
      [orgId],
    );
    const marks = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM inventory_marks WHERE org_id = $1', [orgId]);
    const state: PipelineState = {
      readiness: readiness.rows.map((r) => r.key),
      findings: findings.rows.map((r) => r.key),
      evaluations: evaluations.rows.map((r) => r.key),
      projections: projections.rows.map((r) => r.key),
      marks: marks.rows[0]!.n,
    };
    return { ...state, checksum: createHash('md5').update(JSON.stringify(state)).digest('hex') };
  } finally {
    await client.end();
  }
}
