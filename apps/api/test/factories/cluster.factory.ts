import { randomBytes } from 'node:crypto';

import { TOKEN_PREFIX, issueToken } from '../../src/common/auth/token.util.js';
import { ownerClient } from './db.factory.js';
import { createTenant } from './tenant.factory.js';
import type { TestTenant } from './tenant.factory.js';

export interface TestCluster {
  clusterId: string;
  name: string;
  agentToken: string;
  /** Headers an agent of this cluster sends. */
  agentHeaders: Record<string, string>;
}

/** A cluster with a live agent token, written straight to the database. */
export async function createCluster(databaseUrl: string, orgId: string, overrides: { name?: string } = {}): Promise<TestCluster> {
  const db = ownerClient(databaseUrl);
  const name = overrides.name ?? `cluster-${randomBytes(3).toString('hex')}`;
  const cluster = await db.cluster.create({ data: { orgId, name } });
  const token = issueToken(TOKEN_PREFIX.agentToken);
  await db.agentToken.create({
    data: { orgId, clusterId: cluster.id, name: 'factory', tokenHash: token.hash, tokenPrefix: token.displayPrefix },
  });
  return { clusterId: cluster.id, name, agentToken: token.token, agentHeaders: { Authorization: `Bearer ${token.token}` } };
}

/** A new tenant (createTenant) with one cluster of its own (createCluster). */
export async function createTenantCluster(databaseUrl: string): Promise<TestCluster & { tenant: TestTenant }> {
  const tenant = await createTenant(databaseUrl);
  return { ...(await createCluster(databaseUrl, tenant.orgId)), tenant };
}
