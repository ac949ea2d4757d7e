import { Prisma } from '@ratchet/db';

/**
 * SQL condition: the workload `alias` is top-level (DESIGN.md "Workload": a ReplicaSet under a Deployment is part
 * of the Deployment, a ReplicaSet under an operator's resource is a workload of its own). Ingest stores each
 * workload's top-level workload (libs/db topLevelUid), so this reads a column instead of walking the owner chain.
 */
export function topLevelWorkload(alias: string): Prisma.Sql {
  const workload = Prisma.raw(alias);
  return Prisma.sql`${workload}.top_level_uid = ${workload}.uid`;
}
