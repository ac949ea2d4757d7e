/** A tenant: every repository function takes it, so no query can leave the organization out. */
export interface TenantScope {
  orgId: string;
}

/** One cluster of a tenant: where an agent's batch lands (the token's, never the body's). */
export interface ClusterScope extends TenantScope {
  clusterId: string;
}
