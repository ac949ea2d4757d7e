import pg from 'pg';

/** Row counts of every table ingestion writes, and the clusters' last-seen times, read as the owner. */
export interface IngestState {
  ingestBatches: number;
  auditEvents: number;
  namespaces: number;
  workloads: number;
  pods: number;
  projections: number;
  outboxJobs: number;
  clustersSeen: string;
}

/**
 * What ingestion has written so far, in one organization or (without `orgId`) the whole database: a rejected
 * batch must leave it as it was.
 */
export async function ingestState(databaseUrl: string, orgId?: string): Promise<IngestState> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<IngestState>(
      `SELECT (SELECT count(*) FROM ingest_batches WHERE $1::uuid IS NULL OR org_id = $1)::integer AS "ingestBatches",
              (SELECT count(*) FROM audit_events WHERE $1::uuid IS NULL OR org_id = $1)::integer AS "auditEvents",
              (SELECT count(*) FROM namespaces WHERE $1::uuid IS NULL OR org_id = $1)::integer AS namespaces,
              (SELECT count(*) FROM workloads WHERE $1::uuid IS NULL OR org_id = $1)::integer AS workloads,
              (SELECT count(*) FROM pods WHERE $1::uuid IS NULL OR org_id = $1)::integer AS pods,
              (SELECT count(*) FROM security_projections WHERE $1::uuid IS NULL OR org_id = $1)::integer AS projections,
              (SELECT count(*) FROM outbox_jobs WHERE $1::uuid IS NULL OR org_id = $1)::integer AS "outboxJobs",
              (SELECT coalesce(string_agg(id || '@' || coalesce(last_seen_at::text, '-'), ',' ORDER BY id), '')
               FROM clusters WHERE $1::uuid IS NULL OR org_id = $1) AS "clustersSeen"`,
      [orgId ?? null],
    );
    return rows[0]!;
  } finally {
    await client.end();
  }
}
