import { cache } from 'react';
import { ClustersPage, NamespacesPage, type NamespaceSummary } from '@ratchet/contracts';

import { ApiError } from './api-error';
import { apiGet, withQuery } from './api.server';

/** The organization's clusters (once per request: the layout and the page share it). */
export const listClusters = cache((orgId: string) => apiGet('/api/v1/clusters?limit=500', ClustersPage, orgId));

/**
 * Every live namespace (of one cluster, or of the organization), following the cursor 500 at a time: the
 * dashboard sorts and filters them in the browser, which stays instant at thousands of rows.
 */
export async function listAllNamespaces(orgId: string, clusterId?: string): Promise<NamespaceSummary[]> {
  const items: NamespaceSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await apiGet(withQuery('/api/v1/namespaces', { clusterId, limit: 500, cursor }), NamespacesPage, orgId);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Awaits `promise`, turning an API error into a value the page renders with the API's message. */
export async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, error };
    throw error;
  }
}
