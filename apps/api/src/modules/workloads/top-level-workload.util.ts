import { WORKLOAD_KINDS } from '@ratchet/contracts';
import { Prisma } from '@ratchet/db';

/**
 * SQL condition: the workload `alias` is top-level, i.e. none of its controllers is a kind the agent watches
 * (DESIGN.md "Workload": a ReplicaSet under a Deployment is part of the Deployment, a ReplicaSet under an
 * operator's resource is a workload of its own). The same rule as the clusters' workload counts.
 */
export function topLevelWorkload(alias: string): Prisma.Sql {
  const ownerChain = Prisma.raw(`${alias}.owner_chain`);
  return Prisma.sql`NOT EXISTS (
    SELECT 1 FROM jsonb_array_elements(${ownerChain}) AS owner WHERE owner ->> 'kind' = ANY(${[...WORKLOAD_KINDS]}::text[])
  )`;
}
