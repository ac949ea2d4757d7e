import pg from 'pg';

// Stamped by the auth guard on every authenticated call (a session's or token's last use): a read changes them,
// so they are not part of "what a request wrote".
const USE_STAMPS = ['last_seen_at', 'last_used_at'];

/**
 * One checksum per table of the public schema (partitioned tables read through their parent, migrations
 * excluded), read as the database owner so row-level security hides nothing. Two equal snapshots mean no
 * request in between inserted, updated or deleted a row.
 */
export async function databaseChecksums(databaseUrl: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> '_prisma_migrations'
       ORDER BY c.relname`,
    );
    const checksums: Record<string, string> = {};
    for (const { name } of tables) {
      const { rows } = await client.query<{ rows: string; digest: string | null }>(
        `SELECT count(*)::text AS rows, md5(string_agg((to_jsonb(t) - $1::text[])::text, ',' ORDER BY (to_jsonb(t) - $1::text[])::text)) AS digest
         FROM ${client.escapeIdentifier(name)} t`,
        [USE_STAMPS],
      );
      checksums[name] = `${rows[0]!.rows}:${rows[0]!.digest ?? '-'}`;
    }
    return checksums;
  } finally {
    await client.end();
  }
}
