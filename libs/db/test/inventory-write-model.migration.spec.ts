import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { DEFAULT_MIGRATIONS_DIR, migrate } from '../src/migrate/migrate.js';
import { createTestDatabase, withClient, type TestDatabase } from './support/test-database.util.js';

// Rows stored before 20261130100000_inventory_write_model get their top-level workload from the migration's
// backfill, by the same rule ingest applies (topLevelUid).
const MIGRATION = '20261130100000_inventory_write_model';

let database: TestDatabase;
let before: string;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  before = await mkdtemp(join(tmpdir(), 'ratchet-migrations-'));
  for (const name of await readdir(DEFAULT_MIGRATIONS_DIR)) {
    if (name < MIGRATION) await cp(join(DEFAULT_MIGRATIONS_DIR, name), join(before, name), { recursive: true });
  }
  await migrate({ connectionString: database.url, migrationsDir: before });
});

afterAll(async () => {
  await rm(before, { recursive: true, force: true });
  await database?.drop();
});

describe(MIGRATION, () => {
  it("backfills each stored workload's and pod's top-level workload", async () => {
    const uid = { deployment: randomUUID(), replicaSet: randomUUID(), operated: randomUUID(), bare: randomUUID(), pod: randomUUID(), orphan: randomUUID() };
    const operator = randomUUID();
    await withClient(database.url, async (client) => {
      const org = (await client.query<{ id: string }>(`INSERT INTO organizations (name, slug) VALUES ('o', 'o') RETURNING id`)).rows[0]!.id;
      const cluster = (await client.query<{ id: string }>(`INSERT INTO clusters (org_id, name) VALUES ($1, 'c') RETURNING id`, [org])).rows[0]!.id;
      const ns = (await client.query<{ id: string }>(`INSERT INTO namespaces (org_id, cluster_id, name) VALUES ($1, $2, 'shop') RETURNING id`, [org, cluster])).rows[0]!.id;
      const projection = (await client.query<{ id: string }>(`INSERT INTO security_projections (org_id, content_hash, projection) VALUES ($1, 'h', '{}') RETURNING id`, [org])).rows[0]!.id;
      const workload = (kind: string, name: string, id: string, chain: object[]) =>
        client.query(
          `INSERT INTO workloads (org_id, cluster_id, namespace_id, kind, name, uid, owner_chain, projection_id) VALUES ($1, $2, $3, $4::workload_kind, $5, $6, $7, $8)`,
          [org, cluster, ns, kind, name, id, JSON.stringify(chain), projection],
        );
      await workload('Deployment', 'web', uid.deployment, []);
      await workload('ReplicaSet', 'web-1', uid.replicaSet, [{ kind: 'Deployment', name: 'web', uid: uid.deployment }]);
      await workload('ReplicaSet', 'db-1', uid.operated, [{ kind: 'PostgresCluster', name: 'db', uid: operator }]);
      await workload('Pod', 'bare', uid.bare, []);
      const pod = (name: string, id: string, workloadUid: string) =>
        client.query(
          `INSERT INTO pods (org_id, cluster_id, namespace_id, name, uid, workload_uid, projection_id, phase) VALUES ($1, $2, $3, $4, $5, $6, $7, 'Running')`,
          [org, cluster, ns, name, id, workloadUid, projection],
        );
      await pod('web-1-a', uid.pod, uid.replicaSet);
      await pod('lost', randomUUID(), uid.orphan);
    });

    await migrate({ connectionString: database.url });

    await withClient(database.url, async (client) => {
      const workloads = await client.query<{ name: string; top: string }>('SELECT name, top_level_uid::text AS top FROM workloads ORDER BY name');
      expect(workloads.rows.map((row) => [row.name, row.top])).toEqual([
        ['bare', uid.bare],
        ['db-1', uid.operated],
        ['web', uid.deployment],
        ['web-1', uid.deployment],
      ]);
      const pods = await client.query<{ name: string; top: string }>('SELECT name, top_level_workload_uid::text AS top FROM pods ORDER BY name');
      expect(pods.rows.map((row) => [row.name, row.top])).toEqual([
        ['lost', uid.orphan],
        ['web-1-a', uid.deployment],
      ]);
    });
  });
});
